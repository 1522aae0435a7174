"""Timers and messages: the outside world's clock and other instances.

Each fired timer and each delivered message is its own transaction, so one
failing instance never holds back the others."""
from sqlalchemy import select

from app import clock
from app.audit.chain import record_instance_event
from app.extensions import db
from app.models import InstanceStatus, MessageSubscription, ProcessInstance, ProcessMessage
from app.services.commands import command, finish, lock_instance, open_run


def due_timer_instances(now=None) -> list[int]:
    now = now or clock.now()
    return list(db.session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.status == InstanceStatus.running, ProcessInstance.next_timer_at <= now)
        .order_by(ProcessInstance.next_timer_at)))


@command
def fire_timers(instance_id: int) -> bool:
    """Run the due timers of one instance; False when nothing was due any more."""
    instance = lock_instance(instance_id)
    now = clock.now()
    if instance.status != InstanceStatus.running or instance.next_timer_at is None or instance.next_timer_at > now:
        return False
    run = open_run(instance, None)
    record_instance_event(instance, "timer_fired", data={"due_at": instance.next_timer_at.isoformat()})
    run.fire_timers()
    finish(instance, run, None, run.advance())
    return True


def fire_due_timers(now=None) -> int:
    """Fire every due timer; returns how many instances moved."""
    return sum(1 for instance_id in due_timer_instances(now) if fire_timers(instance_id))


def _correlates(message: ProcessMessage, correlations: dict) -> bool:
    return all(correlations.get(key) == value for key, value in (message.correlations or {}).items()
               if key in correlations)


@command
def deliver_message(message_id: int) -> int | None:
    """Deliver one pending message to the first waiting instance whose
    correlation matches; returns that instance's id, or None."""
    message = db.session.get(ProcessMessage, message_id)
    if message is None or message.delivered_at is not None:
        return None
    candidates = db.session.scalars(select(MessageSubscription.instance_id).where(
        MessageSubscription.name == message.name).order_by(MessageSubscription.instance_id))
    for instance_id in list(candidates):
        if instance_id == message.source_instance_id:
            continue
        instance = lock_instance(instance_id)
        if instance.status != InstanceStatus.running:
            continue
        run = open_run(instance, None)
        if message.name not in run.awaited_messages() or not _correlates(message, run.correlations_for(message.name)):
            continue
        record_instance_event(instance, "message_delivered", data={
            "name": message.name, "correlations": message.correlations, "message_id": message.id,
            "source_instance_id": message.source_instance_id})
        run.deliver(message.payload)
        message.delivered_at = clock.now()
        message.target_instance_id = instance.id
        finish(instance, run, None, run.advance())
        return instance.id
    return None


def deliver_pending_messages() -> int:
    """Deliver every message that has a waiting receiver; returns how many."""
    pending = list(db.session.scalars(select(ProcessMessage.id).where(ProcessMessage.delivered_at.is_(None))
                                      .order_by(ProcessMessage.id)))
    return sum(1 for message_id in pending if deliver_message(message_id) is not None)
