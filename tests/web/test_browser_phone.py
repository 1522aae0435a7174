"""The employees' pages on a 375 × 812 phone (issue 19), and the same pages
at 1366 px to show the desktop did not change: no page is wider than the
screen, the inbox's four boxes are all in view and big enough to tap, line
items are cards whose every field carries its label (unit price and amount
included, nothing sideways), and a contract, a delivery note and an
approval are worked end to end on the phone. Pictures of the inbox, the
F01 approval, the instance page and the submission form, in Chinese and
English, go to test-artifacts/phone/."""
import re

import pytest

from tests.web.browser_driving import browser, live_app, live_server  # noqa: F401  (fixtures)
from tests.web.browser_driving import cell, fill_contract, labelled, lookup, open_task, shot, shown, sign_in, submit
from tests.web.every_task_walks import CITY_DEALER

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
DEALER = "浙江泵阀总经销有限公司"

# what sticks out past the right edge, for the failure message
_WIDE = """() => { const w = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > w + 0.5)
    .slice(0, 8).map(e => `${e.tagName}.${e.className} → ${Math.round(e.getBoundingClientRect().right)}px`); }"""

# each cell of a line card: its label (drawn from data-label), whether it shows and where it ends
_CARD_CELLS = """rows => rows.map(row => Array.from(row.querySelectorAll("td[data-label]")).map(td => {
  const box = td.getBoundingClientRect(), label = getComputedStyle(td, "::before");
  return {label: td.dataset.label, drawn: label.display !== "none" ? label.content : "", left: box.left,
          right: box.right, shown: box.width > 0 && box.height > 0};
}))"""


@pytest.fixture(scope="module")
def device(browser, live_server):
    """Factory: ``device("rm_east", "en", PHONE)`` is a page signed in as that
    demo user, in English, on a phone (a touch screen that fits the page to
    its width as phones do); one context per user, language and screen, kept
    for the module. JavaScript errors on any page are collected."""
    pages: dict = {}
    errors: list[str] = []

    def signed_in(username, language="zh", screen=PHONE):
        key = (username, language, screen["width"])
        if key in pages:
            return pages[key]
        pages[key] = page = sign_in(browser, live_server, username, language=language, viewport=screen,
                                    phone=screen is PHONE, errors=errors)
        return page

    signed_in.errors = errors
    yield signed_in
    for page in pages.values():
        page.context.close()


@pytest.fixture(scope="module")
def flows(live_app):
    """Requests started through the service layer, each waiting where a test
    picks it up: a contract at its first review, a contract at its order
    review (a priced order: unit prices and amounts), and a delivery note to
    fill in. Task ids by name."""
    from app.extensions import db
    from app.models import Customer
    from app.services.accounts import find_user
    from app.services.attachments import save_bytes
    from tests.support.contract_shipment import TERMS
    from tests.support.flow_driver import FlowDriver

    with live_app.app_context():
        sales = FlowDriver(find_user)

        def code(name):
            return db.session.scalar(db.select(Customer.code).where(Customer.name == name))

        def contract(number):
            return {"customer": code(DEALER), "contract_no": number, "contract_amount": 100000.0, "payment_days": 30,
                    "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
                    "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
                    "contract_file": save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 signed contract")}

        review = sales.start("contract_shipment", contract("HT-PHONE-A"), "rep_east1", business_key="HT-PHONE-A")
        ordered = sales.start("contract_shipment", contract("HT-PHONE-O"), "rep_east1", business_key="HT-PHONE-O")
        sales.approve(ordered, "Task_ContractReview", "sales_admin")
        sales.approve(ordered, "Task_DirectorApproval", "director")
        sales.complete(ordered, "Task_MakeOrder", "order_clerk", {"order_date": "2026-12-01", **TERMS})
        notes = [sales.start("shipment_approval", {"customer": code(CITY_DEALER), "request_channel": "phone",
                                                   "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"},
                             "rep_east1", business_key=f"JH-PHONE-{n}") for n in (1, 2)]
        ids = {"ordered_instance": ordered.id,
               "order_review": sales.task(ordered, "Task_OrderReview").id,
               "review": sales.task(review, "Task_ContractReview").id,
               "delivery_notes": [sales.task(note, "Task_FillDeliveryNote").id for note in notes]}
        db.session.commit()
        db.session.remove()
    return ids


def assert_fits(page):
    """Nothing wider than the screen: no sideways scroll of the page."""
    width = page.evaluate("document.documentElement.scrollWidth")
    screen = page.viewport_size["width"]
    assert width <= screen, f"{page.url} is {width}px wide on a {screen}px screen: {page.evaluate(_WIDE)}"


def assert_cards(page, rows_selector: str, expect: tuple[str, ...] = ()):
    """Each line a card: every cell shows with its label beside it, inside the
    screen (nothing sideways); the column titles are not needed."""
    rows = page.locator(rows_selector)
    assert rows.count() >= 1, rows_selector
    cards = rows.evaluate_all(_CARD_CELLS)
    screen = page.viewport_size["width"]
    for n, cells in enumerate(cards):
        labels = [c["label"] for c in cells]
        for wanted in expect:
            assert any(label.startswith(wanted) for label in labels), (n, wanted, labels)
        for c in cells:
            assert c["shown"] and c["drawn"].strip('"').startswith(c["label"]), (n, c)
            assert 0 <= c["left"] and c["right"] <= screen, f"line {n + 1}: {c['label']} is off the screen: {c}"


def assert_tabs_in_view(page):
    tabs = page.locator("nav.tabs a")
    assert tabs.count() == 4
    for n in range(4):
        box = tabs.nth(n).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], (n, box)
        assert box["height"] >= 40 and box["width"] >= 40, (n, box)  # a finger's target
        assert tabs.nth(n).is_visible()


