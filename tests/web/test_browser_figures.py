"""In the browser: the F14 delivery note previews each line's amount from
quantity × unit price (half up to the fen, read-only) and its footer sums
the amounts, not the unit prices. The server's figure is the one kept."""
import re

from tests.web.test_browser import TIMEOUT_MS, browser, live_server, open_task, person  # noqa: F401  (fixtures)


def _start_shipment(page, base, reference):
    page.goto(base + "/start/shipment_approval")
    page.get_by_label("业务编号（选填）").fill(reference)
    page.get_by_label("客户").fill("C-EAST-001")
    page.get_by_label("申请方式").select_option("phone")
    page.get_by_label("需求说明").fill("YE3 电机五台")
    page.get_by_label("要求交货日期").fill("2026-12-08")
    page.locator("form[data-lanes-form] button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/instances/\d+$"), timeout=TIMEOUT_MS)


def test_line_amounts_are_previewed_and_the_footer_sums_them(person, live_server):
    rep = person("rep_east1")
    _start_shipment(rep, live_server, "JH-PREVIEW-1")
    open_task(rep, "JH-PREVIEW-1")
    amount = rep.get_by_label("金额（元） 1")
    assert amount.get_attribute("readonly") is not None
    rep.get_by_label("数量 1").fill("5")
    rep.get_by_label("含税单价（元） 1").fill("3200")
    assert amount.input_value() == "16000.00"
    rep.locator("[data-add-row]").click()
    added = rep.locator("fieldset[data-lines] tbody tr").nth(1)
    added.locator('[data-column="qty"] input').fill("3")
    added.locator('[data-column="unit_price"] input').fill("33.35")
    assert added.locator('[data-column="amount"] input').input_value() == "100.05"
    footer = rep.locator('tfoot [data-total="amount"]')
    assert footer.inner_text().replace(",", "") == "¥16100.05"  # the amounts, not 3,233.35 of unit prices
    assert rep.locator('tfoot [data-total="unit_price"]').count() == 0
