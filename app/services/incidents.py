"""Incidents, for process admins (auditors read them too): the instances in
error grouped by cause, each with the failing service call's input and
error, and the human steps overdue grouped by process and step.

A cause is (process key + version, failing element, the error message
normalised). Normalising keeps what is the same for every instance that
failed for one reason and folds what differs per instance: UUIDs become
``<id>``, hexadecimal runs of 8+ characters (with a letter and a digit)
``<hex>``, every number not glued to a word before it (``17``, ``12.50``;
not the ``1`` of ``rep_east1``) ``#``; names and quoted values stay (they
say what is missing), whitespace is folded and the text cut at 300
characters. So "payee account missing for request 17 (task 3f2a…)" and
"... request 18 (task 9c1b…)" are one group."""
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.errors import Forbidden
from app.extensions import db
from app.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, ServiceCall, TaskStatus, User
from app.services.queries import sees_everything
from app.workflow.element_names import element_names

_UUID = re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")
_HEX = re.compile(r"\b(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*\d)[0-9a-fA-F]{8,}\b")
_NUMBER = re.compile(r"(?<![A-Za-z_])\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")
MESSAGE_CUT = 300


def normalised_message(message: str | None) -> str:
    """The error message with what differs per instance folded (module
    docstring): the part of a cause that groups instances."""
    text = _UUID.sub("<id>", message or "")
    text = _HEX.sub("<hex>", text)
    text = _NUMBER.sub("#", text)
    return _SPACE.sub(" ", text).strip()[:MESSAGE_CUT]


def cause_key(process_key: str, version: int, element_id: str | None, message: str | None) -> str:
    """The stable key of a cause: 16 hex characters of a SHA-256 over its parts."""
    parts = "\x1f".join([process_key, str(version), element_id or "", normalised_message(message)])
    return hashlib.sha256(parts.encode("utf-8")).hexdigest()[:16]


def ensure_may_see_incidents(user: User | None) -> None:
    """Process admins and auditors read incidents. Raises Forbidden."""
    if user is None or not sees_everything(user):
        raise Forbidden("Only process administrators and auditors may see incidents.")


@dataclass
class Incident:
    """One instance in error: where it failed, why, and the failing call."""

    instance_id: int
    business_key: str | None
    started_by: str | None
    started_at: datetime
    failed_at: datetime | None
    element_id: str | None
    message: str
    operation: str | None
    params: dict | None


@dataclass
class IncidentGroup:
    """Instances in error for one cause, oldest failure first."""

    key: str
    process_key: str
    process_name: str
    version: int
    element_id: str | None
    step_name: str | None
    pattern: str
    incidents: list[Incident] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.incidents)


def _failing_calls(instance_ids: list[int]) -> dict[int, AuditEvent]:
    """The last ``error`` event of each instance (it names the failing call since it carries ``call``)."""
    if not instance_ids:
        return {}
    latest = {}
    for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id.in_(instance_ids), AuditEvent.kind == "error").order_by(AuditEvent.seq)):
        latest[event.instance_id] = event
    return latest


def _recorded_call(instance: ProcessInstance) -> ServiceCall | None:
    """The service call recorded at the failing step, when one was (an
    error raised after the call answered: the diagram choked on its result)."""
    return db.session.scalar(select(ServiceCall).where(
        ServiceCall.instance_id == instance.id, ServiceCall.task_guid == instance.error_task_id)
        .order_by(ServiceCall.id.desc()).limit(1))


_names_cache: dict[str, dict[str, str]] = {}


def step_names(definition) -> dict[str, str]:
    """Element id -> name of a deployed version (cached per version: its XML never changes)."""
    names = _names_cache.get(definition.cache_key)
    if names is None:
        bpmn = (definition.files or {}).get(definition.bpmn_file) or ""
        names = element_names(bpmn, definition.bpmn_file or "diagram.bpmn") if bpmn else {}
        names.update({t.get("element_id"): t.get("name") for t in definition.user_tasks or [] if t.get("name")})
        _names_cache[definition.cache_key] = names
    return names


def incident_groups(user: User) -> list[IncidentGroup]:
    """Every instance in error, grouped by cause; the largest group first,
    then the oldest. Raises Forbidden (neither a process admin nor an auditor)."""
    ensure_may_see_incidents(user)
    instances = list(db.session.scalars(select(ProcessInstance).where(ProcessInstance.status == InstanceStatus.error)
                                        .order_by(ProcessInstance.id)))
    errors = _failing_calls([instance.id for instance in instances])
    groups: dict[str, IncidentGroup] = {}
    for instance in instances:
        definition = instance.definition
        key = cause_key(instance.process_key, definition.version, instance.error_element_id, instance.error_message)
        group = groups.get(key)
        if group is None:
            group = groups[key] = IncidentGroup(
                key, instance.process_key, definition.name, definition.version, instance.error_element_id,
                step_names(definition).get(instance.error_element_id or ""), normalised_message(instance.error_message))
        event = errors.get(instance.id)
        call = (event.data or {}).get("call") if event is not None else None
        if call is None:
            recorded = _recorded_call(instance)
            call = {"operation": recorded.operation, "params": recorded.params} if recorded is not None else {}
        group.incidents.append(Incident(
            instance.id, instance.business_key, instance.started_by.username if instance.started_by else None,
            instance.started_at, event.at if event is not None else None, instance.error_element_id,
            instance.error_message or "", call.get("operation"), call.get("params")))
    ordered = sorted(groups.values(), key=lambda g: (-g.count, min(i.failed_at or i.started_at for i in g.incidents)))
    for group in ordered:
        group.incidents.sort(key=lambda i: (i.failed_at or i.started_at, i.instance_id))
    return ordered


def group_by_key(user: User, key: str) -> IncidentGroup | None:
    """The group of instances in error with cause ``key`` now (None when no
    instance is in error for it). Raises Forbidden."""
    return next((group for group in incident_groups(user) if group.key == key), None)


@dataclass
class OverdueTask:
    task_id: int
    instance_id: int
    business_key: str | None
    assignee: str | None
    role: str | None
    due_at: datetime
    late_seconds: int


@dataclass
class OverdueStep:
    """READY human tasks of one step of one process past their due time, most late first."""

    process_key: str
    process_name: str
    element_id: str
    step_name: str
    tasks: list[OverdueTask] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.tasks)


def overdue_steps(user: User) -> list[OverdueStep]:
    """READY human tasks of running instances past their due time, grouped
    by process and step; the group with the oldest due time first. Raises
    Forbidden (neither a process admin nor an auditor)."""
    ensure_may_see_incidents(user)
    now = clock.now()
    rows = db.session.execute(
        select(HumanTask, ProcessInstance).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.status == TaskStatus.ready, HumanTask.due_at.is_not(None), HumanTask.due_at < now,
               ProcessInstance.status == InstanceStatus.running)
        .order_by(HumanTask.due_at, HumanTask.id))
    steps: dict[tuple[str, str], OverdueStep] = {}
    for task, instance in rows:
        step = steps.get((instance.process_key, task.element_id))
        if step is None:
            step = steps[(instance.process_key, task.element_id)] = OverdueStep(
                instance.process_key, instance.definition.name, task.element_id, task.name)
        assignee = db.session.get(User, task.assignee_id) if task.assignee_id else None
        step.tasks.append(OverdueTask(task.id, instance.id, instance.business_key,
                                      assignee.username if assignee else None, task.candidate_role, task.due_at,
                                      int((now - task.due_at).total_seconds())))
    return list(steps.values())  # rows came oldest due first, so the groups are in that order too
