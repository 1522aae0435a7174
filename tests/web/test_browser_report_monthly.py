"""In the browser: the director opens the monthly sales report, filters by
region, drills to the documents behind a figure, and
downloads the XLSX, whose totals are the page's; the page pictured in
Chinese and English, on a desktop and a 375 px phone."""
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from app.extensions import db
from tests.web.browser_driving import (browser, live_app, live_server, person, shot, sign_in,  # noqa: F401  (fixtures)
                                       world)


def _november(world):
    for name, day in (("浙江泵阀总经销有限公司", "2026-11-05"), ("广东泵阀总经销有限公司", "2026-11-10")):
        order = world.act("ledger.create_sales_order", customer=world.customer(name), date=day,
                          lines=[{"material": "MTR001", "qty": 2}])
        note = world.act("ledger.create_shipping_note", order=order["order_no"], date=day)
        world.act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
        world.act("ledger.issue_invoice", order=order["order_no"], date=day)
    db.session.commit()


def test_the_director_filters_drills_and_downloads(world, person, live_server, browser):
    _november(world)
    page = person("director")
    page.goto(live_server + "/reports/")
    page.get_by_role("link", name="月度销售报表").click()
    page.locator("input[name=month]").fill("2026-11")
    page.get_by_role("button", name="显示").click()
    page.wait_for_selector(".chart svg")
    assert "暂估" in page.locator("main").inner_text()
    shot(page, "report_monthly", "director_zh")
    page.locator("select[name=region]").select_option("华南")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url(re.compile(r"region="))
    main = page.locator("main").inner_text()
    assert "广东泵阀总经销有限公司" in main and "浙江泵阀总经销有限公司" not in main
    shown_total = page.locator('[data-table="customer"] [data-total="month-invoiced"]').inner_text()

    with page.expect_download() as download:
        page.locator('[data-download="customer-xlsx"]').click()
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    last = list(book.worksheets[0].iter_rows(values_only=True))[-1]
    assert f"¥{Decimal(str(last[3])):,.2f}" == shown_total

    page.locator('[data-table="customer"] tbody a').first.click()
    page.wait_for_url(re.compile(r"/reports/monthly/lines"))
    shot(page, "report_monthly", "lines_zh")
    assert page.locator("tr[data-document]").count() >= 2
    assert person.errors == []


def test_the_report_in_english_and_on_a_phone(world, browser, live_server):
    _november(world)
    for language, viewport, name in (("en", None, "director_en"), ("zh", {"width": 375, "height": 812}, "phone_zh"),
                                     ("en", {"width": 375, "height": 812}, "phone_en")):
        errors: list = []
        page = sign_in(browser, live_server, "director", language=language, viewport=viewport,
                       phone=viewport is not None, errors=errors)
        page.goto(live_server + "/reports/monthly?month=2026-11")
        page.wait_for_selector(".chart svg")
        if language == "en":
            assert "Monthly sales report" in page.locator("main").inner_text()
        shot(page, "report_monthly", name)
        assert errors == []
        page.context.close()