def test_the_inbox_on_a_phone_shows_all_four_boxes(device, live_server, flows):
    for language in ("zh", "en"):
        admin = device("sales_admin", language)
        admin.goto(live_server + "/")
        assert_fits(admin)
        assert_tabs_in_view(admin)
        assert admin.locator("li.task").count() >= 2
        shot(admin, "phone", f"inbox-{language}")
    admin.locator("nav.tabs a").nth(3).tap()  # the fourth box is reachable by touch
    admin.wait_for_url(re.compile(r"box=delegated"))
    assert admin.locator('nav.tabs a[aria-current="page"]').inner_text().startswith("Delegated to me")
    assert_fits(admin)
    assert not device.errors, device.errors


def test_a_contract_is_submitted_on_a_phone(device, live_server, tmp_path):
    base = live_server
    rep = device("rep_east1")
    rep.goto(base + "/start")
    assert_fits(rep)
    rep.get_by_role("link", name=re.compile("合同发货")).tap()
    rep.wait_for_url(base + "/start/contract_shipment")
    assert_fits(rep)
    assert rep.evaluate("parseFloat(getComputedStyle(document.querySelector('#f-business_key')).fontSize)") >= 16
    fill_contract(rep, "HT-PHONE-S", tap=True)
    assert not rep.locator('[data-lines="lines"] thead').is_visible()
    assert_cards(rep, '[data-lines="lines"] tbody tr', ("物料", "数量"))
    scan = tmp_path / "contract.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed contract HT-PHONE-S\n%%EOF\n")
    labelled(rep, "合同扫描件").set_input_files(str(scan))
    assert_fits(rep)
    shot(rep, "phone", "submission-form-zh")
    send = rep.get_by_role("button", name="提交申请")
    box = send.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 40, box
    send.tap()
    rep.wait_for_url(re.compile(r"/instances/\d+$"))
    assert "已提交" in rep.inner_text(".flash")
    assert_fits(rep)

    rep.goto(base + "/requests")
    assert "HT-PHONE-S" in rep.inner_text("main")
    assert_fits(rep)
    rep.goto(base + "/notifications")
    assert_fits(rep)

    english = device("rep_east1", "en")
    english.goto(base + "/start/contract_shipment")
    english.get_by_role("button", name="Add a row").tap()
    assert_cards(english, '[data-lines="lines"] tbody tr', ("Material", "Quantity"))
    assert_fits(english)
    shot(english, "phone", "submission-form-en")
    assert not device.errors, device.errors


