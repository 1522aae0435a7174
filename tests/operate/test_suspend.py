"""A suspended instance: nobody claims, completes, delegates, releases or is
reassigned its tasks, its timers do not fire, messages for it are kept and
it cannot be retried or cancelled — until a process admin resumes it, which
puts it back exactly as it was (running, or in error). Every door is
attacked; the history re-executes VERIFIED suspended and resumed."""
import pytest
from sqlalchemy import select

from app.errors import Conflict, Forbidden
from app.extensions import db
from app.models import AuditEvent, InstanceStatus, ProcessMessage
from app.services import events, instances, replay, tasks
from app.services.corrections import (approve_correction, reject_correction, request_correction,
                                      withdraw_correction)
from app.services.deployment import deploy
from tests.engine.test_timers_messages_errors import DIAGRAMS, FLAKY


@pytest.fixture
def probes(org, app):
    names = ["timer_probe.bpmn", "message_probe.bpmn", "flaky_probe.bpmn", "probe_form.json", "probe_order_start.json",
             "probe_payment_start.json", "probe_flaky_start.json"]
    deploy({name: (DIAGRAMS / name).read_bytes() for name in names})
    app.config["OPERATE_CORRECTION_APPROVAL"] = "data"
    yield org
    app.config["OPERATE_CORRECTION_APPROVAL"] = "data"


def _suspend(instance, admin):
    return request_correction(instance.id, admin, "suspend", "核查中，暂停")


def _resume(instance, admin):
    return request_correction(instance.id, admin, "resume", "核查完毕")


def _verified(instance):
    verdict = replay.reexecute(instance.id)
    assert verdict.status == "VERIFIED", verdict


def _ready_task(instance):
    from app.models import HumanTask, TaskStatus

    return db.session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                     HumanTask.status == TaskStatus.ready))


def test_no_task_door_opens_while_suspended(probes, frozen_clock):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    task = _ready_task(instance)
    holder = task.assignee or probes("rep_east1")  # the status is checked before who asks
    timer_at = instance.next_timer_at
    _suspend(instance, probes("process_admin"))
    assert instance.status is InstanceStatus.suspended and instance.next_timer_at == timer_at
    attempts = [lambda: tasks.claim_task(task.id, holder), lambda: tasks.release_task(task.id, holder),
                lambda: tasks.complete_task(task.id, holder, {"answer": "x"}),
                lambda: tasks.delegate_task(task.id, holder, "rep_east2"),
                lambda: tasks.reassign_task(task.id, probes("process_admin"), "rep_east2", "换人")]
    for attempt in attempts:
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "instance_suspended"
    frozen_clock.advance(hours=49)
    assert events.fire_due_timers() == 0  # the worker leaves a suspended instance's timers alone
    with pytest.raises(Conflict) as refused:
        instances.cancel_instance(instance.id, probes("process_admin"))
    assert refused.value.code == "instance_suspended"
    _verified(instance)
    _resume(instance, probes("process_admin"))
    assert instance.status is InstanceStatus.running and instance.next_timer_at == timer_at
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert instance.status is InstanceStatus.completed
    _verified(instance)


def test_a_message_for_a_suspended_instance_is_kept_until_it_resumes(probes):
    waiting = instances.start_instance("order_probe", {"order_no": "SO-9"}, probes("sales_admin"))
    _suspend(waiting, probes("process_admin"))
    instances.start_instance("payment_probe", {"order_no": "SO-9", "amount": 100}, probes("finance"))
    assert events.deliver_pending_messages() == 0
    message = db.session.scalar(select(ProcessMessage))
    assert message.delivered_at is None
    _resume(waiting, probes("process_admin"))
    assert events.deliver_pending_messages() == 1
    db.session.refresh(waiting)
    assert waiting.status is InstanceStatus.completed
    _verified(waiting)


def test_a_failed_instance_resumes_in_error_and_cannot_be_retried_while_suspended(probes):
    FLAKY["fail"] = True
    try:
        instance = instances.start_instance("flaky_probe", {"label": "x"}, probes("order_clerk"))
    finally:
        FLAKY["fail"] = False
    assert instance.status is InstanceStatus.error
    _suspend(instance, probes("process_admin"))
    with pytest.raises(Conflict) as refused:
        instances.retry_instance(instance.id, probes("process_admin"))
    assert refused.value.code == "instance_suspended"
    with pytest.raises(Conflict):
        _suspend(instance, probes("process_admin"))  # already suspended
    _resume(instance, probes("process_admin"))
    assert instance.status is InstanceStatus.error and "bank interface" in instance.error_message
    _verified(instance)
    instances.retry_instance(instance.id, probes("process_admin"))
    assert instance.status is InstanceStatus.completed
    _verified(instance)


def test_resume_of_a_running_instance_is_refused(probes):
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    with pytest.raises(Conflict) as refused:
        _resume(instance, probes("process_admin"))
    assert refused.value.code == "not_suspended"


def test_with_approval_for_all_a_suspend_waits_for_another_admin(probes, app):
    app.config["OPERATE_CORRECTION_APPROVAL"] = "all"
    instance = instances.start_instance("timer_probe", {}, probes("rep_east1"))
    first = _suspend(instance, probes("process_admin"))
    assert first.status == "pending" and instance.status is InstanceStatus.running
    with pytest.raises(Forbidden):
        reject_correction(first.id, probes("process_admin"), "不用")  # one's own: withdraw instead
    with pytest.raises(Forbidden):
        withdraw_correction(first.id, probes("process_admin2"))  # someone else's
    withdraw_correction(first.id, probes("process_admin"))
    second = _suspend(instance, probes("process_admin"))
    reject_correction(second.id, probes("process_admin2"), "没有必要暂停")
    third = _suspend(instance, probes("process_admin"))
    approve_correction(third.id, probes("process_admin2"))
    db.session.refresh(instance)
    assert (first.status, second.status, third.status) == ("withdrawn", "rejected", "applied")
    assert instance.status is InstanceStatus.suspended
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                           AuditEvent.kind == "instance_suspended"))
    assert (event.data["requested_by"], event.data["approved_by"], event.data["before"], event.data["after"]) == \
        ("process_admin", "process_admin2", "running", "suspended")
    kinds = set(db.session.scalars(select(AuditEvent.kind).where(AuditEvent.instance_id == instance.id)))
    assert {"correction_requested", "correction_withdrawn", "correction_rejected"} <= kinds
    _verified(instance)
