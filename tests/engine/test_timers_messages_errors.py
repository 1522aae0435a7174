"""Timers (injected clock), messages between instances, and a failed
service task that is retried."""
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.audit.verify import verify_chain
from app.errors import Conflict, Forbidden
from app.extensions import db
from app.models import (AuditEvent, Customer, HumanTask, InstanceStatus, MessageSubscription, ProcessMessage, ServiceCall,
                        TaskStatus)
from app.services import events, instances
from app.services.deployment import deploy
from app.actions import BusinessRuleViolation, action

DIAGRAMS = Path(__file__).parent / "diagrams"
FLAKY = {"fail": True}


@action("test.flaky_posting")
def flaky_posting(call, *, label):
    """Posts a real row, then fails while FLAKY says so: the row must vanish."""
    db.session.add(Customer(code=f"T{call.task_id[:8]}", name=f"{label}-{call.task_id}", customer_class="test",
                            channel="direct", region="华东", source_key=call.idempotency_key))
    db.session.flush()
    if FLAKY["fail"]:
        raise RuntimeError("the bank interface is down")
    if label == "rule":
        raise BusinessRuleViolation("over_credit", "Over the credit limit.")
    return {"posted": label}


@pytest.fixture
def probes(org):
    names = ["timer_probe.bpmn", "message_probe.bpmn", "flaky_probe.bpmn", "probe_form.json", "probe_order_start.json",
             "probe_payment_start.json", "probe_flaky_start.json"]
    deploy({name: (DIAGRAMS / name).read_bytes() for name in names})
    return org


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_boundary_timer_fires_once_at_its_time(probes, frozen_clock):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    start = frozen_clock.now
    assert instance.next_timer_at == start.replace(day=3)  # 48 hours later
    frozen_clock.advance(hours=47, minutes=59)
    assert events.fire_due_timers() == 0
    frozen_clock.advance(minutes=1)  # the very moment: the engine fires only once it has passed
    assert events.fire_due_timers() == 0
    frozen_clock.advance(seconds=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert instance.status is InstanceStatus.completed and instance.next_timer_at is None
    assert db.session.scalar(select(AuditEvent.kind).where(AuditEvent.instance_id == instance.id,
                                                           AuditEvent.kind == "timer_fired")) == "timer_fired"
    task = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "task_ready"))
    assert task.element_id == "Task_Answer"
    assert events.fire_due_timers() == 0


def test_answered_in_time_leaves_no_timer(probes, frozen_clock):
    from app.services import tasks

    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    task = tasks.tasks_for(probes("rep_east1"))[0]
    tasks.complete_task(task.id, probes("rep_east1"), {"name": "ok", "amount": 1})
    assert instance.status is InstanceStatus.completed and instance.next_timer_at is None
    frozen_clock.advance(days=3)
    assert events.fire_due_timers() == 0


def test_message_reaches_the_instance_whose_correlation_matches(probes):
    first = instances.start_instance("order_probe", {"order_no": "SO-1"}, probes("sales_admin"))
    second = instances.start_instance("order_probe", {"order_no": "SO-2"}, probes("sales_admin"))
    sender = instances.start_instance("payment_probe", {"order_no": "SO-2", "amount": 100}, probes("finance"))
    assert sender.status is InstanceStatus.completed
    message = db.session.scalar(select(ProcessMessage))
    assert message.name == "payment_received" and message.delivered_at is None
    assert events.deliver_pending_messages() == 1
    db.session.refresh(first), db.session.refresh(second)
    assert second.status is InstanceStatus.completed and second.data["payment"] == {"order_no": "SO-2", "amount": 100}
    assert first.status is InstanceStatus.running
    assert message.target_instance_id == second.id
    assert events.deliver_pending_messages() == 0


def test_failed_service_task_puts_the_instance_in_error_then_retry_runs_it(probes):
    FLAKY["fail"] = True
    try:
        instance = instances.start_instance("flaky_probe", {"label": "x"}, probes("order_clerk"))
    finally:
        FLAKY["fail"] = False
    assert instance.status is InstanceStatus.error
    assert "the bank interface is down" in instance.error_message and instance.error_element_id == "Task_Post"
    assert _count(Customer) == 0 and _count(ServiceCall) == 0  # the half-done posting is gone
    with pytest.raises(Forbidden):
        instances.retry_instance(instance.id, probes("order_clerk"))
    instances.retry_instance(instance.id, probes("process_admin"))
    assert instance.status is InstanceStatus.completed and instance.data["posting"] == {"ok": True, "posted": "x"}
    assert _count(Customer) == 1 and _count(ServiceCall) == 1
    kinds = list(db.session.scalars(select(AuditEvent.kind).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.seq)))
    assert kinds == ["instance_started", "error", "retry", "service_call", "instance_completed"]
    with pytest.raises(Conflict):
        instances.retry_instance(instance.id, probes("process_admin"))


def test_business_rule_violation_is_a_result_not_an_error(probes):
    FLAKY["fail"] = False
    instance = instances.start_instance("flaky_probe", {"label": "rule"}, probes("order_clerk"))
    assert instance.status is InstanceStatus.completed
    assert instance.data["posting"] == {"ok": False, "error": {"code": "over_credit", "message": "Over the credit limit."}}
    assert _count(Customer) == 0


def test_cancel_by_starter_or_admin_only(probes):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    with pytest.raises(Forbidden):
        instances.cancel_instance(instance.id, probes("rep_east2"))
    instances.cancel_instance(instance.id, probes("rep_east1"), reason="不再需要")
    assert instance.status is InstanceStatus.cancelled and instance.next_timer_at is None
    assert {t.status for t in db.session.scalars(select(HumanTask))} == {TaskStatus.cancelled}
    with pytest.raises(Conflict):
        instances.cancel_instance(instance.id, probes("process_admin"))


def _kinds(instance):
    return list(db.session.scalars(select(AuditEvent.kind).where(AuditEvent.instance_id == instance.id)
                                   .order_by(AuditEvent.seq)))


def test_a_thrown_message_is_saved_once_and_not_kept_in_the_state(probes):
    sender = instances.start_instance("payment_probe", {"order_no": "SO-9", "amount": 5}, probes("finance"))
    assert _kinds(sender) == ["instance_started", "message_thrown", "instance_completed"]
    (message,) = db.session.scalars(select(ProcessMessage))
    assert message.source_instance_id == sender.id and message.correlations == {"order": {"order_no": "SO-9"}}
    # taken from the engine before the state is written: a reload throws nothing again
    assert json.loads(sender.state)["bpmn_events"] == []


def test_cancelling_a_waiting_instance_drops_what_it_waited_for(probes):
    waiting = instances.start_instance("order_probe", {"order_no": "SO-7"}, probes("sales_admin"))
    assert {s.name for s in db.session.scalars(select(MessageSubscription))} == {"payment_received"}
    instances.cancel_instance(waiting.id, probes("sales_admin"), reason="客户撤单")
    assert waiting.status is InstanceStatus.cancelled and waiting.next_timer_at is None
    assert _count(MessageSubscription) == 0
    assert _kinds(waiting) == ["instance_started", "instance_cancelled"]
    assert verify_chain(f"instance:{waiting.id}").ok
