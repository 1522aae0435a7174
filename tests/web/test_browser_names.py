"""Names, not codes, in chromium at 1366 px, in Chinese and in English
(issue 19): an F01 contract is submitted with the customer and materials
picked from the type-ahead (the name shows beside the code the form sends),
rejected with a comment, revised (the comment and the names are on the
revision form), resubmitted and approved; the approval page and the
instance page name the customer, the materials (with their specs), the
steps and the people, never an element id or a login. Pictures go to
test-artifacts/names/."""
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.web.browser_driving import lookup, shot, sign_in, text_of
from tests.web.browser_driving import browser, live_app, live_server  # noqa: F401  (fixtures)

DEALER = "浙江泵阀总经销有限公司"
MOTOR = "三相异步电机 YE3-80M2-2 1.1kW"  # MTR001 by name and spec
SEAL = "机械密封 108-16"  # PRT001
COMMENT = "交货期未写明，请补充后重新提交"
ELEMENT_ID = re.compile(r"\b(Service|Gateway|Task|Event|StartEvent|EndEvent|Flow|Activity)_\w+")


@pytest.fixture(scope="module")
def people(browser, live_server):
    """``people(username, locale)``: a page signed in as that demo user at
    1366 × 900 in ``locale`` (zh_CN or en), one context each."""
    pages, errors = {}, []

    def signed_in(username, locale):
        if (username, locale) in pages:
            return pages[(username, locale)]
        page = sign_in(browser, live_server, username, language="en" if locale == "en" else "zh",
                       viewport={"width": 1366, "height": 900}, errors=errors)
        pages[(username, locale)] = page
        return page

    signed_in.errors = errors
    yield signed_in
    for page in pages.values():
        page.context.close()


def _pick(page, input_selector: str, typed: str, code_pattern: str) -> str:
    """Type into a lookup field, wait for a suggestion and pick its code;
    returns the name shown beside the field."""
    field = page.locator(input_selector)
    code = lookup(page, field, typed)
    assert re.fullmatch(code_pattern, code), code
    field.dispatch_event("input")
    name = field.locator("xpath=following-sibling::span[@data-ref-name]")
    page.wait_for_function("e => e.textContent.trim() !== ''", arg=name.element_handle())
    return name.inner_text().strip()


def _submit(page, button_selector: str, base: str) -> None:
    with page.expect_navigation():
        page.locator(button_selector).click()
    assert page.url == base + "/" or "/instances/" in page.url, (page.url, page.inner_text("main")[:500])


def _task_url(page, base: str, instance_url: str) -> str:
    """The page of the step the request waits for now, read off the instance page."""
    page.goto(instance_url)
    return base + page.locator("p.now a").first.get_attribute("href")


def _submit_contract(rep, base, tmp_path, reference):
    scan = tmp_path / "contract.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed contract\n%%EOF\n")
    rep.goto(base + "/start/contract_shipment")
    rep.locator("[name=business_key]").fill(reference)
    assert _pick(rep, "[name=customer]", "浙江泵阀", r"D\d+") == DEALER
    # the list names the materials with their specs: six may share a name
    assert _pick(rep, "[name=lines-0-material]", "MTR001", "MTR001") == MOTOR
    rep.locator("[name=lines-0-qty]").fill("2")
    rep.locator("[data-add-row]").click()
    assert _pick(rep, '[data-lines="lines"] tbody tr:nth-child(2) [data-column="material"] input', "PRT001", "PRT001") == SEAL
    rep.locator('[data-lines="lines"] tbody tr:nth-child(2) [data-column="qty"] input').fill("3")
    for name, value in (("contract_no", reference), ("contract_amount", "100000"), ("payment_days", "30"),
                        ("price_terms", "执行公司标准价"), ("payment_terms", "货到30天付款"),
                        ("valid_from", "2026-11-01"), ("valid_to", "2027-11-01")):
        rep.locator(f"[name={name}]").fill(value)
    rep.locator("[name=contract_file]").set_input_files(str(scan))
    with rep.expect_navigation():
        rep.locator("form[data-lanes-form] .actions button[type=submit]").click()
    assert re.search(r"/instances/\d+$", rep.url), rep.inner_text("main")[:800]
    return rep.url


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_contract_reads_by_names_through_a_rejection_and_an_approval(people, live_app, live_server, tmp_path, locale):
    base, reference = live_server, f"HT-NAMES-{locale[:2].upper()}"
    rep = people("rep_east1", locale)
    instance_url = _submit_contract(rep, base, tmp_path, reference)
    code = re.search(r"\b(D\d+) " + DEALER, text_of(rep, ".about")).group(1)  # the summary names the customer too
    with live_app.app_context():
        logins = set(db.session.scalars(select(User.username)))

    admin = people("sales_admin", locale)
    review = _task_url(rep, base, instance_url)
    admin.goto(review)
    assert f"{code} {DEALER}" in text_of(admin, 'section.card.shows[data-shows="customer"]')
    lines = text_of(admin, 'section.card.shows[data-shows="lines"]')
    assert f"MTR001 {MOTOR}" in lines and f"PRT001 {SEAL}" in lines, lines
    admin.locator("[name=comment]").fill(COMMENT)
    _submit(admin, "button[name=decision][value=reject]", base)

    revise = _task_url(rep, base, instance_url)
    rep.goto(revise)
    rejection = rep.locator(".field.readonly").filter(has_text="Rejection comment" if locale == "en" else "驳回说明")
    assert COMMENT in rejection.inner_text(), rejection.inner_text()
    assert rep.locator("[name=customer]").input_value() == code  # the form keeps the code …
    assert rep.locator("[name=customer] ~ [data-ref-name]").inner_text().strip() == DEALER  # … and shows its name
    assert rep.locator("[name=lines-0-material] ~ [data-ref-name]").inner_text().strip() == MOTOR
    shot(rep, "names", f"{locale}-01-revise-contract")
    _submit(rep, "button[name=action][value=resubmit]", base)

    admin.goto(_task_url(rep, base, instance_url))
    admin.locator("[name=comment]").fill("已补充，同意")
    _submit(admin, "button[name=decision][value=approve]", base)

    director = people("director", locale)
    director.goto(_task_url(rep, base, instance_url))
    assert f"{code} {DEALER}" in text_of(director, 'section.card.shows[data-shows="customer"]')
    assert f"MTR001 {MOTOR}" in text_of(director, 'section.card.shows[data-shows="lines"]')
    steps = text_of(director, "ol.steps")
    assert COMMENT in steps and not ELEMENT_ID.search(steps), steps
    assert director.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    director.locator("[name=comment]").fill("同意")
    shot(director, "names", f"{locale}-02-director-approval")
    _submit(director, "button[name=decision][value=approve]", base)

    rep.goto(instance_url)
    timeline = text_of(rep, ".timeline")
    register = "Register contract" if locale == "en" else "登记合同"  # the engine's step by its name
    assert COMMENT in timeline and register in timeline, timeline
    assert not ELEMENT_ID.search(timeline), timeline
    # people by their names: no login after an arrow or a dot ("→ rm_east", "· director"), nor anywhere spelled like one
    assert not [login for login in logins if re.search(rf"[→·] {re.escape(login)}\b", timeline)], timeline
    assert not [word for word in re.findall(r"[a-z_0-9]+", timeline) if word in logins and not word.isalpha()], timeline
    summary = text_of(rep, ".about")
    assert f"{code} {DEALER}" in summary and f"MTR001 {MOTOR}" in summary, summary
    rep.wait_for_selector("#diagram[data-highlighted]")
    shot(rep, "names", f"{locale}-03-instance")
    assert not people.errors, people.errors
