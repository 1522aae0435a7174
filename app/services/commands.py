"""The one transaction of every instance command (DESIGN.md):

lock the instance (``SELECT … FOR UPDATE`` on PostgreSQL; a version column on
every backend) → load the workflow → apply the command → run engine steps
(service tasks post through the same session) → save the state, the human
task rows and the audit events → commit. A failure anywhere rolls all of it
back; a stale or concurrent command gets 409 and changes nothing."""
import functools
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.audit.chain import jsonable, record_instance_event
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import (HumanTask, InstanceStatus, MessageSubscription, ProcessInstance, ProcessMessage, ServiceCall,
                        TaskStatus, User)
from app.services.instance_summaries import refresh_summary
from app.services import task_rows
from app.services.task_bars import refresh_bars
from app.services.customer_notices import tell_customer_contacts
from app.services.notifications import MAX_ROLE_RECIPIENTS, notify
from app.services.performers import performer_for
from app.services.row_writes import save_now
from app.services.role_scope import holders
from app.services.working_calendar import current_calendar
from app.services.unit_of_work import use_case
from app.actions import ActionCall, BusinessRuleViolation, run_action
from app.workflow.outcome import Outcome
from app.workflow.runtime import Run

_BUSY = ("database is locked", "could not serialize", "deadlock detected")


def command(func):
    """A use case on one instance: commits once; concurrency becomes 409."""
    unit = use_case(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return unit(*args, **kwargs)
        except StaleDataError as exc:
            raise Conflict("Someone else changed this instance at the same time; reload and try again.",
                           code="stale_instance") from exc
        except OperationalError as exc:
            if any(sign in str(exc.orig) for sign in _BUSY):
                raise Conflict("The instance is busy with another command; try again.", code="instance_busy") from exc
            raise

    return wrapper


def lock_instance(instance_id: int) -> ProcessInstance:
    """The instance, locked for this transaction. Raises NotFound."""
    instance = db.session.scalar(
        select(ProcessInstance).where(ProcessInstance.id == instance_id)
        .with_for_update(of=ProcessInstance).execution_options(populate_existing=True)
    )
    if instance is None:
        raise NotFound(f"Process instance {instance_id} does not exist.")
    task_rows.load(instance, fresh=True)  # as committed before the lock, whatever the session held
    return instance


class _ServiceCalls:
    """Serves one command's service tasks: each call runs once per (instance,
    task, operation), inside a savepoint, and is recorded with its result."""

    def __init__(self, instance: ProcessInstance, actor: User | None):
        self.instance = instance
        self.actor = actor

    def __call__(self, task: dict, operation: str, params: dict) -> dict:
        params = jsonable(params)
        recorded = db.session.scalar(select(ServiceCall).where(
            ServiceCall.instance_id == self.instance.id, ServiceCall.task_guid == task["task_id"],
            ServiceCall.operation == operation))
        if recorded is not None:
            return recorded.result
        call = ActionCall(self.instance.id, task["task_id"], task["element_id"], operation,
                          self.actor.id if self.actor else None, approver_of_record=self._approver_of_record)
        try:
            with db.session.begin_nested():  # a failing action leaves no half-posted rows behind
                result = jsonable(run_action(call, params))
        except BusinessRuleViolation as violation:
            result = jsonable(violation.as_result())
        if result.get("ok") and isinstance(result.get("notice"), dict):
            tell_customer_contacts(self.instance, result["notice"])
        db.session.add(ServiceCall(instance_id=self.instance.id, task_guid=task["task_id"], operation=operation,
                                   params=params, result=result, called_at=clock.now()))
        record_instance_event(self.instance, "service_call", element_id=task["element_id"], task_id=task["task_id"],
                              actor=self.actor.username if self.actor else None,
                              data={"operation": operation, "params": params, "result": result})
        return result

    def _approver_of_record(self, steps) -> int | None:
        """Who last approved one of ``steps`` (element ids) of this instance,
        from its task records; None when nobody did."""
        return db.session.scalar(select(HumanTask.completed_by_id).where(
            HumanTask.instance_id == self.instance.id, HumanTask.element_id.in_(list(steps or [])),
            HumanTask.status == TaskStatus.completed, HumanTask.outcome == "approve")
            .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1))


