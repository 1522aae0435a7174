"""In the browser: finance opens the receivables ageing, narrows it to a
region, clicks a bucket to its open invoices, opens the request that made
one, and downloads the XLSX, whose totals are the page's; the page pictured
in Chinese and English, on a desktop and a 375 px phone."""
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from app.extensions import db
from app.models import Invoice
from tests.support.receivables_ageing import ADVANCE, build_book, expected_open
from tests.web.browser_driving import (browser, live_app, live_server, person, shot, sign_in,  # noqa: F401  (fixtures)
                                       world)


def _invoiced_through_f04(world, dealer: str) -> tuple[str, int]:
    """F04 on an order shipped today: picked, issued, received by the requester and finance, entered; the invoice number and the request."""
    order = world.act("ledger.create_sales_order", customer=dealer, date="2026-12-01", lines=[{"material": "MTR001", "qty": 1}])
    note = world.act("ledger.create_shipping_note", order=order["order_no"], date="2026-12-01")
    world.act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-12-01")
    instance = world.start("invoice_request", {"customer": dealer, "order_no": order["order_no"],
                                               "invoice_type": "special_vat"}, "rep_east1", business_key="KP-AGEING")
    picked = [{"order_line": row["order_line"]} for row in instance.data["shipped_lines"]["lines"]]
    world.complete(instance, "Task_CheckShipped", "sales_admin", {"decision": "approve", "invoice_lines": picked})
    world.complete(instance, "Task_IssueInvoice", "billing_clerk", {"invoice_date": "2026-12-01",
                                                                    "tax_invoice_number": "No.04418899"})
    world.complete(instance, "Task_RequesterReceivesInvoice", "rep_east1", {"action": "received"})
    world.complete(instance, "Task_FinanceReceivesInvoice", "finance", {"action": "received"})
    world.complete(instance, "Task_EnterInvoice", "sales_admin2", {"delivery_method": "mail", "entry_note": "顺丰寄出"})
    db.session.commit()
    return instance.data["invoice_result"]["invoice_no"], instance.id


def _money(amount: Decimal) -> str:
    return f"¥{amount:,.2f}"


def test_finance_reads_the_ageing_drills_to_a_request_and_downloads_it(world, person, live_server, browser, live_app):
    book = build_book(world.act)
    invoice_no, instance_id = _invoiced_through_f04(world, book.east1.code)
    from app import clock
    with live_app.app_context():
        east = {n: a for n, a in expected_open(book, clock.today()).items()
                if n != book.invoices["south"]["invoice_no"]}
        f04_gross = db.session.scalar(db.select(Invoice.gross).where(Invoice.number == invoice_no))
    page = person("finance")
    page.goto(live_server + "/reports/")
    page.get_by_role("link", name="应收账龄").click()
    page.wait_for_url(re.compile(r"/reports/receivables$"))
    page.wait_for_selector(".chart svg")
    page.get_by_label("区域", exact=True).fill("华东")
    with page.expect_navigation():
        page.get_by_role("button", name="显示").click()
    region = page.locator("#by-region")
    assert "华南" not in region.inner_text()
    shot(page, "report_receivables", "ageing_zh")

    page.locator("#by-region tfoot").get_by_role("link").first.click()  # the not-yet-due total
    page.wait_for_url(re.compile(r"/reports/receivables/invoices\?"))
    row = page.locator(f"tr[data-invoice='{invoice_no}']")
    assert row.count() == 1
    shot(page, "report_receivables", "open_invoices_zh")
    row.get_by_role("link", name="打开申请").click()
    page.wait_for_url(re.compile(rf"/instances/{instance_id}$"))
    assert "KP-AGEING" in page.locator("main").inner_text()

    page.go_back()
    page.go_back()
    page.wait_for_url(re.compile(r"/reports/receivables\?"))
    with page.expect_download() as download:
        page.locator("#by-region").get_by_role("link", name="下载 XLSX").click()
    with open(download.value.path(), "rb") as file:
        sheet = load_workbook(io.BytesIO(file.read())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    # entering the F04 invoice used the dealer's advance (预收) against it
    total = sum(east.values()) + f04_gross - ADVANCE
    assert rows[0][-1] == "未核销收款（预收）" and rows[-1][-1] == 0
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][7])).quantize(Decimal("0.01")) == total
    assert _money(total) in page.locator("#by-region tfoot").inner_text()
    assert person.errors == []


def test_the_ageing_in_english_and_on_a_phone(world, browser, live_server):
    for language, phone in (("en", False), ("zh", True), ("en", True)):
        viewport = {"width": 375, "height": 800} if phone else None
        page = sign_in(browser, live_server, "finance", language=language, viewport=viewport, phone=phone)
        page.goto(live_server + "/reports/receivables")
        page.wait_for_selector(".chart svg")
        if language == "en":
            assert "Receivables ageing" in page.locator("h1").inner_text()
        shot(page, "report_receivables", f"ageing_{language}{'_phone' if phone else ''}")
        page.goto(live_server + "/reports/receivables/invoices?bucket=over_90")
        shot(page, "report_receivables", f"open_invoices_{language}{'_phone' if phone else ''}")
        page.goto(live_server + "/reports/receivables?as_of=2026-02-30")
        assert page.locator("[data-field='as_of']").count() == 1
        if language == "en":
            shot(page, "report_receivables", "refused_as_of_en")
        page.context.close()
