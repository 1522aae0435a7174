"""Read-only views for the web task list: the inbox and its counts, "my
requests", and what a task or instance page shows (the request's data, the
steps done so far, the timeline and the diagram marks).

Nothing here writes; the commands live in tasks.py and instances.py."""
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import clock
from app.errors import Forbidden
from app.extensions import db
from app.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, Role, TaskStatus, User
from app.services.attachments import referenced
from app.services.incidents import step_names
from app.services.queries import may_see_instance, task_api_ids, visible_instance
from app.services.segregation import refusal_for
from app.services.step_names import process_name, step_name
from app.services.task_view import Shown, shown_items, step_data
from app.services.acting import acting_as
from app.services.tasks import get_task
from app.services.work_list import BOXES, PAGE, Filters, WorkList  # noqa: F401  (BOXES: the web's box names)

MAX_REQUESTS = 200


@dataclass(frozen=True)
class InboxRow:
    task: HumanTask
    box: str  # mine | claimable | delegated
    on_behalf_of: User | None  # whose task it is when it came through a delegation
    overdue: bool


@dataclass
class Inbox:
    rows: list[InboxRow]
    counts: dict[str, int]
    processes: list[tuple[str, str]]  # (key, name) of the processes in the inbox
    roles: dict[str, tuple[str, str]]  # the reader's roles: code -> (Chinese name, English name)
    next_after: str | None = None  # cursor of the next page; None on the last


def task_counts(user: User) -> dict[str, int]:
    """How many READY tasks ``user`` may act on, per box, plus all and overdue."""
    return WorkList(user).counts()


def inbox_for(user: User, box: str = "all", q: str | None = None, process_key: str | None = None,
              overdue: bool = False, after: str | None = None, limit: int = PAGE) -> Inbox:
    """One page of the tasks ``user`` may act on, filtered by box (mine,
    claimable, delegated, all), a search text (business key, process, step,
    starter, #number), a process key and overdue-ness; overdue and soonest
    due first, then oldest; ``after`` is the cursor a previous page gave.
    Raises ValidationFailed (a cursor this list did not give out)."""
    work = WorkList(user)
    pairs, next_after = work.page(Filters(box, q or "", process_key, overdue), after, limit)
    now = clock.now()
    rows = []
    for task, task_box in pairs:
        principal = acting_as(user, task)[1] if task_box == "delegated" else None
        rows.append(InboxRow(task, task_box, principal, bool(task.due_at and task.due_at < now)))
    processes = sorted((key, process_name(definition)) for key, definition in work.processes())
    # a claimable task is offered for one of the reader's own roles: their names are at hand
    return Inbox(rows, work.counts(), processes, {role.code: (role.name_zh, role.name_en) for role in user.roles},
                 next_after)


@dataclass(frozen=True)
class StepDone:
    name: str
    element_id: str
    actor: str  # display name
    on_behalf_of: str | None
    at: object
    decision: str | None
    comment: str | None
    data: dict = field(default_factory=dict)  # display tree of what the step submitted (task_view.step_data)


@dataclass
class RequestRow:
    instance: ProcessInstance
    current_steps: list[str]
    started_by_me: bool


def _current_steps(instances: list[ProcessInstance]) -> dict[int, list[str]]:
    """Instance id -> the names of its ready steps, in the reader's language."""
    steps: dict[int, list[str]] = {}
    if instances:
        definitions = {i.id: i.definition for i in instances}
        rows = db.session.execute(select(HumanTask.instance_id, HumanTask.element_id, HumanTask.name).where(
            HumanTask.instance_id.in_(list(definitions)), HumanTask.status == TaskStatus.ready).order_by(HumanTask.id))
        for instance_id, element_id, name in rows:
            steps.setdefault(instance_id, []).append(step_name(definitions[instance_id], element_id, name))
    return steps