def open_run(instance: ProcessInstance, actor: User | None) -> Run:
    definition = instance.definition
    return Run.load(definition.cache_key, lambda: definition.spec, instance.state, _ServiceCalls(instance, actor))


def start_run(instance: ProcessInstance, actor: User | None, data: dict) -> Run:
    definition = instance.definition
    return Run.start(definition.cache_key, lambda: definition.spec, data, _ServiceCalls(instance, actor))


def _deadlines(task) -> dict:
    """Due date, reminder time and escalation rule of a new human task: a
    boundary timer on it decides, else its ``due`` property counted in
    working time (reminder at three quarters of it), else none."""
    if task.timer_due is not None:
        return {"due_at": task.timer_due, "remind_at": None, "default_escalation": False}
    if not task.due:
        return {"due_at": None, "remind_at": None, "default_escalation": True}
    calendar = current_calendar()
    work = calendar.parse(task.due)
    if work is None:
        return {"due_at": None, "remind_at": None, "default_escalation": True}
    now = clock.now()
    return {"due_at": calendar.add(now, work), "remind_at": calendar.add(now, work * 3 / 4), "default_escalation": True}


@dataclass(frozen=True)
class TaskRef:
    """Enough of a human task to tell people about it."""

    id: int
    name: str


def _announce(instance: ProcessInstance, row: TaskRef, performer) -> None:
    process = instance.definition.name
    if performer.user_id is not None:
        notify([db.session.get(User, performer.user_id)], "task_assigned", process=process, task=row, instance=instance)
    elif performer.role:
        notify(holders(performer.role, performer.org_id, MAX_ROLE_RECIPIENTS), "task_available", process=process,
               task=row, instance=instance)


_INSERT_TASK = HumanTask.__table__.insert().returning(HumanTask.__table__.c.id)  # built once


def _insert_task_row(instance: ProcessInstance, values: dict) -> HumanTask:
    """A new READY task row of ``instance``, inserted at once (not through
    the ORM's unit of work, which would hold the row until the next flush:
    its id goes into the notification) and kept with the request's rows as
    the object a query would have loaded: every column is set, so reading
    it sends nothing."""
    values = {"instance_id": instance.id, "process_key": instance.process_key, "delegated_from_id": None,
              "outcome": None, "delegation_chain": [], "status": TaskStatus.ready, "claimed_at": None,
              "created_at": clock.now(), "completed_at": None, "completed_by_id": None, "on_behalf_of_id": None,
              "reminded_at": None, "escalated_at": None, **values}
    row = HumanTask(id=db.session.connection().execute(_INSERT_TASK, values).scalar_one(), **values)
    make_transient_to_detached(row)
    db.session.add(row)
    set_committed_value(row, "instance", instance)
    task_rows.add(instance, row)
    return row


def _sync_human_tasks(instance: ProcessInstance, outcome: Outcome, done: str | None) -> None:
    """One row per READY human task. The rows open before this command are
    exactly the tasks that were READY when it loaded the workflow (both are
    saved in the same transaction), so only what the outcome says opened or
    closed touches the table; ``done``, the task the command completed, has
    its row closed already."""
    closed = outcome.closed - {done}
    if closed:
        for row in db.session.scalars(select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.task_guid.in_(closed),
                HumanTask.status == TaskStatus.ready)):
            if row.status == TaskStatus.ready:  # not completed by this very command
                row.status = TaskStatus.cancelled
                row.completed_at = clock.now()
    for task in outcome.opened:
        performer = performer_for(task.lane, instance, task.data, task.name, step=task)
        row = _insert_task_row(instance, {
            "task_guid": task.task_id, "element_id": task.element_id, "name": task.name,
            "documentation": task.documentation, "lane": task.lane, "candidate_role": performer.role,
            "candidate_org_id": performer.org_id, "assignee_id": performer.user_id, "form_key": task.form,
            "is_approval": task.approval, "approval_stage": task.approval_stage, **_deadlines(task),
        })
        _announce(instance, TaskRef(row.id, task.name), performer)
        record_instance_event(instance, "task_ready", element_id=task.element_id, task_id=task.task_id,
                              data={"role": performer.role, "assignee": performer.username,
                                    **({"org_unit": performer.org_code} if performer.role else {})})


