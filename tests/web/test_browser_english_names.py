"""In chromium at 1366 px, in English, as the sales admin: the catalogue,
the inbox and an F01 contract shipment's page name processes and steps in
English (from the diagrams' nameEn), the diagram's lanes aside. Pictures go
to test-artifacts/english/."""
import re

import pytest

from app.extensions import db
from tests.support.flow_driver import FlowDriver
from tests.web.browser_driving import browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

CJK = re.compile(r"[\u3400-\u9fff]")
REFERENCE = "HT-EN-7"


@pytest.fixture(scope="module")
def waiting_for_order_review(live_app):
    """An F01 contract shipment, approved and ordered through the services of
    the live app, waiting for the sales admin's order review; its id."""
    from app.models import Customer
    from app.services.accounts import find_user
    from app.services.attachments import save_bytes
    from tests.support.contract_shipment import DEALER, REP, approve_contract, make_order

    with live_app.app_context():
        sales = FlowDriver(find_user)
        customer = db.session.scalar(db.select(Customer.code).where(Customer.name == DEALER))
        data = {"customer": customer, "contract_no": REFERENCE, "contract_amount": 100000.0, "payment_days": 30,
                "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
                "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}],
                "contract_file": save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")}
        instance = sales.start("contract_shipment", data, REP, business_key=REFERENCE)
        approve_contract(sales, instance)
        make_order(sales, instance)
        instance_id = instance.id
        db.session.remove()
    return instance_id


def test_catalogue_inbox_and_instance_page_in_english(person, live_server, waiting_for_order_review):
    page = person("sales_admin")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()

    page.goto(live_server + "/start")
    tiles = page.locator("a.tile strong").all_inner_texts()
    assert "Monthly report" in tiles and not [t for t in tiles if CJK.search(t)], tiles
    shot(page, "english", "catalogue")

    page.goto(live_server + "/")
    row = page.locator("li.task", has_text=REFERENCE)
    assert row.locator("a.title").inner_text() == "Order review"
    assert row.locator(".process").inner_text().startswith("Contract shipment ·")
    titles = page.locator("li.task a.title").all_inner_texts()
    assert titles and not [t for t in titles if CJK.search(t)], titles
    shot(page, "english", "inbox")

    row.locator("a.title").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    assert page.locator("h1").inner_text() == "Order review"
    assert page.title().startswith("Order review")

    page.goto(f"{live_server}/instances/{waiting_for_order_review}")
    page.wait_for_selector("#diagram svg")
    assert page.locator("h1").inner_text().startswith("Contract shipment")
    assert page.locator("p.now a").all_inner_texts() == ["Order review"]
    timeline = page.locator("ol.timeline").inner_text()
    for english in ("Contract preliminary review", "Sales director approval", "Make sales order", "Order review"):
        assert english in timeline, english
    for chinese in ("合同初审", "销售总监审批", "订单审核"):
        assert chinese not in timeline, chinese
    shot(page, "english", "f01-instance")

    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []
