"""Issue 19 in chromium at 1366 wide, in Chinese and in English: a sales rep
opens the catalogue (only what they may start), types in the customer
field of a shipment request (only their region's customers are offered),
then types another region's customer code by hand: the page comes back
with the warning naming the customer's salesperson, and only the ticked
box sends it; the request's timeline names the confirmation. Pictures go
to test-artifacts/visibility/."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from tests.web.browser_driving import browser, live_app, live_server  # noqa: F401  (fixtures)
from tests.web.browser_driving import shot, sign_in

FOLDER = "visibility"
SOUTH = "广东泵阀总经销有限公司"  # 华南, served by 王志强 (rep_south1)
WARNING = {"zh_CN": "这不是您的客户", "en": "This customer is not yours"}
SERVED = {"zh_CN": "由 王志强（华南）负责", "en": "is served by 王志强 (华南)"}
CONFIRMED = {"zh_CN": "确认使用非本人客户", "en": "Confirmed a customer that is not theirs"}


def _facts(app):
    from app.models import Customer
    from app.services import instances
    from app.services.accounts import find_user

    with app.app_context():
        startable = {d.key for d in instances.startable_definitions(find_user("rep_east1"))}
        east = set(db.session.scalars(select(Customer.code).where(Customer.region == "华东")))
        south = db.session.scalar(select(Customer.code).where(Customer.name == SOUTH))
        db.session.remove()
    return startable, east, south


def _signed_in(browser, base: str, locale: str):  # noqa: F811  (browser is the fixture's value)
    errors: list[str] = []
    page = sign_in(browser, base, "rep_east1", language="en" if locale == "en" else "zh",
                   viewport={"width": 1366, "height": 900}, errors=errors)
    return page, errors


def _offered(page) -> list[str]:
    """The codes the customer field's type-ahead offers, once it has some."""
    page.wait_for_function("""() => {
        const list = document.getElementById(document.getElementById("f-customer").getAttribute("list"));
        return list && list.options.length > 0;
    }""")
    return page.evaluate("""() => Array.from(document.getElementById(
        document.getElementById("f-customer").getAttribute("list")).options).map(o => o.value)""")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_a_rep_sees_their_catalogue_and_customers_and_is_warned_about_someone_else_s(browser, live_app, live_server,
                                                                                       locale):
    startable, east, south = _facts(live_app)
    page, errors = _signed_in(browser, live_server, locale)
    tag = "zh" if locale == "zh_CN" else "en"

    page.goto(live_server + "/start")
    hrefs = page.locator("a.tile").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    tiles = {href.rsplit("/", 1)[1] for href in hrefs}
    assert tiles == startable and "receipt_writeoff" not in tiles and "monthly_report" not in tiles
    shot(page, FOLDER, f"01-catalogue-{tag}")

    page.goto(live_server + "/start/shipment_approval")
    page.locator("#f-customer").fill("公司")
    offered = _offered(page)
    assert offered and set(offered) <= east and south not in offered
    shot(page, FOLDER, f"02-lookup-own-region-{tag}")

    page.locator("#f-customer").fill(south)  # typed by hand: the type-ahead never offered it
    page.locator("#f-request_channel").select_option("phone")
    page.locator("#f-requested_items").fill("YE3 电机两台")
    page.locator("#f-requested_date").fill("2026-12-08")
    with page.expect_navigation():
        page.locator("form[data-lanes-form] .actions button[type=submit]").click()
    warning = page.locator(".foreign-customer")
    assert WARNING[locale] in warning.inner_text() and SERVED[locale] in warning.inner_text()
    assert south in page.locator(".field.has-error").inner_text()  # the customer field carries it too
    assert re.search(r"/start/shipment_approval$", page.url)
    shot(page, FOLDER, f"03-foreign-customer-warning-{tag}")

    warning.locator('input[name="confirm_foreign_customer"]').check()
    with page.expect_navigation():
        page.locator("form[data-lanes-form] .actions button[type=submit]").click()
    assert re.search(r"/instances/\d+$", page.url)
    assert CONFIRMED[locale] in page.inner_text(".timeline") and south in page.inner_text(".timeline")
    shot(page, FOLDER, f"04-timeline-confirmation-{tag}")
    assert errors == []
    page.context.close()
