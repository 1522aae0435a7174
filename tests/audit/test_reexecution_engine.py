"""Re-execution of the engine's probe diagrams: a timer fired at its
recorded moment, a message delivered from its recorded payload, a failed
service call retried, a cancel — each re-executes VERIFIED, and nothing is
posted again."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, ServiceCall
from app.services import events, instances, replay, tasks
from app.services.deployment import deploy
from tests.engine.test_timers_messages_errors import FLAKY

DIAGRAMS = Path(__file__).resolve().parents[1] / "engine" / "diagrams"


@pytest.fixture
def probes(org):
    names = ["timer_probe.bpmn", "message_probe.bpmn", "flaky_probe.bpmn", "probe_form.json", "probe_order_start.json",
             "probe_payment_start.json", "probe_flaky_start.json"]
    deploy({name: (DIAGRAMS / name).read_bytes() for name in names})
    return org


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_fired_timer_re_executes_at_its_recorded_moment(probes, frozen_clock):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    frozen_clock.advance(hours=48, seconds=1)
    assert events.fire_due_timers() == 1
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict


def test_a_waiting_timer_re_executes_with_the_same_due_moment(probes, frozen_clock):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    frozen_clock.advance(hours=5)  # re-execution must not take "now" for the due time
    assert replay.reexecute(instance.id).status == "VERIFIED"


def test_a_delivered_message_re_executes_from_its_payload(probes):
    waiting = instances.start_instance("order_probe", {"order_no": "SO-2"}, probes("sales_admin"))
    sender = instances.start_instance("payment_probe", {"order_no": "SO-2", "amount": 100}, probes("finance"))
    assert events.deliver_pending_messages() == 1
    for instance in (waiting, sender):
        verdict = replay.reexecute(instance.id)
        assert verdict.status == "VERIFIED", verdict


def test_a_retried_service_call_re_executes_without_posting_again(probes):
    FLAKY["fail"] = True
    try:
        instance = instances.start_instance("flaky_probe", {"label": "x"}, probes("order_clerk"))
    finally:
        FLAKY["fail"] = False
    instances.retry_instance(instance.id, probes("process_admin"))
    posted, calls = _count(Customer), _count(ServiceCall)
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict
    assert (_count(Customer), _count(ServiceCall)) == (posted, calls) == (1, 1)


def test_a_cancelled_instance_re_executes(probes):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    instances.cancel_instance(instance.id, probes("rep_east1"), reason="不再需要")
    assert replay.reexecute(instance.id).status == "VERIFIED"


def test_a_completed_task_re_executes_and_snapshots_follow_the_path(probes):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    task = tasks.tasks_for(probes("rep_east1"))[0]
    tasks.complete_task(task.id, probes("rep_east1"), {"name": "ok", "amount": 1})
    assert replay.reexecute(instance.id).status == "VERIFIED"
    shots = replay.snapshots(instance.id)
    assert [shot.kind for shot in shots][:2] == ["instance_started", "task_ready"]
    assert "Task_Answer" in shots[1].active
    assert shots[-1].active == () and "Task_Answer" in shots[-1].path
    assert shots[-1].data.get("name") == "ok"



def test_a_clock_that_ticks_within_a_command_still_verifies(app, probes, frozen_clock):
    """In production each read of the clock is a little later than the one
    before: the due moment the engine computed is not the moment the
    command recorded, yet the history re-executes VERIFIED."""
    from datetime import timedelta

    from app import clock

    reads = []

    def ticking():
        reads.append(1)
        return frozen_clock.now + timedelta(milliseconds=7 * len(reads))

    frozen = app.extensions["lanes_clock"]
    clock.set_clock(app, ticking)
    try:
        instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    finally:
        clock.set_clock(app, frozen)
    assert replay.reexecute(instance.id).status == "VERIFIED"
    db.session.execute(db.update(type(instance)).where(type(instance).id == instance.id)
                       .values(next_timer_at=instance.next_timer_at + timedelta(minutes=1)))
    db.session.expire_all()
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "DIVERGED" and "next timer" in verdict.difference


def test_a_message_recorded_before_events_carried_payloads_is_read_from_the_message(probes):
    from app.models import AuditEvent, ProcessMessage

    waiting = instances.start_instance("order_probe", {"order_no": "SO-3"}, probes("sales_admin"))
    instances.start_instance("payment_probe", {"order_no": "SO-3", "amount": 7}, probes("finance"))
    assert events.deliver_pending_messages() == 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == waiting.id,
                                                       AuditEvent.kind == "message_delivered"))
    assert event.data["payload"] == db.session.get(ProcessMessage, event.data["message_id"]).payload
    older = {key: value for key, value in event.data.items() if key != "payload"}
    db.session.execute(db.update(AuditEvent).where(AuditEvent.id == event.id).values(data=older))
    db.session.expire_all()
    assert replay.reexecute(waiting.id).status == "VERIFIED"
    db.session.execute(db.update(AuditEvent).where(AuditEvent.id == event.id)
                       .values(data={**older, "message_id": 999_999}))
    db.session.expire_all()
    verdict = replay.reexecute(waiting.id)
    assert (verdict.status, verdict.seq) == ("NOT_REEXECUTABLE", event.seq)  # never a false VERIFIED
