"""F06 against the other systems' statements (seed §六): the inventory
system's outbound details and the finance system's receivables, imported
as CSV files through the API, reconciled line by line by the real diagram;
every difference listed, a corrected file imported and the month re-run;
malformed files refused naming the line and the column."""
import io

import pytest

from app.extensions import db
from app.models import ExternalStatement
from tests.support.api_client import error_of, signed_in
from tests.support.ledger_harness import all_invariants_hold
from tests.support.statements import (OUTBOUND_HEADER, RECEIVABLE_HEADER, csv_bytes, outbound_rows,
                                      receivable_rows)

DEALER = "浙江泵阀总经销有限公司"
MONTH = "2026-11"


@pytest.fixture
def api(client, sales):
    """``api("finance")``: the API as that demo user (the flows' organisation)."""
    return lambda username: signed_in(client, username)


@pytest.fixture
def november(act, customer_code):
    """Two orders shipped in November (one with two lines), both invoiced."""
    dealer = customer_code(DEALER)
    for lines in ([{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 5}], [{"material": "MTR001", "qty": 1}]):
        order = act("ledger.create_sales_order", customer=dealer, lines=lines, date="2026-11-10")
        note = act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-10")
        act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-11")
        act("ledger.issue_invoice", order=order["order_no"], date="2026-11-20")
    db.session.commit()


def upload(user, kind, content: bytes, *, month=MONTH, name="statement.csv"):
    return user.post("/ledger/statements", data={"kind": kind, "month": month, "file": (io.BytesIO(content), name)},
                     content_type="multipart/form-data")


def imported(user, kind, content, **kwargs):
    response = upload(user, kind, content, **kwargs)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_every_difference_with_the_other_systems_is_listed_then_a_corrected_file_balances(sales, api, november):
    outbound, receivables = outbound_rows(MONTH), receivable_rows(MONTH)
    assert len(outbound) == 3 and len(receivables) == 2
    wrong_outbound = [outbound[0][:4] + ["3", "成品库"],                            # 2 shipped, 3 issued
                      outbound[2],                                                  # outbound[1] never issued
                      ["2026-11-12", "SN-STOCK-9", "1", "MTR001", "1", "成品库"]]    # issued, never shipped
    wrong_receivables = [receivables[0][:3] + ["1.00"]]                             # amount; the second is missing
    admin, finance = api("sales_admin"), api("finance")
    first = imported(admin, "inventory_outbound", csv_bytes(OUTBOUND_HEADER, wrong_outbound), name="出库明细11月.csv")
    assert (first["rows"], first["kind"], first["imported_by"]) == (3, "inventory_outbound", "sales_admin")
    imported(finance, "finance_receivables", csv_bytes(RECEIVABLE_HEADER, wrong_receivables, bom=False))

    instance = sales.start("monthly_reconciliation", {"month": MONTH}, "sales_admin")
    result = instance.data["reconciliation"]
    assert not result["balanced"] and sales.ready_elements(instance) == ["Task_InvestigateDifferences"]
    found = {d["name"]: d["violations"] for d in result["differences"]}
    assert set(found) == {"inventory_statement", "finance_statement"}  # the books themselves agree
    (note_a, line_1), (note_a2, line_2), note_b = outbound[0][1:3], outbound[1][1:3], outbound[2][1]
    assert found["inventory_statement"] == [  # by shipping note and line
        {"mismatch": "missing_in_sales", "shipping_note": "SN-STOCK-9", "line_no": 1, "row": 4, "material": "MTR001",
         "inventory_qty": "1"},
        {"mismatch": "qty_differs", "shipping_note": note_a, "line_no": int(line_1), "row": 2, "material": "MTR001",
         "sales_qty": "2", "inventory_qty": "3"},
        {"mismatch": "missing_in_inventory", "shipping_note": note_a2, "line_no": int(line_2), "material": "PRT001",
         "sales_qty": "5"},
    ] and note_b != note_a
    assert found["finance_statement"] == [
        {"mismatch": "amount_differs", "invoice": receivables[0][1], "row": 2, "sales_amount": receivables[0][3],
         "finance_amount": "1.00"},
        {"mismatch": "missing_in_finance", "invoice": receivables[1][1], "customer": receivables[1][2],
         "sales_amount": receivables[1][3]},
    ]
    assert result["figures"]["inventory_outbound"] == "出库明细11月.csv (3)"

    # the other systems correct their exports; the latest import counts, the earlier one stays on record
    imported(admin, "inventory_outbound", csv_bytes(OUTBOUND_HEADER, outbound))
    imported(finance, "finance_receivables", csv_bytes(RECEIVABLE_HEADER, receivables))
    sales.complete(instance, "Task_InvestigateDifferences", "sales_admin", {"resolution": "rerun"})
    assert instance.data["reconciliation"]["balanced"], instance.data["reconciliation"]["differences"]
    sales.approve(instance, "Task_FinanceConfirm", "finance", "与库存、财务系统核对一致")
    assert db.session.query(ExternalStatement).filter_by(month=MONTH).count() == 4
    assert all_invariants_hold()
    # a closed month takes no more statements
    error = error_of(upload(admin, "inventory_outbound", csv_bytes(OUTBOUND_HEADER, outbound)), 422, "period_closed")
    assert "month" in error["details"]["fields"]