def test_a_delivery_note_is_filled_in_on_a_phone_line_by_line(device, live_server, flows):
    """Lines with a unit price and a computed amount: each a card with both
    in view, amounts and the total kept current, a line added and removed."""
    base = live_server
    rep = device("rep_east1")
    rep.goto(f"{base}/tasks/{flows['delivery_notes'][0]}")
    labelled(rep, "交货单号").fill("JH20261206001")
    lines = (("MTR001", "YE3-80M2-2 1.1kW", "2", "950"), ("PRT001", "轴承 6204", "3", "85.5"))
    for row, (material, spec, qty, price) in enumerate(lines):
        if row:
            rep.get_by_role("button", name="添加一行").tap()
        lookup(rep, cell(rep, "lines", row, "material"), material)
        rep.locator('[data-lines="lines"] tbody tr').nth(row).locator('[data-column="spec"] textarea, [data-column="spec"] input').fill(spec)
        cell(rep, "lines", row, "qty").fill(qty)
        cell(rep, "lines", row, "unit_price").fill(price)
    assert cell(rep, "lines", 0, "amount").input_value() == "1900.00"
    assert cell(rep, "lines", 1, "amount").input_value() == "256.50"
    assert rep.inner_text('[data-lines="lines"] tfoot [data-total="amount"]') == "¥2,156.50"
    assert_cards(rep, '[data-lines="lines"] tbody tr', ("物料", "规格", "数量", "含税单价", "金额"))
    for row in (0, 1):
        for column in ("unit_price", "amount"):
            box = cell(rep, "lines", row, column).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, (row, column, box)
    rep.get_by_role("button", name="添加一行").tap()  # a third line, then taken away again
    assert rep.locator('[data-lines="lines"] tbody tr').count() == 3
    rep.locator('[data-lines="lines"] tbody tr').nth(2).get_by_role("button", name="删除此行").tap()
    assert rep.locator('[data-lines="lines"] tbody tr').count() == 2
    assert rep.inner_text('[data-lines="lines"] tfoot [data-total="amount"]') == "¥2,156.50"
    labelled(rep, "交货时间").fill("2026-12-08")
    labelled(rep, "交货地点").fill("杭州市滨江区江南大道 88 号")
    labelled(rep, "运输方式").select_option("own_truck")
    labelled(rep, "验收方式").fill("到货开箱验收")
    labelled(rep, "结算方式").select_option("monthly_30")
    labelled(rep, "处理方式").select_option("submit")
    assert_fits(rep)
    shot(rep, "phone", "delivery-note-zh")
    submit(rep, base, "提交", "填写交货单")
    assert_fits(rep)

    english = device("rep_east1", "en")
    english.goto(f"{base}/tasks/{flows['delivery_notes'][1]}")
    assert_cards(english, '[data-lines="lines"] tbody tr', ("Material", "Specification", "Quantity", "Unit price", "Amount"))
    assert_fits(english)
    shot(english, "phone", "delivery-note-en")
    assert not device.errors, device.errors


def test_a_contract_is_approved_on_a_phone(device, live_server, flows):
    base = live_server
    admin = device("sales_admin")
    open_task(admin, base, "HT-PHONE-A", "合同初审")
    assert_fits(admin)
    assert "MTR001" in shown(admin, "lines") and "PRT001" in shown(admin, "lines")
    assert_cards(admin, 'section[data-shows="lines"] table.shown-lines tbody tr', ("物料", "数量"))
    labelled(admin, "审批说明").fill("合同条款齐全")
    for name in ("同意", "驳回"):
        box = admin.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 40, (name, box)
    submit(admin, base, "同意", "合同初审")
    assert_fits(admin)

    for language in ("zh", "en"):  # the priced order: unit prices and amounts as cards
        reviewer = device("sales_admin2", language)
        reviewer.goto(f"{base}/tasks/{flows['order_review']}")
        assert_fits(reviewer)
        order = 'section[data-shows="order_result"] table.shown-lines'
        assert_cards(reviewer, f"{order} tbody tr")
        titles = reviewer.locator(f"{order} tbody tr").first.locator("td[data-label]").evaluate_all(
            "cells => cells.map(td => td.dataset.label)")
        assert len(titles) >= 4, titles  # material, quantity, unit price, amount at least
        assert "¥2,215.00" in shown(reviewer, "order_result")  # MTR001 980.00 × 2 + PRT001 85.00 × 3
        shot(reviewer, "phone", f"f01-approval-{language}")
    assert not device.errors, device.errors