def my_requests(user: User, status: str | None = None, q: str | None = None) -> list[RequestRow]:
    """Instances ``user`` started or acted in (claimed, delegated, completed
    a step), newest first, with their current steps. ``status`` is an
    InstanceStatus name (others are ignored); ``q`` searches the business
    key, the process name and the instance number."""
    acted = select(AuditEvent.instance_id).where(
        AuditEvent.instance_id.is_not(None), AuditEvent.actor.is_not(None),
        or_(AuditEvent.actor == user.username, AuditEvent.on_behalf_of == user.username))
    query = (select(ProcessInstance).where(or_(ProcessInstance.started_by_id == user.id, ProcessInstance.id.in_(acted)))
             .options(selectinload(ProcessInstance.started_by)).order_by(ProcessInstance.id.desc()))
    if status in InstanceStatus.__members__:
        query = query.where(ProcessInstance.status == InstanceStatus[status])
    instances = list(db.session.scalars(query.limit(MAX_REQUESTS)))
    needle = (q or "").strip().lower().lstrip("#")
    if needle:
        instances = [i for i in instances if needle in (i.business_key or "").lower()
                     or needle in i.definition.name.lower() or needle in (i.definition.name_en or "").lower()
                 or needle in i.process_key or needle == str(i.id)]
    steps = _current_steps(instances)
    return [RequestRow(i, steps.get(i.id, []), i.started_by_id == user.id) for i in instances]


def _events(instance: ProcessInstance) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.chain == f"instance:{instance.id}")
                                   .order_by(AuditEvent.seq)))


def _display_names(usernames: set[str]) -> dict[str, str]:
    names = {u for u in usernames if u}
    if not names:
        return {}
    return dict(db.session.execute(select(User.username, User.display_name).where(User.username.in_(names))).all())


def _steps_done(instance: ProcessInstance, events: list[AuditEvent], names: dict[str, str],
                locale: str | None = None) -> list[StepDone]:
    tasks = {t["element_id"]: t for t in instance.definition.user_tasks or []}
    task_names = {element: t.get("name") or element for element, t in tasks.items()}
    steps = []
    for event in events:
        if event.kind != "task_completed":
            continue
        data = event.data or {}
        steps.append(StepDone(task_names.get(event.element_id, event.element_id), event.element_id,
                              names.get(event.actor, event.actor), names.get(event.on_behalf_of) if event.on_behalf_of else None,
                              event.at, data.get("decision"), data.get("comment") or data.get("resolution_note"),
                              step_data(instance, (tasks.get(event.element_id) or {}).get("form"), data, locale)))
    return steps


def _request_data(instance: ProcessInstance) -> dict:
    """The request as its requester described it: the start form's fields,
    with the values they have now (a revision may have changed them)."""
    schema = instance.definition.form_schema(instance.definition.start_form) or {}
    data = instance.data or {}
    return {key: data[key] for key in (schema.get("properties") or {}) if key in data}


def _diagram_marks(instance: ProcessInstance, events: list[AuditEvent], ready: list[HumanTask]) -> dict:
    """Element ids for the diagram: ``arrivals`` in order (repeats kept, so a
    loop shows), ``done`` and ``active`` (the READY human tasks), ``failed``."""
    arrivals, done = [], []
    for event in events:
        if event.element_id and event.kind in ("task_ready", "service_call"):
            arrivals.append(event.element_id)
        if event.element_id and event.kind in ("task_completed", "service_call"):
            done.append(event.element_id)
    return {"arrivals": arrivals, "done": sorted(set(done)), "active": sorted({t.element_id for t in ready}),
            "failed": [instance.error_element_id] if instance.status == InstanceStatus.error and instance.error_element_id else [],
            "ended": instance.status == InstanceStatus.completed}


