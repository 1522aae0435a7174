"""The worker's other jobs, one item per transaction, taken with SKIP LOCKED:
task reminders and escalations, e-mail from the outbox, scheduled starts."""
import logging
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.audit.chain import record_instance_event
from app.extensions import db
from app.models import (EmailState, HumanTask, Level, Notification, ProcessDefinition, ScheduledStart, TaskStatus,
                        User)
from app.services.events import pause_for_fault_injection, take_one
from app.services.instances import start_on_schedule
from app.services.mailer import send_mail
from app.services.notifications import MAX_ROLE_RECIPIENTS, notify
from app.services.role_scope import holders
from app.services.unit_of_work import use_case
from app.workflow.schedule import next_start

log = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 8


def _performers(task: HumanTask) -> list[User]:
    if task.assignee is not None:
        return [task.assignee]
    return holders(task.candidate_role, task.candidate_org_id, MAX_ROLE_RECIPIENTS) if task.candidate_role else []


@use_case
def remind_next() -> int | None:
    """Remind the performers of one task whose reminder time has come."""
    now = clock.now()
    task_id = take_one(select(HumanTask.id).where(
        HumanTask.status == TaskStatus.ready, HumanTask.remind_at <= now, HumanTask.reminded_at.is_(None))
        .order_by(HumanTask.remind_at, HumanTask.id))
    if task_id is None:
        return None
    task = db.session.get(HumanTask, task_id)
    task.reminded_at = now
    notify(_performers(task), "task_reminder", process=task.instance.definition.name, task=task, instance=task.instance)
    return task_id


def _managers_of(people: list[User]) -> list[User]:
    managers = [person.manager for person in people if person.manager is not None]
    return managers or [user for user in db.session.scalars(select(User).where(User.level == Level.general_manager))]


@use_case
def escalate_next() -> int | None:
    """Tell the managers of the performers of one overdue task (tasks whose
    boundary timer escalates them follow their diagram instead)."""
    now = clock.now()
    task_id = take_one(select(HumanTask.id).where(
        HumanTask.status == TaskStatus.ready, HumanTask.due_at <= now, HumanTask.escalated_at.is_(None),
        HumanTask.default_escalation.is_(True)).order_by(HumanTask.due_at, HumanTask.id))
    if task_id is None:
        return None
    task = db.session.get(HumanTask, task_id)
    task.escalated_at = now
    performers = _performers(task)
    names = "、".join(person.display_name for person in performers) or task.candidate_role or ""
    notify(_managers_of(performers), "task_overdue", process=task.instance.definition.name, task=task,
           instance=task.instance, assignee=names)
    record_instance_event(task.instance, "task_escalated", element_id=task.element_id, task_id=task.task_guid,
                          data={"due_at": task.due_at.isoformat(), "notified": names})
    return task_id


@use_case
def send_next_email() -> int | None:
    """Send one due e-mail; a failure is retried later with back-off
    (1, 2, 4 … minutes), and given up after MAX_EMAIL_ATTEMPTS."""
    now = clock.now()
    notification_id = take_one(select(Notification.id).where(
        Notification.email_state == EmailState.pending,
        (Notification.next_attempt_at.is_(None)) | (Notification.next_attempt_at <= now))
        .order_by(Notification.id))
    if notification_id is None:
        return None
    notification = db.session.get(Notification, notification_id)
    notification.email_attempts += 1
    try:
        send_mail(notification.user.email, notification.subject, notification.body,
                  f"<notification-{notification.id}@lanes>")
    except Exception as exc:  # the mail server's problem: keep the message, try again later
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
            notification.email_state = EmailState.failed
        else:
            notification.next_attempt_at = now + timedelta(minutes=2 ** (notification.email_attempts - 1))
        return notification_id
    pause_for_fault_injection()
    notification.email_state = EmailState.sent
    notification.email_sent_at = now
    return notification_id


def _latest_timer_definitions() -> dict[str, ProcessDefinition]:
    latest = {}
    for definition in db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.version)):
        latest[definition.key] = definition
    return {key: d for key, d in latest.items() if d.timer_start}


@use_case
def plan_schedules() -> int:
    """Give every timer-started process its next start (after now); returns
    how many schedules were created or changed."""
    now, changed = clock.now(), 0
    for key, definition in _latest_timer_definitions().items():
        timer = definition.timer_start
        schedule = db.session.get(ScheduledStart, key)
        if schedule is None:
            schedule = ScheduledStart(process_key=key, next_due_at=next_start(timer["kind"], timer["expression"], now))
            db.session.add(schedule)
            changed += 1
    return changed


def _start_defaults(definition: ProcessDefinition) -> dict:
    """The start form as nobody filled it: each field's ``default``. A timer
    start has no person to fill the form; a field with a default (the
    monthly flows' empty month = "the month just ended") tells the diagram."""
    schema = definition.form_schema(definition.start_form) or {}
    return {name: field["default"] for name, field in schema.get("properties", {}).items() if "default" in field}


@use_case
def start_next_scheduled() -> str | None:
    """Start one process whose scheduled time has come, as the system
    account, with its start form's defaults; plan its next start. Returns
    the process key, or None."""
    now = clock.now()
    key = take_one(select(ScheduledStart.process_key).where(ScheduledStart.next_due_at <= now)
                   .order_by(ScheduledStart.next_due_at, ScheduledStart.process_key))
    if key is None:
        return None
    schedule = db.session.get(ScheduledStart, key)
    definition = _latest_timer_definitions().get(key)
    due = schedule.next_due_at
    schedule.next_due_at = next_start(definition.timer_start["kind"], definition.timer_start["expression"], due) \
        if definition else None
    if definition is not None:
        try:
            with db.session.begin_nested():
                instance = start_on_schedule(key, _start_defaults(definition), business_key=f"{key}@{due:%Y-%m-%dT%H:%M}")
            schedule.last_started_at, schedule.last_instance_id = now, instance.id
        except Exception:  # a start that cannot run must not block the schedule: log it and go on
            log.exception("scheduled start of %s failed", key)
    return key
