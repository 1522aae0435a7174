"""The instance page's diagram in chromium, on the real F01 contract_shipment
run to a step in the middle: it opens on the current step at a readable
zoom (not the twenty steps squeezed into the width), the zoom, fit and
back-to-the-step buttons work by mouse and keyboard, a minimap is there,
and the lanes read as role names in Chinese and in English, on a laptop
(1366 px) and on a phone (375 px). Pictures go to test-artifacts/diagram/."""
import pytest

from app.services.role_catalogue import ROLE_CODES
from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import ARTIFACTS, shot

ACTIVE = "Task_ShippingNoteReview"
BUTTONS = {  # data-zoom -> (Chinese, English) accessible name
    "in": ("放大", "Zoom in"), "out": ("缩小", "Zoom out"),
    "fit": ("显示整张流程图", "Show the whole diagram"), "current": ("回到当前步骤", "Back to the current step"),
}
LANES = {"zh_CN": {"申请人", "销售内勤主管", "出货/开票员", "内勤制单员", "司机"},
         "en": {"Requester", "Sales administration", "Shipping and billing clerk", "Order clerk", "Driver"}}
LANE_TEXTS = """() => Array.from(document.querySelectorAll('#diagram .djs-element[data-element-id^="Lane_"] text'))
    .map(t => Array.from(t.querySelectorAll("tspan")).map(s => s.textContent).join("") || t.textContent)"""


@pytest.fixture(scope="module")
def halfway(live_app):
    """An F01 contract approved, ordered and its shipping note made: the
    shipping-note review (step 8 or so of twenty) is the current step."""
    from app.extensions import db
    from app.services.accounts import find_user
    from tests.support.contract_shipment import DEALER, REP, approve_contract, make_note, make_order
    from tests.support.flow_driver import FlowDriver

    with live_app.app_context():
        from app.models import Customer
        from app.services.attachments import save_bytes

        sales = FlowDriver(find_user)
        customer = db.session.scalar(db.select(Customer.code).where(Customer.name == DEALER))
        data = {"customer": customer, "contract_no": "HT-VIEW-7", "contract_amount": 100000.0, "payment_days": 30,
                "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
                "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
                "contract_file": save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 contract")}
        instance = sales.start("contract_shipment", data, REP, business_key="HT-VIEW-7")
        approve_contract(sales, instance)
        make_order(sales, instance)
        sales.approve(instance, "Task_OrderReview", "sales_admin")
        make_note(sales, instance)
        assert [t.element_id for t in sales.ready(instance)] == [ACTIVE]
        instance_id = instance.id
        db.session.commit()
        db.session.remove()
    return instance_id


def _zoom(page) -> float:
    return float(page.get_attribute("#diagram", "data-zoom"))


def _active_in_view(page) -> bool:
    box = page.locator("#diagram").bounding_box()
    step = page.locator(f'#diagram .djs-element.lanes-active[data-element-id="{ACTIVE}"]').bounding_box()
    return (box["x"] <= step["x"] and step["x"] + step["width"] <= box["x"] + box["width"]
            and box["y"] <= step["y"] and step["y"] + step["height"] <= box["y"] + box["height"])


def _click(page, name: str, before: float) -> float:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_function("z => Number(document.getElementById('diagram').dataset.zoom) !== z", arg=before)
    return _zoom(page)


def _open(page, base, instance_id):
    page.goto(f"{base}/instances/{instance_id}")
    page.wait_for_selector("#diagram[data-ready]")


@pytest.mark.parametrize("width", [1366, 375])
def test_the_f01_diagram_opens_readable_on_the_current_step_in_both_languages(person, live_server, halfway, width):
    page = person("rep_east1")
    page.set_viewport_size({"width": width, "height": 900 if width > 600 else 760})
    for locale, switch in (("zh_CN", None), ("en", "English")):
        _open(page, live_server, halfway)
        if switch:
            page.get_by_role("button", name=switch).click()
            page.wait_for_selector("#diagram[data-ready]")
        names = [pair[0 if locale == "zh_CN" else 1] for pair in BUTTONS.values()]
        page.locator("#diagram").scroll_into_view_if_needed()

        # opens on the current step, at a zoom whose text can be read
        opened = _zoom(page)
        assert 0.8 <= opened <= 1.25, opened
        assert _active_in_view(page), locale
        assert page.locator("#diagram .djs-minimap").count() == 1

        # lanes are role names in the reader's language, no codes
        lanes = page.evaluate(LANE_TEXTS)
        assert LANES[locale] <= set(lanes), lanes
        assert not [text for text in lanes if "@" in text or text in ROLE_CODES], lanes

        # the buttons fit on the screen and change the zoom
        for name in names:
            button = page.get_by_role("button", name=name, exact=True)
            edge = button.bounding_box()
            assert button.is_visible() and edge["x"] >= 0 and edge["x"] + edge["width"] <= width, (name, edge)
            assert button.get_attribute("title") == name
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        name = f"f01_instance_{'zh' if locale == 'zh_CN' else 'en'}_{width}"
        shot(page, "diagram", name)
        page.locator(".diagram-card").screenshot(path=str(ARTIFACTS / "diagram" / f"{name}_card.png"))
        bigger = _click(page, names[0], opened)
        assert bigger > opened
        smaller = _click(page, names[1], bigger)
        assert smaller < bigger
        whole = _click(page, names[2], smaller)
        assert whole < 0.6, whole  # twenty steps in a row need a small scale to fit
        page.locator(".diagram-card").screenshot(path=str(ARTIFACTS / "diagram" / f"{name}_whole.png"))
        back = _click(page, names[3], whole)
        assert back == opened and _active_in_view(page)

        # the keyboard works the same buttons, and the arrow keys move the focused diagram
        page.get_by_role("button", name=names[0], exact=True).focus()
        page.keyboard.press("Enter")
        page.wait_for_function("z => Number(document.getElementById('diagram').dataset.zoom) > z", arg=back)
        moved_from = page.get_attribute("#diagram svg .viewport", "transform")
        page.locator("#diagram svg[tabindex]").first.focus()
        page.keyboard.press("ArrowRight")
        assert page.get_attribute("#diagram svg .viewport", "transform") != moved_from
        zoomed = _zoom(page)
        page.keyboard.press("-")
        assert _zoom(page) < zoomed
    page.get_by_role("button", name="中文").click()
    assert not person.errors, person.errors