@dataclass
class InstancePage:
    instance: ProcessInstance
    request_data: dict
    start_schema: dict | None
    steps: list[StepDone]
    ready: list[HumanTask]
    events: list[AuditEvent]
    names: dict[str, str]
    marks: dict = field(default_factory=dict)
    task_api_ids: dict = field(default_factory=dict)  # event seq -> HumanTask.id the event concerns
    step_names: dict = field(default_factory=dict)  # element id -> its name in the diagram (steps the engine took too)
    roles: dict = field(default_factory=dict)  # role code -> (Chinese name, English name)


def _ready_tasks(instance: ProcessInstance) -> list[HumanTask]:
    return list(db.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.ready).order_by(HumanTask.id)))


def _page(instance: ProcessInstance, locale: str | None = None) -> InstancePage:
    events = _events(instance)
    names = _display_names({e.actor for e in events} | {e.on_behalf_of for e in events}
                           | {(e.data or {}).get("to") for e in events if e.kind == "task_delegated"}
                           | {(e.data or {}).get("assignee") for e in events if e.kind == "task_ready"})
    ready = _ready_tasks(instance)
    return InstancePage(instance, _request_data(instance), instance.definition.form_schema(instance.definition.start_form),
                        _steps_done(instance, events, names, locale), ready, events, names,
                        _diagram_marks(instance, events, ready), task_api_ids(instance.id, events),
                        step_names(instance.definition), role_names())


def instance_page(instance_id: int, user: User, locale: str | None = None) -> InstancePage:
    """Everything the instance page shows. Raises NotFound, Forbidden."""
    return _page(visible_instance(instance_id, user), locale)


@dataclass
class TaskPage:
    task: HumanTask
    may_act: bool
    on_behalf_of: User | None
    about: InstancePage
    shows: list[Shown] = field(default_factory=list)  # what the diagram says the performer reads first
    barred_because: str | None = None  # segregation of duties bars this user: requester, approver or maker


def _task_for(task_id: int, user: User) -> tuple[HumanTask, bool, User | None]:
    """The task, whether ``user`` may act on it and for whom. Raises
    NotFound, Forbidden (neither a performer nor someone who may see the
    instance)."""
    task = get_task(task_id)
    allowed, principal = acting_as(user, task) if task.status == TaskStatus.ready else (False, None)
    if not allowed and not may_see_instance(user, task.instance):
        raise Forbidden(f"You may not see task {task_id}.")
    return task, allowed, principal


def task_to_submit(task_id: int, user: User) -> HumanTask:
    """The task ``user`` submits a form to, checked as its page is but with
    no page built: completing it decides the rest, and only a refused
    submission shows the page again. Raises NotFound, Forbidden."""
    return _task_for(task_id, user)[0]


def task_page(task_id: int, user: User, locale: str | None = None) -> TaskPage:
    """A task with its request's data and history, and whether ``user`` may
    complete it now. Raises NotFound, Forbidden (neither a performer nor
    someone who may see the instance)."""
    task, allowed, principal = _task_for(task_id, user)
    barred = refusal_for(task, user, principal) if allowed else None
    return TaskPage(task, allowed and barred is None, principal, _page(task.instance, locale), shown_items(task, locale),
                    barred.details["reason"] if barred else None)


def instance_attachment(instance_id: int, user: User, sha256: str) -> dict | None:
    """The reference of a file this instance's data holds now, or that one of
    its steps submitted (a revision may have replaced it since), or None.
    Raises NotFound, Forbidden (not someone who may see the instance)."""
    instance = visible_instance(instance_id, user)
    found = referenced(instance.data or {}, sha256)
    if found is None:
        submitted = db.session.scalars(select(AuditEvent.data).where(
            AuditEvent.chain == f"instance:{instance.id}", AuditEvent.kind.in_(("instance_started", "task_completed"))))
        found = next((ref for ref in (referenced(data or {}, sha256) for data in submitted) if ref), None)
    return found


def role_names() -> dict[str, tuple[str, str]]:
    """Role code -> (Chinese name, English name)."""
    return {role.code: (role.name_zh, role.name_en) for role in db.session.scalars(select(Role))}
