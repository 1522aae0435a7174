"""An instance's pending timers and awaited messages, and a process admin
firing one timer before its time, on F14 shipment_approval's real diagram:
the three-day boundary timer on Task_UploadSignedFax fired early sends the
representative to chase the customer, the chain records who and why, and
re-execution of the instance is VERIFIED."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden, LanesError, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, InstanceStatus
from app.services import events, instance_waits, instances, replay
from app.services.controls.admin_actions import admin_actions
from tests.support.shipment_approval import NOTE_NO, REP, request_for  # noqa: F401  request_for is a fixture
from tests.support.waiting_shipments import CONFIRMED, waiting_for_customer

TIMER = "Boundary_ConfirmationOverdue"


def _events(instance, kind):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                            AuditEvent.kind == kind).order_by(AuditEvent.seq)))


def test_the_waits_name_the_timer_and_the_message_with_its_correlation(sales, request_for, frozen_clock):
    instance = waiting_for_customer(sales, request_for)
    found = instance_waits.instance_waits(instance.id, sales.user("auditor"))
    [timer] = found.waits.timers
    assert (timer.element_id, timer.kind, timer.timing, timer.expression) == (TIMER, "boundary", "duration", '"P3D"')
    assert timer.attached_to == "Task_UploadSignedFax" and timer.interrupting is True
    assert timer.due == frozen_clock.now + timedelta(days=3)
    [message] = found.waits.messages
    assert (message.name, message.kind, message.attached_to) == (CONFIRMED, "boundary", "Task_UploadSignedFax")
    assert message.correlations == {"delivery_note": {"delivery_note_no": NOTE_NO}}
    assert found.may_fire


def test_the_timers_page_lists_running_instances_soonest_first(sales, request_for, frozen_clock):
    later = waiting_for_customer(sales, request_for, number="JH20261201002")
    frozen_clock.advance(hours=-5)  # this one reached the step earlier: its timer is due sooner
    sooner = waiting_for_customer(sales, request_for)
    rows = instance_waits.pending_timers(sales.user("process_admin"), "shipment_approval")
    assert [(row.instance.id, row.timer.element_id) for row in rows] == [(sooner.id, TIMER), (later.id, TIMER)]
    assert instance_waits.pending_timers(sales.user("process_admin"), "travel_request") == []


def test_firing_the_timer_early_runs_the_escalation_path_and_is_on_the_chain(sales, request_for, frozen_clock):
    instance = waiting_for_customer(sales, request_for)
    due = frozen_clock.now + timedelta(days=3)
    frozen_clock.advance(hours=2)
    fired_instance, timer = instance_waits.fire_timer_now(instance.id, TIMER, "客户已电话告知不再确认，提前催办",
                                                          sales.user("process_admin"))
    db.session.refresh(instance)
    assert timer.element_id == TIMER and timer.due == due
    assert sales.ready_elements(instance) == ["Task_ChaseConfirmation"]
    assert sales.task(instance, "Task_ChaseConfirmation").assignee.username == REP
    assert instance.status is InstanceStatus.running and instance.next_timer_at is None
    assert events.fire_due_timers() == 0  # nothing else was due: only that timer fired
    [event] = _events(instance, "timer_fired_early")
    assert event.actor == "process_admin" and event.element_id == TIMER
    assert event.data["reason"] == "客户已电话告知不再确认，提前催办" and event.data["was_due"] == due.isoformat()
    assert event.data["by"] == "process_admin" and event.data["early"] is True
    assert instance_waits.instance_waits(instance.id, sales.user("process_admin")).waits.messages == ()
    rows = admin_actions(sales.user("auditor"), kind="timer_fired_early")
    assert [(r["instance_id"], r["actor"], r["why"]) for r in rows] == [(instance.id, "process_admin",
                                                                        "客户已电话告知不再确认，提前催办")]


def test_an_instance_with_an_early_timer_re_executes_verified_and_goes_on(sales, request_for, frozen_clock):
    instance = waiting_for_customer(sales, request_for)
    frozen_clock.advance(hours=1)
    instance_waits.fire_timer_now(instance.id, TIMER, "提前催办", sales.user("process_admin"))
    frozen_clock.advance(minutes=30)
    sales.complete(instance, "Task_ChaseConfirmation", REP, {"chase_action": "wait", "chase_note": "客户周五回传"})
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"]
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict
    shots = replay.snapshots(instance.id)
    early = next(shot for shot in shots if shot.kind == "timer_fired_early")
    assert early.actor == "process_admin" and early.event_data["reason"] == "提前催办"


def test_a_forged_early_fire_in_the_log_does_not_verify(sales, request_for, frozen_clock):
    """Re-execution fires the recorded element: a log naming a step that is
    no pending timer diverges instead of being taken on trust."""
    instance = waiting_for_customer(sales, request_for)
    instance_waits.fire_timer_now(instance.id, TIMER, "提前催办", sales.user("process_admin"))
    event = _events(instance, "timer_fired_early")[0]
    db.session.execute(AuditEvent.__table__.update().where(AuditEvent.id == event.id)
                       .values(data={**event.data, "element_id": "Task_UploadSignedFax"}))
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "DIVERGED" and verdict.seq == event.seq, verdict


@pytest.mark.parametrize("who", ["rep_east1", "auditor", "director"])
def test_only_a_process_admin_fires_a_timer(sales, request_for, who):
    instance = waiting_for_customer(sales, request_for)
    with pytest.raises(Forbidden):
        instance_waits.fire_timer_now(instance.id, TIMER, "提前", sales.user(who))
    db.session.refresh(instance)
    assert sales.ready_elements(instance) == ["Task_UploadSignedFax"] and not _events(instance, "timer_fired_early")


def test_a_rep_reads_no_waits(sales, request_for):
    instance = waiting_for_customer(sales, request_for)
    with pytest.raises(Forbidden):
        instance_waits.instance_waits(instance.id, sales.user(REP))
    with pytest.raises(Forbidden):
        instance_waits.pending_timers(sales.user(REP))


@pytest.mark.parametrize("element", ["Task_UploadSignedFax", "Boundary_CustomerConfirmed", "Nope"])
def test_an_element_that_is_no_pending_timer_is_400_naming_it(sales, request_for, element):
    instance = waiting_for_customer(sales, request_for)
    with pytest.raises(LanesError) as refused:
        instance_waits.fire_timer_now(instance.id, element, "提前", sales.user("process_admin"))
    assert refused.value.status == 400 and refused.value.code == "not_a_pending_timer"
    assert element in refused.value.details["fields"]["element_id"][0]
    assert refused.value.details["pending"] == [TIMER]


def test_a_reason_is_required(sales, request_for):
    instance = waiting_for_customer(sales, request_for)
    with pytest.raises(ValidationFailed) as refused:
        instance_waits.fire_timer_now(instance.id, TIMER, "   ", sales.user("process_admin"))
    assert "reason" in refused.value.details["fields"]


def test_the_timer_of_an_ended_instance_does_not_fire(sales, request_for):
    instance = waiting_for_customer(sales, request_for)
    instances.cancel_instance(instance.id, sales.user(REP), "客户取消")
    with pytest.raises(Conflict) as refused:
        instance_waits.fire_timer_now(instance.id, TIMER, "提前", sales.user("process_admin"))
    assert refused.value.code == "instance_not_running"
    assert instance_waits.instance_waits(instance.id, sales.user("process_admin")).waits.timers == ()


def test_flask_audit_replay_verifies_an_early_fire_and_a_hand_delivery(sales, request_for, frozen_clock, cli):
    """The command auditors run: the instance went through both admin
    actions of this part (a timer fired early, a message delivered by hand)."""
    from app.services import unclaimed_messages
    from tests.support.waiting_shipments import confirmation

    instance = waiting_for_customer(sales, request_for)
    instance_waits.fire_timer_now(instance.id, TIMER, "提前催办", sales.user("process_admin"))
    sales.complete(instance, "Task_ChaseConfirmation", REP, {"chase_action": "wait", "chase_note": "再等等"})
    message = events.receive_message(sales.user("portal"), *confirmation(NOTE_NO))
    assert message.target_instance_id == instance.id  # it waits again: the portal's message goes straight in
    other = waiting_for_customer(sales, request_for, number="JH20261201555")
    late = events.receive_message(sales.user("portal"), *confirmation("JH20261201666"))
    frozen_clock.advance(minutes=5)
    with pytest.raises(Conflict):
        unclaimed_messages.deliver_by_hand(late.id, other.id, "单号不符", sales.user("process_admin"))
    stray = events.receive_message(sales.user("portal"), *confirmation("JH20261201777"))
    unclaimed_messages.discard_message(stray.id, "误发", sales.user("process_admin"))
    early = events.receive_message(sales.user("portal"), *confirmation("JH20261201888"))
    third = waiting_for_customer(sales, request_for, number="JH20261201888")
    unclaimed_messages.deliver_by_hand(early.id, third.id, "门户先到", sales.user("process_admin"))
    for checked in (instance, third):
        result = cli.invoke(args=["audit", "replay", str(checked.id)])
        assert result.exit_code == 0 and "1 verified, 0 diverged" in result.output, result.output
    from app.services.chain_verification import chains_to_verify, verify

    assert "messages" in chains_to_verify() and verify("messages").ok
    result = cli.invoke(args=["audit", "verify", "--all"])  # the messages chain among them
    assert result.exit_code == 0 and "intact" in result.output, result.output
