"""F07's lines (seed §七 导出明细, 筛选, 系列汇总): the shipping lines,
invoice lines and receipts behind a reconciled month's report, filtered by
region, salesperson, customer and product series, totalled by series, and
exported as CSV; the same figures as the report the flow builds."""
import csv
import io

import pytest

from tests.support.api_client import error_of, signed_in
from tests.support.ledger_harness import shipped_order

ZHEJIANG = "浙江泵阀总经销有限公司"   # 华东, rep_east1
GUANGDONG = "广东泵阀总经销有限公司"  # 华南, rep_south1


@pytest.fixture
def api(client, sales):
    return lambda username: signed_in(client, username)


@pytest.fixture
def november(act, customer_code):
    """Zhejiang: a motor and parts shipped and invoiced, and a receipt;
    Guangdong: a motor shipped, not invoiced. November reconciled."""
    zhejiang, guangdong = customer_code(ZHEJIANG), customer_code(GUANGDONG)
    order = shipped_order(act, zhejiang, "2026-11-05", [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 10}])
    act("ledger.issue_invoice", order=order, date="2026-11-06")
    act("ledger.record_receipt", customer=zhejiang, amount="1000", date="2026-11-25")
    shipped_order(act, guangdong, "2026-11-10", [{"material": "MTR001", "qty": 1}])
    act("ledger.close_period", month="2026-11")
    return {"zhejiang": zhejiang, "guangdong": guangdong}


def test_lines_filters_and_series_totals_agree_with_the_report_the_flow_builds(sales, api, november):
    report = sales.start("monthly_report", {"month": "2026-11"}, "sales_admin").data["report"]
    reader = api("sales_admin")
    everything = reader.ok("get", "/ledger/reports/monthly?month=2026-11")
    assert everything["totals"] == report["totals"]["month"]
    assert everything["by_series"] == report["by_series"]
    measures = [(line["measure"], line["material"]) for line in everything["lines"]]
    assert measures == [("shipped", "MTR001"), ("shipped", "PRT001"), ("shipped", "MTR001"),
                        ("invoiced", "MTR001"), ("invoiced", "PRT001"), ("received", "")]
    motors, parts = everything["lines"][0]["series"], everything["lines"][1]["series"]
    assert motors and parts and motors != parts
    assert [row["series"] for row in everything["by_series"]] == sorted([motors, parts])
    # a region: the report's region row, line by line
    south = reader.ok("get", "/ledger/reports/monthly?month=2026-11&region=华南")
    assert {line["customer"] for line in south["lines"]} == {november["guangdong"]}
    assert south["totals"] == {r["key"]: r["month"] for r in report["by_region"]}["华南"]
    # a salesperson and a series together
    parts_east = reader.ok("get", f"/ledger/reports/monthly?month=2026-11&salesperson=rep_east1&series={parts}")
    assert [(l["measure"], l["material"], l["qty"]) for l in parts_east["lines"]] == [("shipped", "PRT001", "10"),
                                                                                     ("invoiced", "PRT001", "10")]
    assert parts_east["by_series"] == [{"series": parts, "shipped": parts_east["totals"]["shipped"],
                                        "invoiced": parts_east["totals"]["invoiced"]}]
    assert parts_east["filters"] == {"salesperson": "rep_east1", "series": parts}
    customer = reader.ok("get", f"/ledger/reports/monthly?month=2026-11&customer={november['zhejiang']}")
    assert customer["totals"] == {r["key"]: r["month"] for r in report["by_customer"]}[november["zhejiang"]]


def test_the_lines_export_as_csv_with_the_same_figures(sales, api, november):
    reader = api("finance")
    response = reader.get("/ledger/reports/monthly.csv?month=2026-11&region=华东")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "monthly-report-2026-11.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["类别", "日期", "单据号", "行号", "客户编码", "客户名称", "业务员", "区域", "物料编码", "产品系列",
                       "数量", "金额"]
    listed = reader.ok("get", "/ledger/reports/monthly?month=2026-11&region=华东")["lines"]
    assert [row[2] for row in rows[1:]] == [line["document"] for line in listed] and len(listed) == 5
    assert [row[0] for row in rows[1:]] == ["发货", "发货", "开票", "开票", "回款"]
    assert [row[11] for row in rows[1:]] == [line["amount"] for line in listed]


def test_only_a_reconciled_month_has_lines_and_each_reader_sees_their_part(sales, api, act, november):
    error = error_of(api("sales_admin").get("/ledger/reports/monthly?month=2026-12"), 422, "month_not_reconciled")
    assert "month" in error["details"]["fields"]
    assert "month" in error_of(api("sales_admin").get("/ledger/reports/monthly?month=2026-13"), 422)["details"]["fields"]
    assert "month" in error_of(api("sales_admin").get("/ledger/reports/monthly.csv"), 422)["details"]["fields"]
    # a rep reads the lines credited to them (report_access), nobody else's
    own = api("rep_east1").get("/ledger/reports/monthly?month=2026-11").get_json()["lines"]
    assert own and {line["salesperson"] for line in own} == {"rep_east1"}
    assert "广东" not in api("rep_east1").get("/ledger/reports/monthly.csv?month=2026-11").get_data(as_text=True)
    assert api("warehouse").get("/ledger/reports/monthly?month=2026-11").status_code == 403