def _sync_subscriptions(instance: ProcessInstance, outcome: Outcome) -> None:
    wanted = outcome.awaited if instance.status == InstanceStatus.running else frozenset()
    if not wanted and not outcome.awaited_before:
        return  # nothing was or is awaited: no rows to look at
    held = set(db.session.scalars(select(MessageSubscription.name).where(MessageSubscription.instance_id == instance.id)))
    if held - wanted:
        db.session.execute(delete(MessageSubscription).where(
            MessageSubscription.instance_id == instance.id, MessageSubscription.name.in_(held - wanted)
        ).execution_options(synchronize_session=False))
    for name in sorted(wanted - held):
        db.session.add(MessageSubscription(instance_id=instance.id, name=name))


def refuse_missing_input(outcome: Outcome, form_schema: dict | None) -> None:
    """When the engine stopped for want of a value the submitted form
    declares, the person can give it: the command is refused (its unit of
    work rolls back) instead of the instance going into error. A value no
    form of this command gives is the diagram's fault, and the instance
    shows it. Raises ValidationFailed naming the field."""
    failure = outcome.failure
    declared = (form_schema or {}).get("properties") or {}
    if failure is not None and failure.missing and failure.missing in declared:
        raise ValidationFailed.for_fields({failure.missing: [f"Step {failure.element_id} needs a value here."]})


def finish(instance: ProcessInstance, outcome: Outcome, actor: User | None, done: str | None = None) -> None:
    """Apply what the command's engine work came to, in one pass: thrown
    messages, status, state, human tasks, subscriptions, with their audit
    events and notifications (in one flush at the end). ``done``: the guid
    of the task the command completed (its row is closed already)."""
    with db.session.no_autoflush:
        _apply(instance, outcome, actor, done)
    save_now(instance)
    db.session.flush()
    refresh_bars(instance)
    refresh_summary(instance)
    db.session.flush()


def _apply(instance: ProcessInstance, outcome: Outcome, actor: User | None, done: str | None) -> None:
    username = actor.username if actor else None
    for message in outcome.thrown:
        db.session.add(ProcessMessage(name=message.name or "", correlations=jsonable(message.correlations),
                                      payload=message.event, source_instance_id=instance.id, created_at=clock.now()))
        record_instance_event(instance, "message_thrown", actor=username,
                              data={"name": message.name, "correlations": message.correlations})
    failure = outcome.failure
    if failure is not None:
        instance.status = InstanceStatus.error
        instance.error_message = failure.message
        instance.error_task_id = failure.task_id
        instance.error_element_id = failure.element_id
        failed = {"message": failure.message}
        if failure.call is not None:  # what the failing service call was asked: its own rows were rolled back
            failed["call"] = jsonable(failure.call)
        record_instance_event(instance, "error", element_id=failure.element_id, task_id=failure.task_id,
                              actor=username, data=failed)
    elif outcome.completed and instance.status != InstanceStatus.cancelled:
        instance.status = InstanceStatus.completed
        instance.ended_at = clock.now()
        record_instance_event(instance, "instance_completed", actor=username, data={})
        notify([instance.started_by], "instance_completed", process=instance.definition.name, instance=instance)
    elif instance.status == InstanceStatus.error:
        instance.status = InstanceStatus.running
    if failure is None:
        instance.error_message = instance.error_task_id = instance.error_element_id = None
    instance.state = outcome.state
    instance.data = jsonable(outcome.data)
    instance.next_timer_at = outcome.next_timer_due if instance.status == InstanceStatus.running else None
    if instance.status in (InstanceStatus.running, InstanceStatus.error):
        _sync_human_tasks(instance, outcome, done)
    else:
        _close_open_tasks(instance)
    _sync_subscriptions(instance, outcome)


def _close_open_tasks(instance: ProcessInstance) -> None:
    """Cancel the tasks still open when the instance ends. The query runs
    before this command's changes are flushed, so it also returns the task
    the command has just completed: that one keeps its status."""
    for row in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                          HumanTask.status == TaskStatus.ready)):
        if row.status == TaskStatus.ready:
            row.status = TaskStatus.cancelled
            row.completed_at = clock.now()