def test_a_statement_never_imported_is_itself_a_difference(sales, november):
    instance = sales.start("monthly_reconciliation", {"month": MONTH}, "sales_admin")
    found = {d["name"]: d["violations"] for d in instance.data["reconciliation"]["differences"]}
    assert found == {"inventory_statement": [{"mismatch": "statement_missing", "statement": "inventory_outbound",
                                              "month": MONTH}],
                     "finance_statement": [{"mismatch": "statement_missing", "statement": "finance_receivables",
                                            "month": MONTH}]}
    assert sales.ready_elements(instance) == ["Task_InvestigateDifferences"]


GOOD = ["2026-11-11", "SN202611-0001", "1", "MTR001", "2"]


@pytest.mark.parametrize("header, rows, line, column", [
    (["出库日期", "发货单号", "行号", "物料编码"], [GOOD[:4]], 1, "qty"),                       # a column missing
    (["date", "shipping_note", "line_no", "material", "qty", "qty"], [GOOD + ["2"]], 1, "qty"),  # twice
    (OUTBOUND_HEADER[:5], [GOOD, ["2026-11-31", *GOOD[1:]]], 3, "date"),                         # no such day
    (OUTBOUND_HEADER[:5], [["2026-12-01", *GOOD[1:]]], 2, "date"),                               # another month
    (OUTBOUND_HEADER[:5], [GOOD[:4] + ["两件"]], 2, "qty"),
    (OUTBOUND_HEADER[:5], [GOOD[:4] + ["-2"]], 2, "qty"),
    (OUTBOUND_HEADER[:5], [GOOD[:4] + ["1.00001"]], 2, "qty"),
    (OUTBOUND_HEADER[:5], [GOOD[:2] + ["first"] + GOOD[3:]], 2, "line_no"),
    (OUTBOUND_HEADER[:5], [GOOD, [], GOOD], 4, "line_no"),                                       # the same line twice
    (OUTBOUND_HEADER[:5], [GOOD[:3]], 2, "material"),                                            # a short row
])
def test_a_malformed_outbound_file_is_refused_naming_line_and_column(sales, api, header, rows, line, column):
    error = error_of(upload(api("sales_admin"), "inventory_outbound", csv_bytes(header, rows)), 422, "malformed_statement")
    assert {"line": line, "column": column} == {k: error["details"]["problems"][0][k] for k in ("line", "column")}
    assert f"line {line}, column {column}" in error["message"] and "file" in error["details"]["fields"]
    assert db.session.query(ExternalStatement).count() == 0


def test_receivable_files_and_what_is_not_a_statement_are_refused_with_the_place(sales, api):
    finance = api("finance")
    bad_amount = csv_bytes(RECEIVABLE_HEADER, [["2026-11-20", "IV1", "D1", "12.345"], ["2026-11-20", "IV2", "D1", "x"]])
    error = error_of(upload(finance, "finance_receivables", bad_amount), 422, "malformed_statement")
    assert [(p["line"], p["column"]) for p in error["details"]["problems"]] == [(2, "amount"), (3, "amount")]
    error = error_of(upload(finance, "finance_receivables", "日期,发票号\n".encode("gbk") + b"\xff\xfe"), 422,
                     "malformed_statement")
    assert error["details"]["problems"][0]["line"] in (1, 2) and "UTF-8" in error["message"]
    error = error_of(upload(finance, "finance_receivables", b""), 422, "malformed_statement")
    assert error["details"]["problems"] == [{"line": 1, "column": None, "message": error["details"]["problems"][0]["message"]}]
    red = csv_bytes(RECEIVABLE_HEADER, [["2026-11-20", "IV-RED", "D1", "-113.00"]])
    assert imported(finance, "finance_receivables", red)["rows"] == 1  # a red invoice's receivable is negative
    assert "kind" in error_of(upload(finance, "stock", red), 422)["details"]["fields"]
    assert "month" in error_of(upload(finance, "finance_receivables", red, month="2026-13"), 422)["details"]["fields"]
    assert "file" in error_of(finance.post("/ledger/statements", data={"kind": "finance_receivables", "month": MONTH},
                                           content_type="multipart/form-data"), 422)["details"]["fields"]


@pytest.mark.parametrize("username", ["rep_east1", "warehouse", "auditor"])
def test_only_the_sales_office_and_finance_import_statements(sales, api, username):
    content = csv_bytes(RECEIVABLE_HEADER, [])
    assert upload(api(username), "finance_receivables", content).status_code == 403
    assert db.session.query(ExternalStatement).count() == 0
