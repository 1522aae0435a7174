"""A process admin in chromium, in Chinese and in English: the messages
nobody claimed (one delivered by hand to the shipment that now awaits it,
one discarded with a reason), and one shipment's waits (its three-day
reminder timer fired now); the auditor sees the early fire in the replay."""
import pytest

from app.extensions import db
from app.models import Customer, HumanTask, ProcessInstance, ProcessMessage, TaskStatus
from app.services import events
from app.services.accounts import find_user
from tests.support.flow_driver import FlowDriver
from tests.support.shipment_approval import DEALER, REP, STOCK, delivery_note
from tests.support.waiting_shipments import confirmation
from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import shot

EARLY, LATE, NOBODY = "JH20261201101", "JH20261201102", "JH20261201199"


def _waiting(driver, number):
    code = db.session.scalar(db.select(Customer.code).where(Customer.name == DEALER))
    instance = driver.start("shipment_approval", {"customer": code, "request_channel": "phone",
                                                  "requested_items": "YE3 电机两台", "requested_date": "2026-12-08"}, REP)
    driver.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(number=number))
    driver.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    driver.approve(instance, "Task_DirectorApproval", "director")
    return instance.id


@pytest.fixture(scope="module")
def world(live_app):
    """Two portal confirmations nobody awaited when they came (two minutes
    ago), then a shipment that awaits the first one; a second shipment whose
    reminder timer the admin fires. Ids: (message to deliver, message to
    discard, receiver, timer shipment)."""
    with live_app.app_context():
        driver = FlowDriver(find_user)
        portal = find_user("portal")
        wanted = events.receive_message(portal, *confirmation(EARLY)).id
        stray = events.receive_message(portal, *confirmation(NOBODY)).id
        live_app.extensions["lanes_clock"].advance(minutes=2)
        receiver = _waiting(driver, EARLY)
        timed = _waiting(driver, LATE)
        db.session.remove()
    return wanted, stray, receiver, timed


def _ready(live_app, instance_id):
    with live_app.app_context():
        elements = list(db.session.scalars(db.select(HumanTask.element_id).where(
            HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.ready)))
        db.session.remove()
    return elements


def test_the_admin_delivers_one_message_and_discards_another(person, live_server, live_app, world):
    wanted, stray, receiver, _ = world
    admin = person("process_admin")
    admin.goto(live_server + "/operate/messages")
    assert admin.locator("h1").inner_text() == "无人认领的消息"
    assert admin.locator(f"#message-{wanted}").is_visible() and admin.locator(f"#message-{stray}").is_visible()
    assert "2分钟" in admin.inner_text(f"#message-{wanted}") and "王强（客户门户）" in admin.inner_text(f"#message-{wanted}")
    shot(admin, "operate_waits", "01-messages-zh")

    deliver = admin.locator(f"#message-{wanted} form.deliver-message")
    assert deliver.locator("select[name=instance_id]").input_value() == str(receiver)
    deliver.get_by_label("原因").fill("门户确认早于审批完成")
    deliver.get_by_role("button", name="投递").click()
    admin.wait_for_load_state()
    assert f"已投递到申请 #{receiver}" in admin.inner_text(".flash")
    assert _ready(live_app, receiver) == ["Task_IssueShipment"]

    discard = admin.locator(f"#message-{stray} form.discard-message")
    discard.get_by_label("原因").fill("客户误发的测试单号")
    discard.get_by_role("button", name="丢弃").click()
    admin.wait_for_load_state()
    assert "已丢弃" in admin.inner_text(".flash")
    assert admin.locator("table.operate-messages tbody tr").all_inner_texts() == ["没有等待接收方的消息。"]
    admin.get_by_role("link", name="同时显示刚到达和已丢弃的").click()
    admin.wait_for_load_state()
    assert "客户误发的测试单号" in admin.inner_text(f"#message-{stray}")
    shot(admin, "operate_waits", "02-messages-after-zh")
    with live_app.app_context():
        kept = db.session.get(ProcessMessage, stray)
        assert kept.discarded_at is not None and kept.delivered_at is None
        db.session.remove()

    admin.get_by_role("button", name="English").click()
    admin.wait_for_load_state()
    assert admin.locator("h1").inner_text() == "Messages nobody claimed"
    assert "Discarded" in admin.inner_text(f"#message-{stray}")
    shot(admin, "operate_waits", "03-messages-en")
    admin.get_by_role("button", name="中文").click()
    admin.wait_for_load_state()
    assert not person.errors, person.errors


def test_the_admin_fires_a_timer_now_and_the_auditor_sees_it(person, live_server, live_app, world):
    *_, timed = world
    admin = person("process_admin")
    admin.goto(live_server + "/operate/timers")
    assert admin.locator("h1").inner_text() == "待触发的定时器"
    admin.locator(f'tr[data-instance="{timed}"]').get_by_role("link").click()
    admin.wait_for_url(live_server + f"/operate/instances/{timed}/waits")
    row = admin.locator('table.waits-timers tr[data-element="Boundary_ConfirmationOverdue"]')
    assert "三天未确认" in row.inner_text() and "边界事件" in row.inner_text()
    assert LATE in admin.inner_text("table.waits-messages")
    shot(admin, "operate_waits", "04-waits-zh")

    admin.get_by_role("button", name="English").click()
    admin.wait_for_load_state()
    assert "Pending timers" in admin.inner_text("main") and "Expected correlation" in admin.inner_text("main")
    shot(admin, "operate_waits", "05-waits-en")
    admin.get_by_role("button", name="中文").click()
    admin.wait_for_load_state()

    row.get_by_label("原因").fill("客户来电说不再在线确认")
    row.get_by_role("button", name="立即触发").click()
    admin.wait_for_load_state()
    assert "已立即触发" in admin.inner_text(".flash")
    assert admin.inner_text("section.instance-waits").count("没有待触发的定时器") == 1
    shot(admin, "operate_waits", "06-waits-fired-zh")
    assert _ready(live_app, timed) == ["Task_ChaseConfirmation"]

    auditor = person("auditor")
    auditor.goto(live_server + f"/audit/instances/{timed}/replay")
    auditor.locator(".replay-events li", has_text="定时器提前触发（管理员）").get_by_role("link").click()
    auditor.wait_for_selector('section.moment[data-kind="timer_fired_early"]')
    moment = auditor.inner_text("section.moment")
    assert "客户来电说不再在线确认" in moment and "方流程管理员" in moment
    shot(auditor, "operate_waits", "07-replay-zh")
    with live_app.app_context():
        assert db.session.get(ProcessInstance, timed).status.value == "running"
        db.session.remove()
    assert not person.errors, person.errors
