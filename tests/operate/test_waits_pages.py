"""The /operate pages on timers and messages through the test client: in
Chinese by default, forms only for process admins, auditors read, a sales
rep gets the 403 page, a refusal is a readable message and never a 500,
and the auditors' replay shows the admin's action with its reason."""
import re

import pytest

from app.extensions import db
from app.services import events, instance_waits
from tests.support.logins import DEMO_PASSWORD
from tests.support.shipment_approval import REP, request_for  # noqa: F401  request_for is a fixture
from tests.support.waiting_shipments import confirmation, waiting_for_customer

TIMER = "Boundary_ConfirmationOverdue"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def as_admin(client, login, sales):
    login("process_admin", DEMO_PASSWORD)
    return client


def test_the_instance_waits_page_fires_a_timer_with_a_reason(sales, request_for, as_admin):
    instance = waiting_for_customer(sales, request_for)
    page = as_admin.get(f"/operate/instances/{instance.id}/waits")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "待触发的定时器" in html and "三天未确认" in html and "shipment_confirmed" in html
    assert "delivery_note.delivery_note_no = JH20261201001" in html
    url = f"/operate/instances/{instance.id}/timers/{TIMER}/fire"
    empty = as_admin.post(url, data={"csrf_token": _csrf(html), "reason": " "}, follow_redirects=True)
    assert empty.status_code == 200 and "请说明原因" in empty.get_data(as_text=True)
    fired = as_admin.post(url, data={"csrf_token": _csrf(html), "reason": "客户来电"}, follow_redirects=True)
    assert fired.status_code == 200 and "已立即触发" in fired.get_data(as_text=True)
    db.session.refresh(instance)
    assert sales.ready_elements(instance) == ["Task_ChaseConfirmation"]
    again = as_admin.post(url, data={"csrf_token": _csrf(html), "reason": "再来"}, follow_redirects=True)
    assert again.status_code == 200 and "不是该申请正在等待的定时器" in again.get_data(as_text=True)
    replay = as_admin.get(f"/audit/instances/{instance.id}/replay").get_data(as_text=True)
    assert "定时器提前触发（管理员）" in replay
    assert "定时器提前触发（管理员）" in as_admin.get(f"/instances/{instance.id}").get_data(as_text=True)
    moment = as_admin.get(f"/audit/instances/{instance.id}/replay?seq={_seq(instance)}").get_data(as_text=True)
    assert "客户来电" in moment and 'class="was-due"' in moment


def _seq(instance):
    from app.models import AuditEvent

    return db.session.scalar(db.select(AuditEvent.seq).where(AuditEvent.instance_id == instance.id,
                                                             AuditEvent.kind == "timer_fired_early"))


def test_the_messages_page_delivers_and_discards(sales, request_for, as_admin, frozen_clock):
    first = events.receive_message(sales.user("portal"), *confirmation())
    second = events.receive_message(sales.user("portal"), *confirmation("JH20261201888"))
    frozen_clock.advance(minutes=2)
    instance = waiting_for_customer(sales, request_for)
    html = as_admin.get("/operate/messages").get_data(as_text=True)
    assert "无人认领的消息" in html and f'id="message-{first.id}"' in html and f'id="message-{second.id}"' in html
    token = _csrf(html)
    wrong = as_admin.post(f"/operate/messages/{second.id}/deliver", follow_redirects=True,
                          data={"csrf_token": token, "instance_id": str(instance.id), "reason": "硬塞"})
    assert wrong.status_code == 200 and "关联值不同" in wrong.get_data(as_text=True)
    junk = as_admin.post(f"/operate/messages/{second.id}/deliver", follow_redirects=True,
                         data={"csrf_token": token, "instance_id": "abc", "reason": "x"})
    assert junk.status_code == 200 and "请填写要投递到的申请编号" in junk.get_data(as_text=True)
    as_admin.post(f"/operate/messages/{first.id}/deliver", data={"csrf_token": token, "instance_id": str(instance.id),
                                                                 "reason": "门户先到"})
    as_admin.post(f"/operate/messages/{second.id}/discard", data={"csrf_token": token, "reason": "客户误发"})
    db.session.refresh(instance), db.session.refresh(first), db.session.refresh(second)
    assert first.target_instance_id == instance.id and second.discard_reason == "客户误发"
    assert sales.ready_elements(instance) == ["Task_IssueShipment"]
    shown = as_admin.get("/operate/messages?all=1").get_data(as_text=True)
    assert f'id="message-{second.id}" data-state="discarded"' in shown and "客户误发" in shown
    moment = as_admin.get(f"/audit/instances/{instance.id}/replay?seq={_delivered_seq(instance)}")
    assert "手工投递" in moment.get_data(as_text=True) and "门户先到" in moment.get_data(as_text=True)


def _delivered_seq(instance):
    from app.models import AuditEvent

    return db.session.scalar(db.select(AuditEvent.seq).where(AuditEvent.instance_id == instance.id,
                                                             AuditEvent.kind == "message_delivered"))


def test_auditors_read_without_forms_and_a_rep_gets_403(sales, request_for, client, login):
    instance = waiting_for_customer(sales, request_for)
    login("auditor", DEMO_PASSWORD)
    for url in (f"/operate/instances/{instance.id}/waits", "/operate/timers", "/operate/messages"):
        page = client.get(url)
        assert page.status_code == 200 and 'class="fire-timer"' not in page.get_data(as_text=True), url
    token = _csrf(client.get("/operate/timers").get_data(as_text=True))  # the header's forms carry one
    refused = client.post(f"/operate/instances/{instance.id}/timers/{TIMER}/fire",
                          data={"csrf_token": token, "reason": "看看"})
    assert refused.status_code == 403
    client.post("/logout", data={"csrf_token": token})
    login(REP, DEMO_PASSWORD)
    for url in (f"/operate/instances/{instance.id}/waits", "/operate/timers", "/operate/messages"):
        assert client.get(url).status_code == 403, url
    assert instance_waits.instance_waits(instance.id, sales.user("auditor")).waits.timers


def test_the_timers_page_lists_and_filters(sales, request_for, as_admin):
    instance = waiting_for_customer(sales, request_for)
    html = as_admin.get("/operate/timers?process_key=shipment_approval").get_data(as_text=True)
    assert f'data-instance="{instance.id}" data-element="{TIMER}"' in html
    assert f'data-instance="{instance.id}"' not in as_admin.get("/operate/timers?process_key=travel_request").get_data(
        as_text=True)
    bad = as_admin.get("/operate/timers?process_key=" + "x" * 300)
    assert bad.status_code == 400 and "请从列表中选择流程" in bad.get_data(as_text=True)
