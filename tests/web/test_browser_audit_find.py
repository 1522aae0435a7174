"""An auditor finds a contract by customer and amount in chromium, in
Chinese and in English, and opens it."""
import re

import pytest

from app.extensions import db
from app.models import Customer
from app.services.accounts import find_user
from app.services.attachments import save_bytes
from tests.support.contract_shipment import DEALER, MAIL
from tests.support.flow_driver import FlowDriver
from tests.support.samples import TRIP
from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, shot


@pytest.fixture(scope="module")
def contracts(live_app):
    """Three F01 contracts (two for the dealer, small and large, one for a
    mail-order customer) and a trip; the large dealer contract's id."""
    with live_app.app_context():
        driver = FlowDriver(find_user)
        scan = save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 signed contract")

        def code(name):
            return db.session.scalar(db.select(Customer.code).where(Customer.name == name))

        def contract(customer, amount, reference):
            data = {"customer": code(customer), "contract_no": reference, "contract_amount": amount,
                    "payment_days": 30, "price_terms": "执行公司标准价", "payment_terms": "货到30天付款",
                    "valid_from": "2026-11-01", "valid_to": "2027-11-01",
                    "lines": [{"material": "MTR001", "qty": 2}], "contract_file": scan}
            return driver.start("contract_shipment", data, "rep_east1", business_key=reference).id

        wanted = contract(DEALER, 100000.0, "HT-FIND-1")
        contract(DEALER, 8000.0, "HT-FIND-2")
        contract(MAIL, 120000.0, "HT-FIND-3")
        driver.start("travel_request", TRIP, "rep_north1")
        db.session.remove()
    return wanted


def _found(page) -> list[str]:
    return page.locator("table.find-results tbody tr td:first-child").all_inner_texts()


def test_auditor_finds_the_contract_by_customer_and_amount(person, live_server, contracts):
    auditor = person("auditor")
    auditor.get_by_role("link", name="审计", exact=True).click()
    auditor.wait_for_url(live_server + "/audit/instances")
    assert auditor.locator("h1").inner_text() == "查找申请" and len(_found(auditor)) == 4
    labelled(auditor, "客户").fill("泵阀")
    labelled(auditor, "金额下限").fill("50000")
    labelled(auditor, "金额上限").fill("200000")
    auditor.get_by_role("button", name="查找", exact=True).click()
    auditor.wait_for_url(re.compile(r"/audit/instances\?.*customer="))
    assert _found(auditor) == [f"#{contracts}"]
    row = auditor.locator("table.find-results tbody tr").first.inner_text()
    for expected in ("合同发货", "HT-FIND-1", DEALER, "¥100,000.00", "rep_east1", "办理中"):
        assert expected in row, (expected, row)
    assert "共 1 条申请" in auditor.inner_text(".facets")
    shot(auditor, "audit_find", "01-find-zh")

    auditor.get_by_role("button", name="English").click()
    auditor.wait_for_load_state()
    assert auditor.locator("h1").inner_text() == "Find any request"
    assert _found(auditor) == [f"#{contracts}"] and "Found: 1" in auditor.inner_text(".facets")
    assert labelled(auditor, "Amount from").input_value() == "50000"
    shot(auditor, "audit_find", "02-find-en")
    auditor.get_by_role("button", name="中文").click()
    auditor.wait_for_load_state()

    auditor.get_by_role("link", name=f"#{contracts}").click()
    auditor.wait_for_url(live_server + f"/instances/{contracts}")
    assert "HT-FIND-1" in auditor.inner_text("main")
    assert not person.errors, person.errors


def test_the_workbench_leads_to_the_find_page(person, live_server, contracts):
    auditor = person("auditor")
    auditor.goto(live_server + "/audit/")
    assert auditor.locator("h1").inner_text() == "审计工作台"
    shot(auditor, "audit_find", "03-workbench-zh")
    auditor.get_by_role("link", name="查找申请").click()
    auditor.wait_for_url(live_server + "/audit/instances")
