"""Timers and messages: the outside world's clock and other instances.

Each job takes one due item with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL;
SQLite runs one worker) and does it in its own transaction, so several
workers never do the same item twice, a crashed worker's item is taken up
again by another, and one failing instance never holds back the others."""
import logging

from flask import current_app
from sqlalchemy import exists, select

from app import clock
from app.audit.chain import record_instance_event
from app.extensions import db
from app.errors import Forbidden, ValidationFailed
from app.models import InstanceStatus, MessageSubscription, ProcessInstance, ProcessMessage, User
from app.services.commands import command, finish, lock_instance, open_run
from app.services.instance_summaries import refresh_summary
from app.services.permissions import ensure_may_change
from app.services.unit_of_work import use_case
from app.workflow.runtime import DataRefused, external_message

log = logging.getLogger(__name__)


def take_one(query):
    """The first row id of ``query``, locked; rows other workers hold are skipped."""
    return db.session.scalar(query.limit(1).with_for_update(skip_locked=True))


def pause_for_fault_injection() -> None:
    """Tests of crash recovery stop a worker here, inside a job's transaction."""
    seconds = current_app.config.get("WORKER_FAULT_PAUSE_SECONDS", 0)
    if seconds:
        import time

        time.sleep(seconds)


def run_isolated(instance, work) -> None:
    """Run ``work``; if it fails, undo it and put the instance in error
    instead, so the job does not come back forever."""
    try:
        with db.session.begin_nested():
            work()
    except Exception as exc:  # recorded on the instance, shown to admins, retried by them
        log.exception("job failed for instance %s", instance.id)
        db.session.refresh(instance)
        instance.status = InstanceStatus.error
        instance.error_message = f"{type(exc).__name__}: {exc}"
        instance.next_timer_at = None
        record_instance_event(instance, "error", data={"message": instance.error_message})
        refresh_summary(instance)


@command
def fire_next_due_timer(now=None) -> int | None:
    """Fire the timers of the most overdue instance; its id, or None.
    Strictly overdue: the engine fires a timer only once its moment has
    passed, so an instance taken at the very moment would fire nothing and
    be taken again and again."""
    now = now or clock.now()
    instance_id = take_one(select(ProcessInstance.id).where(
        ProcessInstance.status == InstanceStatus.running, ProcessInstance.next_timer_at < now)
        .order_by(ProcessInstance.next_timer_at, ProcessInstance.id))
    if instance_id is None:
        return None
    instance = lock_instance(instance_id)

    def work():
        run = open_run(instance, None)
        record_instance_event(instance, "timer_fired", data={"due_at": instance.next_timer_at.isoformat()})
        run.fire_timers()
        finish(instance, run.settle(), None)
        pause_for_fault_injection()

    run_isolated(instance, work)
    return instance_id


def fire_due_timers(now=None) -> int:
    """Fire every due timer, one instance per transaction; how many fired."""
    fired = 0
    while fire_next_due_timer(now) is not None:
        fired += 1
    return fired


def correlates(message: ProcessMessage, correlations: dict) -> bool:
    """Whether ``message`` carries the correlation values an instance expects."""
    if message.source_instance_id is None:
        # From outside: it must name every key the receiver waits on, with the same values.
        return all((message.correlations or {}).get(key) == value for key, value in correlations.items())
    return all(correlations.get(key) == value for key, value in (message.correlations or {}).items()
               if key in correlations)


def sent_by_whom_it_waits_for(message: ProcessMessage, run) -> bool:
    """Whether ``message`` comes from a flow the waiting catch names
    (``messageFrom``); a catch that names none takes it from anyone. A
    message from outside (no source instance) never passes a named one."""
    senders = run.senders_for(message.name)
    if not senders:
        return True
    if message.source_instance_id is None:
        return False
    return db.session.scalar(select(ProcessInstance.process_key)
                             .where(ProcessInstance.id == message.source_instance_id)) in senders


def deliver_to(message: ProcessMessage, instance: ProcessInstance, *, refuse: bool = False) -> bool:
    """Deliver ``message`` to the locked ``instance`` if it waits for it with
    matching correlations and from the sender it names; whether it did. A
    payload that lacks or contradicts what the receiver correlates on raises
    ValidationFailed when ``refuse``, else the receiver is passed over."""
    if instance.status != InstanceStatus.running:
        return False
    run = open_run(instance, None)
    if message.name not in run.awaited_messages() or not correlates(message, run.correlations_for(message.name)) \
            or not sent_by_whom_it_waits_for(message, run):
        return False
    try:
        caught = run.deliver(message.payload)
    except DataRefused as refused:
        if refuse:
            raise ValidationFailed.for_fields({refused.name: [refused.message]},
                                              "The message cannot be delivered as it is.") from None
        return False
    if not caught:
        return False
    record_instance_event(instance, "message_delivered", data={
        "name": message.name, "correlations": message.correlations, "message_id": message.id,
        "source_instance_id": message.source_instance_id,
        "payload": message.payload})  # what the engine was handed: re-execution feeds it again
    message.delivered_at = clock.now()
    message.target_instance_id = instance.id
    finish(instance, run.settle(), None)
    return True


def _deliver(message: ProcessMessage, *, refuse: bool = False) -> int | None:
    """Deliver ``message`` to the first running instance that waits for it
    (``deliver_to``); the receiver's id, or None."""
    candidates = db.session.scalars(select(MessageSubscription.instance_id).where(
        MessageSubscription.name == message.name).order_by(MessageSubscription.instance_id))
    for instance_id in list(candidates):
        if instance_id == message.source_instance_id:
            continue
        instance = lock_instance(instance_id)
        if deliver_to(message, instance, refuse=refuse):
            return instance.id
    return None


@command
def deliver_next_message(after_id: int = 0) -> int | None:
    """Deliver the oldest pending message (after ``after_id``) that has a
    possible receiver; returns its id, or None when there is none."""
    message_id = take_one(select(ProcessMessage.id).where(
        ProcessMessage.delivered_at.is_(None), ProcessMessage.discarded_at.is_(None), ProcessMessage.id > after_id,
        exists().where(MessageSubscription.name == ProcessMessage.name)).order_by(ProcessMessage.id))
    if message_id is None:
        return None
    _deliver(db.session.get(ProcessMessage, message_id))
    return message_id


@use_case
def receive_message(actor: User, name: str, correlations: dict, payload: dict) -> ProcessMessage:
    """A message from outside (the customer portal confirming a delivery
    note): stored, and delivered at once to the running instance that waits
    for it with these correlation values; otherwise it stays pending for the
    worker. Only the ``integration`` role sends. Raises Forbidden,
    ValidationFailed (the waiting instance correlates on a property the
    payload lacks or gives otherwise: nothing is stored)."""
    ensure_may_change(actor)
    if not actor.has_role("integration"):
        raise Forbidden("Only integration accounts send messages to instances.", code="not_integration")
    message = ProcessMessage(name=name, correlations=correlations, payload=external_message(name, correlations, payload),
                             source_instance_id=None, created_at=clock.now())
    db.session.add(message)
    db.session.flush()
    _deliver(message, refuse=True)
    return message


def deliver_pending_messages() -> int:
    """Deliver every message that has a waiting receiver; returns how many."""
    delivered, last = 0, 0
    while (message_id := deliver_next_message(last)) is not None:
        last = message_id
        delivered += db.session.get(ProcessMessage, message_id).delivered_at is not None
    return delivered
