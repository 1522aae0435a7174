"""Messages that arrived with no instance waiting, on F14's real diagram:
the portal confirms a delivery note before any instance waits for it; the
message is kept, listed past the grace period with its age, delivered by
hand to the instance that now awaits it (the flow goes on, the chain says
who and why, re-execution VERIFIED); another is discarded: kept in the
database, never offered again by the worker, recorded on the messages
chain."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, InstanceStatus, ProcessMessage
from app.services import events, instances, replay, unclaimed_messages
from app.services.controls.admin_actions import admin_actions
from tests.support.shipment_approval import NOTE_NO, REP, request_for  # noqa: F401  request_for is a fixture
from tests.support.waiting_shipments import confirmation, waiting_for_customer

OTHER_NOTE = "JH20261201777"


def _arrive(sales, number=NOTE_NO, **changes):
    name, correlations, payload = confirmation(number)
    return events.receive_message(sales.user("portal"), changes.get("name", name),
                                  changes.get("correlations", correlations), changes.get("payload", payload))


def _listed(sales, **kwargs):
    return {row.message.id: row for row in unclaimed_messages.unclaimed_messages(sales.user("auditor"), **kwargs)}


def test_a_message_nobody_awaits_is_kept_and_listed_after_the_grace_period(sales, frozen_clock):
    message = _arrive(sales)
    assert message.target_instance_id is None
    assert events.deliver_pending_messages() == 0  # nobody awaits its name: the worker does not touch it
    assert message.id not in _listed(sales)  # within the grace period
    assert _listed(sales, unclaimed_only=False)[message.id].state == "recent"
    frozen_clock.advance(minutes=5)
    row = _listed(sales)[message.id]
    assert row.state == "unclaimed" and row.age == timedelta(minutes=5) and row.receivers == ()
    assert row.payload == confirmation()[2] and row.message.correlations == confirmation()[1]


def test_delivered_by_hand_to_the_instance_that_now_awaits_it_the_flow_goes_on(sales, request_for, frozen_clock):
    message = _arrive(sales)
    frozen_clock.advance(hours=1)
    instance = waiting_for_customer(sales, request_for)
    assert _listed(sales)[message.id].receivers == (instance.id,)
    frozen_clock.advance(minutes=10)
    unclaimed_messages.deliver_by_hand(message.id, instance.id, "门户确认早于审批完成", sales.user("process_admin"))
    db.session.refresh(instance), db.session.refresh(message)
    assert message.target_instance_id == instance.id and message.delivered_at == frozen_clock.now
    assert sales.ready_elements(instance) == ["Task_IssueShipment"]
    assert instance.data["customer_confirmation"] == confirmation()[2]
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                          AuditEvent.kind == "message_delivered"))
    assert event.actor == "process_admin" and event.data["by_hand"] is True
    assert event.data["reason"] == "门户确认早于审批完成" and event.data["message_id"] == message.id
    assert message.id not in _listed(sales, unclaimed_only=False)
    assert replay.reexecute(instance.id).status == "VERIFIED"
    rows = admin_actions(sales.user("auditor"), kind="message_delivered")
    assert [(r["instance_id"], r["why"]) for r in rows] == [(instance.id, "门户确认早于审批完成")]


def test_a_discarded_message_is_kept_never_retried_and_on_the_messages_chain(sales, request_for, frozen_clock):
    message = _arrive(sales)
    frozen_clock.advance(minutes=3)
    unclaimed_messages.discard_message(message.id, "测试单据，客户误发", sales.user("process_admin"))
    instance = waiting_for_customer(sales, request_for)  # now someone awaits it: the worker must still leave it
    assert events.deliver_pending_messages() == 0
    db.session.refresh(message), db.session.refresh(instance)
    assert message.delivered_at is None and message.discarded_at is not None
    assert message.discard_reason == "测试单据，客户误发" and message.discarded_by_id == sales.user("process_admin").id
    assert db.session.get(ProcessMessage, message.id) is not None  # never deleted
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]
    assert message.id not in _listed(sales) and _listed(sales, unclaimed_only=False)[message.id].state == "discarded"
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.chain == "messages"))
    assert (event.kind, event.actor, event.instance_id) == ("message_discarded", "process_admin", None)
    assert event.data["message_id"] == message.id and event.data["reason"] == "测试单据，客户误发"
    assert event.data["age_seconds"] == 180
    with pytest.raises(Conflict) as refused:
        unclaimed_messages.deliver_by_hand(message.id, instance.id, "再试", sales.user("process_admin"))
    assert refused.value.code == "message_discarded"
    rows = admin_actions(sales.user("auditor"), kind="message_discarded")
    assert [(r["chain"], r["why"]) for r in rows] == [("messages", "测试单据，客户误发")]


def test_the_worker_still_delivers_messages_nobody_discarded(sales, request_for):
    kept, dropped = _arrive(sales), _arrive(sales, OTHER_NOTE)
    unclaimed_messages.discard_message(dropped.id, "重复", sales.user("process_admin"))
    instance = waiting_for_customer(sales, request_for)
    other = waiting_for_customer(sales, request_for, number=OTHER_NOTE)
    assert events.deliver_pending_messages() == 1
    db.session.refresh(kept), db.session.refresh(instance), db.session.refresh(other)
    assert kept.target_instance_id == instance.id and sales.ready_elements(other) == ["Task_UploadSignedFax"]


@pytest.mark.parametrize("who", ["rep_east1", "auditor", "director", "portal"])
def test_only_a_process_admin_delivers_or_discards(sales, request_for, who):
    message = _arrive(sales)
    instance = waiting_for_customer(sales, request_for)
    with pytest.raises(Forbidden):
        unclaimed_messages.deliver_by_hand(message.id, instance.id, "手工", sales.user(who))
    with pytest.raises(Forbidden):
        unclaimed_messages.discard_message(message.id, "手工", sales.user(who))
    db.session.refresh(message)
    assert message.delivered_at is None and message.discarded_at is None


def test_a_rep_does_not_read_the_list(sales):
    with pytest.raises(Forbidden):
        unclaimed_messages.unclaimed_messages(sales.user(REP))


def test_an_instance_that_does_not_await_it_is_refused(sales, request_for):
    message = _arrive(sales)
    instance = sales.start("shipment_approval", request_for(), REP)  # still at its first step
    with pytest.raises(Conflict) as refused:
        unclaimed_messages.deliver_by_hand(message.id, instance.id, "手工", sales.user("process_admin"))
    assert refused.value.code == "not_awaiting" and "instance_id" in refused.value.details["fields"]


def test_other_correlation_values_are_refused_without_override(sales, request_for):
    message = _arrive(sales, OTHER_NOTE)
    instance = waiting_for_customer(sales, request_for)
    assert _listed(sales, unclaimed_only=False)[message.id].receivers == ()  # awaits the name, not these values
    with pytest.raises(Conflict) as refused:
        unclaimed_messages.deliver_by_hand(message.id, instance.id, "手工", sales.user("process_admin"))
    assert refused.value.code == "correlation_mismatch"
    assert refused.value.details["expected"] == {"delivery_note": {"delivery_note_no": NOTE_NO}}
    db.session.refresh(instance)
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]


def test_a_payload_against_its_correlation_names_the_field(sales, request_for):
    message = _arrive(sales, payload={"delivery_note_no": OTHER_NOTE})
    instance = waiting_for_customer(sales, request_for)
    with pytest.raises(ValidationFailed) as refused:
        unclaimed_messages.deliver_by_hand(message.id, instance.id, "手工", sales.user("process_admin"))
    assert "payload.delivery_note_no" in refused.value.details["fields"]


def test_an_ended_instance_receives_nothing(sales, request_for):
    message = _arrive(sales)
    instance = waiting_for_customer(sales, request_for)
    instances.cancel_instance(instance.id, sales.user(REP), "客户取消")
    with pytest.raises(Conflict) as refused:
        unclaimed_messages.deliver_by_hand(message.id, instance.id, "手工", sales.user("process_admin"))
    assert refused.value.code == "instance_not_running"
    assert db.session.get(type(instance), instance.id).status is InstanceStatus.cancelled


def test_a_delivered_message_is_neither_delivered_again_nor_discarded(sales, request_for):
    instance = waiting_for_customer(sales, request_for)
    message = _arrive(sales)
    assert message.target_instance_id == instance.id
    for act in (lambda: unclaimed_messages.discard_message(message.id, "重复", sales.user("process_admin")),
                lambda: unclaimed_messages.deliver_by_hand(message.id, instance.id, "重复", sales.user("process_admin"))):
        with pytest.raises(Conflict) as refused:
            act()
        assert refused.value.code == "already_delivered"


def test_a_reason_is_required_and_an_unknown_message_is_404(sales):
    message = _arrive(sales)
    with pytest.raises(ValidationFailed) as refused:
        unclaimed_messages.discard_message(message.id, "", sales.user("process_admin"))
    assert "reason" in refused.value.details["fields"]
    with pytest.raises(NotFound):
        unclaimed_messages.discard_message(message.id + 1000, "重复", sales.user("process_admin"))