def test_the_instance_page_fits_a_phone(device, live_server, flows):
    for language in ("zh", "en"):
        rep = device("rep_east1", language)
        rep.goto(f"{live_server}/instances/{flows['ordered_instance']}")
        rep.wait_for_selector("#diagram[data-highlighted]")
        assert_fits(rep)
        assert rep.locator(".step-data").count() >= 1
        shot(rep, "phone", f"instance-{language}")
    assert not device.errors, device.errors


def test_the_other_pages_and_the_longest_headers_fit_a_phone(device, live_server, browser):
    """The overdue list, the password page and the sign-in page; the header of
    people with the most links (a director, a process administrator) in
    English, the longer language, wraps instead of widening the page."""
    base = live_server
    for username, paths in (("director", ("/", "/overdue", "/account/password")), ("process_admin", ("/", "/requests"))):
        page = device(username, "en")
        for path in paths:
            page.goto(base + path)
            assert_fits(page)
            for link in page.locator("nav.mainnav a").all():
                box = link.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] >= 40, (username, box)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    try:
        signin = context.new_page()
        signin.goto(base + "/login")
        assert_fits(signin)
    finally:
        context.close()
    assert not device.errors, device.errors


def test_a_table_that_stays_a_table_scrolls_in_its_box_with_a_cue(device, live_server):
    """A table wider than the phone (not a line table) scrolls inside its own
    box, which shows a shadow at the edge with more beyond it."""
    page = device("rep_east1")
    page.goto(live_server + "/requests")
    page.evaluate("""() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<section class="card"><div class="scroll" id="wide"><table><tr>' +
        Array.from({length: 12}, (_, n) => `<td style="white-space:nowrap">column ${n} of a wide table</td>`).join("") +
        '</tr></table></div></section>')""")
    assert_fits(page)
    wide = page.locator("#wide")
    assert wide.evaluate("box => box.scrollWidth > box.clientWidth")
    assert wide.evaluate("box => getComputedStyle(box).backgroundImage").count("radial-gradient") == 2
    wide.evaluate("box => { box.scrollLeft = 200; }")
    shot(page, "phone", "scroll-cue")


def test_the_desktop_keeps_its_tables_and_one_row_of_tabs(device, live_server, flows):
    """At 1366 px nothing of the phone layout applies; at 800 px a line table
    too wide for the form's column scrolls in its box, not the page."""
    base = live_server
    rep = device("rep_east1", "zh", DESKTOP)
    for path in ("/", "/start", "/start/contract_shipment", f"/instances/{flows['ordered_instance']}", "/requests",
                 "/notifications", f"/tasks/{flows['delivery_notes'][1]}"):
        rep.goto(base + path)
        assert_fits(rep)
    assert rep.locator('[data-lines="lines"] thead').is_visible()  # the delivery note's lines: a table
    assert rep.locator('[data-lines="lines"] tbody tr').first.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    rep.goto(base + "/")
    tops = {round(box["y"]) for box in (rep.locator("nav.tabs a").nth(n).bounding_box() for n in range(4))}
    assert len(tops) == 1, tops
    tablet = device("rep_east1", "zh", {"width": 800, "height": 1000})  # the form beside the request: a narrow column
    tablet.goto(f"{base}/tasks/{flows['delivery_notes'][1]}")
    assert_fits(tablet)
    box = tablet.locator('[data-lines="lines"] .scroll')
    if box.evaluate("box => box.scrollWidth > box.clientWidth"):  # more to the right: the edge says so
        assert box.evaluate("box => getComputedStyle(box).backgroundImage").count("radial-gradient") == 2
    shot(tablet, "phone", "delivery-note-800px")
    reviewer = device("sales_admin2", "zh", DESKTOP)
    reviewer.goto(f"{base}/tasks/{flows['order_review']}")
    assert_fits(reviewer)
    assert reviewer.locator('section[data-shows="order_result"] table.shown-lines thead').is_visible()
    assert not device.errors, device.errors
