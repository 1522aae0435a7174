"""/reports/monthly: the figures on the page equal the documents of a test
month summed line by line here; the XLSX carries the same totals; a month
not yet closed is shown as provisional; a bad month is a readable 400; and
the reader's scope holds whatever filter or door they use."""
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Invoice, InvoiceLine, Receipt, SalesOrder, SalesOrderLine, ShippingLine, ShippingNote, User
from tests.support.api_client import signed_in
from tests.support.ledger_harness import shipped_order

ZHEJIANG = "浙江泵阀总经销有限公司"   # 华东, rep_east1
GUANGDONG = "广东泵阀总经销有限公司"  # 华南, rep_south1


@pytest.fixture
def act(sales):
    from app.actions import run_action
    from tests.support.ledger_harness import new_call

    return lambda operation, **params: run_action(new_call(operation), params)


@pytest.fixture
def november(act, customer_code):
    """Zhejiang (rep_east1): motors and parts shipped, invoiced, a receipt,
    and a red invoice for one motor; Guangdong (rep_south1): a motor shipped,
    not invoiced. An October sale for the year to date."""
    zhejiang, guangdong = customer_code(ZHEJIANG), customer_code(GUANGDONG)
    october = act("ledger.create_sales_order", customer=zhejiang, date="2026-10-08", lines=[{"material": "MTR001", "qty": 1}])
    note = act("ledger.create_shipping_note", order=october["order_no"], date="2026-10-08")
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-10-08")
    act("ledger.issue_invoice", order=october["order_no"], date="2026-10-09")
    order = shipped_order(act, zhejiang, "2026-11-05", [{"material": "MTR001", "qty": 3}, {"material": "PRT001", "qty": 10}],
                          shipped=[{"line_no": 1, "qty": 2}, {"line_no": 2, "qty": 10}])
    act("ledger.issue_invoice", order=order, date="2026-11-06")
    act("ledger.record_receipt", customer=zhejiang, amount="1000", date="2026-11-25")
    shipped_order(act, guangdong, "2026-11-10", [{"material": "MTR001", "qty": 1}])
    db.session.flush()
    return {"zhejiang": zhejiang, "guangdong": guangdong}


def documents(start, end, rep=None):
    """The month's shipped, invoiced and received amounts summed here from
    the documents themselves, not through the report's code."""
    def mine(column):
        return True if rep is None else column == db.session.scalar(select(User.id).where(User.username == rep))

    shipped = sum((round(gross * qty / line_qty, 2) for gross, qty, line_qty in db.session.execute(
        select(SalesOrderLine.gross, ShippingLine.qty, SalesOrderLine.qty).select_from(ShippingLine)
        .join(ShippingNote, ShippingLine.note_id == ShippingNote.id).join(SalesOrder, ShippingNote.order_id == SalesOrder.id)
        .join(SalesOrderLine, ShippingLine.order_line_id == SalesOrderLine.id)
        .where(ShippingNote.status == "posted", ShippingNote.posted_date >= start, ShippingNote.posted_date < end,
               mine(SalesOrder.salesperson_id)))), Decimal("0"))
    invoiced = sum(db.session.scalars(select(InvoiceLine.gross).join(Invoice, InvoiceLine.invoice_id == Invoice.id).where(
        Invoice.invoice_date >= start, Invoice.invoice_date < end, mine(Invoice.salesperson_id))), Decimal("0"))
    received = sum(db.session.scalars(select(Receipt.amount).where(
        Receipt.receipt_date >= start, Receipt.receipt_date < end, mine(Receipt.salesperson_id))), Decimal("0"))
    return {"shipped": shipped, "invoiced": invoiced, "received": received}


def downloaded(user, url) -> bytes:
    response = user.get(url)
    try:
        assert response.status_code == 200
        return response.get_data()
    finally:
        response.close()


def money(value):
    return f"¥{Decimal(value):,.2f}"


def total_cells(html, part):
    import re
    return {m: re.search(rf'data-total="{part}-{m}">(?:<a [^>]*>)?([^<]+)<', html).group(1) for m in
            ("shipped", "invoiced", "received")}


def test_the_page_shows_the_documents_figures_provisional_until_closed(web, november):
    from datetime import date
    html = web("director").page("/reports/monthly?month=2026-11")
    month = documents(date(2026, 11, 1), date(2026, 12, 1))
    ytd = documents(date(2026, 1, 1), date(2026, 12, 1))
    assert month["shipped"] > 0 and month["invoiced"] > 0 and month["received"] == Decimal("1000.00")
    assert total_cells(html, "month") == {m: money(v) for m, v in month.items()}
    assert total_cells(html, "ytd") == {m: money(v) for m, v in ytd.items()}
    assert "data-provisional" in html
    assert ZHEJIANG in html and november["zhejiang"] in html and "华南" in html and 'data-chart-of="months"' in html
    east = web("director").page("/reports/monthly?month=2026-11&region=华南")
    assert ZHEJIANG not in east and GUANGDONG in east


