"""The pages a sales office opens every day, as a person sees them in both
languages on an office screen (1366 px) and on a phone (375 px): the
inbox, an F01 contract approval, the instance page and its long diagram.
A contract goes through its first review, was sent back once with a
comment and resubmitted, so the director has an approval waiting and the
instance has a history worth reading. Each page must fit the screen, name
people, customers, materials and steps instead of codes, and in English
show no untranslated text. Pictures go to test-artifacts/ux-tour/."""
import re

import pytest

from app.extensions import db
from tests.support.flow_driver import FlowDriver
from tests.web.browser_driving import browser, live_app, live_server  # noqa: F401  (fixtures)
from tests.web.browser_driving import shot, sign_in
from tests.web.untranslated import data_values, master_data_values, untranslated

REFERENCE = "HT-TOUR-7"
REJECTION = "请补充交货期"  # the supervisor's comment: what a person wrote stays as written
SIZES = {"1366": (1366, 900), "375": (375, 812)}
CODES = re.compile(r"\b(?:Task|Service|Gateway|Event|StartEvent|EndEvent|Boundary)_[A-Za-z]+|\brep_east1\b|\bsales_admin\b")


@pytest.fixture(scope="module")
def contract(live_app):
    """An F01 contract sent back once by the supervisor with a comment,
    resubmitted, reviewed again: the director's approval is READY."""
    from app.models import Customer
    from app.services.accounts import find_user
    from app.services.attachments import save_bytes

    with live_app.app_context():
        driver = FlowDriver(find_user)
        customer = db.session.scalar(db.select(Customer.code).where(Customer.name == "浙江泵阀总经销有限公司"))
        scan = save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 signed contract")
        data = {"customer": customer, "contract_no": REFERENCE, "contract_amount": 100000.0, "payment_days": 30,
                "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
                "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
                "contract_file": scan}
        instance = driver.start("contract_shipment", data, "rep_east1", business_key=REFERENCE)
        driver.reject(instance, "Task_ContractReview", "sales_admin", REJECTION)
        driver.complete(instance, "Task_ReviseContract", "rep_east1", {**data, "action": "resubmit"})
        driver.approve(instance, "Task_ContractReview", "sales_admin")
        task = next(t for t in driver.ready(instance) if t.element_id == "Task_DirectorApproval")
        # what the page may show untranslated: data as people typed it and master data, and the
        # other language's name on the language switch
        known = master_data_values() | data_values(instance.data) | {"中文", REJECTION}
        ids = instance.id, task.id, known
        db.session.commit()
        db.session.remove()
    return ids


def _signed_in(browser, base, username, language, size):  # noqa: F811  (browser is the fixture's value)
    width, height = SIZES[size]
    errors: list[str] = []
    page = sign_in(browser, base, username, language=language, viewport={"width": width, "height": height},
                   phone=size == "375", errors=errors)
    return page, errors


def _fits(page, what):
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{what}: wider than the screen"


def _readable(page, what, language, known):
    text = page.inner_text("main")
    assert "Traceback" not in text, what
    assert not CODES.findall(text), f"{what}: codes where names belong: {sorted(set(CODES.findall(text)))}"
    if language == "en":
        assert page.locator("html").get_attribute("lang") == "en"
        left = untranslated(page, "body", known)
        assert not left, f"{what}: untranslated in English: {left[:10]}"


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_daily_pages_read_well_in_both_languages_and_sizes(browser, live_server, contract, language, size):
    instance_id, task_id, known = contract
    page, errors = _signed_in(browser, live_server, "director", language, size)
    try:
        name = f"{language}_{size}"
        page.goto(live_server + "/")
        assert page.locator("li.task", has_text=REFERENCE).count() >= 1
        _fits(page, "inbox")
        _readable(page, "inbox", language, known)
        shot(page, "ux-tour", f"inbox_{name}")

        page.goto(f"{live_server}/tasks/{task_id}")
        assert page.locator("form[data-lanes-form]").count() == 1
        main = page.inner_text("main")
        assert "浙江泵阀总经销有限公司" in main and "¥100,000.00" in main
        assert REJECTION in main  # the earlier rejection's comment is there to read
        _fits(page, "approval")
        _readable(page, "approval", language, known)
        shot(page, "ux-tour", f"approval_{name}")

        page.goto(f"{live_server}/instances/{instance_id}")
        page.wait_for_selector("#diagram[data-highlighted]")
        _fits(page, "instance")
        _readable(page, "instance", language, known)
        shot(page, "ux-tour", f"instance_{name}")
        page.locator("#diagram").screenshot(path=str(_artifact(f"diagram_{name}")))
        assert not errors, errors
    finally:
        page.context.close()


def _artifact(name):
    from tests.web.browser_driving import ARTIFACTS

    folder = ARTIFACTS / "ux-tour"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"
