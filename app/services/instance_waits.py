"""What running instances wait for (their pending timers and awaited
messages), read for process admins and auditors, and a process admin's
firing of one timer before its time, with a reason, on the instance's chain
as ``timer_fired_early``."""
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select

from app.audit.chain import record_instance_event
from app.bounds import text_problem
from app.errors import Conflict, Forbidden, LanesError, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, ProcessInstance, User
from app.services.commands import command, finish, lock_instance, open_run
from app.services.instances import get_instance
from app.services.permissions import ensure_may_change, ensure_process_admin, storable_text
from app.services.queries import sees_everything
from app.workflow.waits import NoPendingTimer, PendingTimer, Waits

EARLY_FIRE = "timer_fired_early"
MAX_REASON_CHARS = 2000
MAX_TIMER_INSTANCES = 200  # instances read for the timers page (soonest timer first)


@dataclass(frozen=True)
class InstanceWaits:
    instance: ProcessInstance
    waits: Waits

    @property
    def may_fire(self) -> bool:
        """Timers fire only on a running instance (not one ended, in error or suspended)."""
        return self.instance.status == InstanceStatus.running


@dataclass(frozen=True)
class TimerRow:
    """One pending timer of one running instance, for the timers page."""

    instance: ProcessInstance
    timer: PendingTimer


def ensure_may_read(user: User | None) -> None:
    """Process admins and auditors read what instances wait for. Raises Forbidden."""
    if user is None or not sees_everything(user):
        raise Forbidden("Only process administrators and auditors see what instances wait for.", code="not_a_reader")


def checked_reason(reason) -> str:
    """The reason an admin gives, trimmed. Raises ValidationFailed naming ``reason``."""
    text = reason.strip() if isinstance(reason, str) else ""
    problem = text_problem(text) if text else None
    if not text or problem or not storable_text(text) or len(text) > MAX_REASON_CHARS:
        message = problem or f"Say why, in 1 to {MAX_REASON_CHARS} characters."
        raise ValidationFailed.for_fields({"reason": [message]})
    return text


def instance_waits(instance_id: int, user: User) -> InstanceWaits:
    """The pending timers and awaited messages of one instance (none once it
    has ended). Raises Forbidden, NotFound."""
    ensure_may_read(user)
    instance = get_instance(instance_id)
    if not instance.state or instance.status in (InstanceStatus.completed, InstanceStatus.cancelled):
        return InstanceWaits(instance, Waits((), ()))
    return InstanceWaits(instance, open_run(instance, None).waits())


def pending_timers(user: User, process_key: str | None = None) -> list[TimerRow]:
    """The pending timers of running instances (of ``process_key`` when
    given), soonest first; at most the instances with the
    ``MAX_TIMER_INSTANCES`` soonest timers are read. Raises Forbidden."""
    ensure_may_read(user)
    query = (select(ProcessInstance).where(ProcessInstance.status == InstanceStatus.running,
                                           ProcessInstance.next_timer_at.is_not(None))
             .order_by(ProcessInstance.next_timer_at, ProcessInstance.id).limit(MAX_TIMER_INSTANCES))
    if process_key and (not storable_text(process_key) or len(process_key) > 128):
        raise ValidationFailed.for_fields({"process_key": ["A process key of up to 128 characters."]})
    if process_key:
        query = query.where(ProcessInstance.process_key == process_key)
    rows = [TimerRow(instance, timer) for instance in db.session.scalars(query)
            for timer in open_run(instance, None).waits().timers]
    far = datetime.max.replace(tzinfo=timezone.utc)
    return sorted(rows, key=lambda row: (row.timer.due or far, row.instance.id, row.timer.element_id))


@command
def fire_timer_now(instance_id: int, element_id: str, reason: str, actor: User) -> tuple[ProcessInstance, PendingTimer]:
    """Fire the pending timer ``element_id`` of a running instance now, before
    its time (only that timer: others wait for their moment), and run the
    path it starts; recorded as ``timer_fired_early`` with who, why and
    when it was due. Raises Forbidden (auditors: read_only; anyone but a
    process admin), ValidationFailed (no reason), NotFound, Conflict
    (``instance_not_running``: ended, in error or suspended), LanesError 400
    (``not_a_pending_timer``, naming ``element_id``)."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "fire a timer early")
    reason = checked_reason(reason)
    instance = lock_instance(instance_id)
    if instance.status != InstanceStatus.running:
        raise Conflict(f"Instance {instance.id} is {instance.status.value}; only a running instance's timers fire.",
                       code="instance_not_running")
    run = open_run(instance, actor)
    try:
        timer = run.fire_timer_early(element_id if isinstance(element_id, str) else "")
    except NoPendingTimer as refused:
        raise LanesError(str(refused), code="not_a_pending_timer",
                         details={"fields": {"element_id": [str(refused)]}, "pending": refused.pending}) from None
    record_instance_event(instance, EARLY_FIRE, element_id=timer.element_id, actor=actor.username, data={
        "element_id": timer.element_id, "early": True, "by": actor.username, "reason": reason,
        "was_due": timer.due.isoformat() if timer.due else None, "kind": timer.kind, "timing": timer.timing,
        "expression": timer.expression, "attached_to": timer.attached_to, "interrupting": timer.interrupting})
    finish(instance, run.settle(), actor)
    return instance, timer