def test_the_xlsx_and_csv_carry_the_page_totals_and_say_what_they_are(web, november):
    from datetime import date
    month = documents(date(2026, 11, 1), date(2026, 12, 1))
    book = load_workbook(io.BytesIO(downloaded(web("director"), "/reports/monthly/customer.xlsx?month=2026-11")))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][2:5] == (month["shipped"], month["invoiced"], month["received"])
    assert sum(Decimal(str(r[2])) for r in rows[1:-1]) == month["shipped"]
    about = dict(book.worksheets[1].iter_rows(values_only=True))
    assert "2026-11" in about.values() and any("director" in str(v) for v in about.values())
    text = downloaded(web("director"), "/reports/monthly/lines.csv?month=2026-11").decode("utf-8-sig")
    assert text.count("\n") > 4 and "2026-11" in text


def test_drill_down_lists_the_documents_linked_to_their_requests(web, november):
    html = web("director").page(f"/reports/monthly/lines?month=2026-11&customer={november['guangdong']}&measure=shipped")
    assert GUANGDONG in html and ZHEJIANG not in html and "data-document=" in html


def test_a_bad_month_is_a_readable_page_and_an_api_error_naming_month(web, client, sales):
    response = web("director").get("/reports/monthly?month=2026-13")
    assert response.status_code == 400 and "month" in response.get_data(as_text=True)
    body = signed_in(client, "director").get("/ledger/reports/monthly?month=2026-13").get_json()
    assert "month" in str(body["error"]["details"])


@pytest.mark.parametrize("url", ["/reports/monthly?month=2026-11&salesperson=rep_south1",
                                 "/reports/monthly?month=2026-11&region=华南",
                                 "/reports/monthly/lines?month=2026-11&salesperson=rep_south1",
                                 "/reports/monthly/customer.csv?month=2026-11&region=华南",
                                 "/reports/monthly/lines.csv?month=2026-11"])
def test_a_rep_forging_another_reps_filter_sees_only_their_own(web, november, url):
    body = downloaded(web("rep_east1"), url).decode("utf-8-sig")
    assert GUANGDONG not in body and november["guangdong"] not in body


def test_the_reps_figures_are_their_own_and_the_region_manager_sees_the_region(web, november):
    from datetime import date
    mine = documents(date(2026, 11, 1), date(2026, 12, 1), rep="rep_east1")
    html = web("rep_east1").page("/reports/monthly?month=2026-11")
    assert total_cells(html, "month") == {m: money(v) for m, v in mine.items()} and GUANGDONG not in html
    html = web("rm_east").page("/reports/monthly?month=2026-11&region=华南")
    assert GUANGDONG not in html


def test_the_api_obeys_the_report_scope(client, november, act):
    act("ledger.close_period", month="2026-11")
    lines = signed_in(client, "rep_east1").get("/ledger/reports/monthly?month=2026-11&salesperson=rep_south1").get_json()
    assert lines["lines"] == []
    own = signed_in(client, "rep_east1").get("/ledger/reports/monthly?month=2026-11").get_json()["lines"]
    assert own and {line["salesperson"] for line in own} == {"rep_east1"}


def test_f07_review_task_shows_the_report_partial(sales, web, november, act):
    act("ledger.close_period", month="2026-11")
    instance = sales.start("monthly_report", {"month": "2026-11"}, "sales_admin")
    task = sales.task(instance, "Task_ReviewReport")
    html = web("sales_admin2").page(f"/tasks/{task.id}")
    assert 'data-shows="report"' in html and 'data-table="salesperson"' in html and ZHEJIANG in html
    assert "data-provisional" not in html


def test_beyond_the_largest_customers_the_rest_is_one_row_and_every_customer_is_a_click_away(web, november, monkeypatch):
    from app.services import report_monthly
    monkeypatch.setattr(report_monthly, "CUSTOMER_ROWS", 1)
    html = web("director").page("/reports/monthly?month=2026-11")
    # Zhejiang shipped and invoiced more this month than Guangdong: it stays, Guangdong is among "the other 1"
    assert ZHEJIANG in html and GUANGDONG not in html.split('data-table="customer"')[1].split("</section>")[0]
    assert "其余 1 个客户" in html and "customers=all" in html
    everyone = web("director").page("/reports/monthly?month=2026-11&customers=all")
    customers = everyone.split('data-table="customer"')[1].split("</section>")[0]
    assert ZHEJIANG in customers and GUANGDONG in customers and "其余" not in customers
