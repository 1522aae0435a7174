"""Read-side queries: who may see which instance, paginated instance lists,
an instance's history, and the master-data lookups forms reference.

Nothing here writes; the commands live in instances.py and tasks.py."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm.util import identity_key

from app.errors import Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HumanTask, InstanceStatus, ProcessInstance, Region, Role, User
from app.services.accounts import find_user
from app.services.instances import get_instance
from app.services.permissions import READ_ONLY_ROLE
from app.services import task_rows
from app.services.tasks import get_task
from app.services.work_list import WorkList

# Roles that see every instance; auditors see but never change anything.
SEE_ALL_ROLES = ("auditor", "process_admin")
MAX_PER_PAGE = 100
LOOKUP_LIMIT = 20


def sees_everything(user: User) -> bool:
    return any(user.has_role(code) for code in SEE_ALL_ROLES)


def is_read_only(user: User) -> bool:
    """True for auditors: they read everything and change nothing."""
    return user.has_role(READ_ONLY_ROLE)


def _visible_condition(user: User):
    """SQL condition on ProcessInstance: started it, acted in it (any event of
    its audit chain names them as actor or principal), holds or did one of
    its tasks, or may act on one of its READY tasks now (roles, delegations).
    Each is asked of the instance's own rows (EXISTS by instance id, indexed),
    never as a list of every request the person ever touched."""
    acted = select(AuditEvent.id).where(
        AuditEvent.instance_id == ProcessInstance.id,
        or_(AuditEvent.actor == user.username, AuditEvent.on_behalf_of == user.username))
    held = select(HumanTask.id).where(HumanTask.instance_id == ProcessInstance.id, or_(
        HumanTask.assignee_id == user.id, HumanTask.completed_by_id == user.id, HumanTask.on_behalf_of_id == user.id))
    # the work list applies delegations and role candidacy exactly as the commands do
    actionable = select(HumanTask.id).where(HumanTask.instance_id == ProcessInstance.id, WorkList(user).where)
    return or_(ProcessInstance.started_by_id == user.id, acted.exists(), held.exists(), actionable.exists())


def may_see_instance(user: User, instance: ProcessInstance) -> bool:
    if sees_everything(user) or instance.started_by_id == user.id:
        return True
    return db.session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.id == instance.id, _visible_condition(user))) is not None


def visible_instance_ids(user: User, instance_ids) -> set[int]:
    """Those of ``instance_ids`` that exist and ``user`` may see, in one query."""
    wanted = {i for i in instance_ids if i}
    if not wanted:
        return set()
    query = select(ProcessInstance.id).where(ProcessInstance.id.in_(wanted))
    if not sees_everything(user):
        query = query.where(_visible_condition(user))
    return set(db.session.scalars(query))


def visible_instance(instance_id: int, user: User) -> ProcessInstance:
    """The instance if ``user`` may see it. Raises NotFound (no such id),
    Forbidden (it exists but is not theirs to see)."""
    instance = get_instance(instance_id)
    if not may_see_instance(user, instance):
        raise Forbidden(f"You may not see process instance {instance_id}.")
    return instance


def visible_task(task_id: int, user: User) -> HumanTask:
    """A task (READY or not) if ``user`` may see its instance. Raises
    NotFound, Forbidden."""
    task = get_task(task_id)
    if not may_see_instance(user, task.instance):
        raise Forbidden(f"You may not see task {task_id}.")
    return task


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    per_page: int
    total: int


def visible_instances(user: User, *, process_key: str | None = None, status: str | None = None,
                      started_by: str | None = None, business_key: str | None = None,
                      page: int = 1, per_page: int = 20) -> Page:
    """One page of the instances ``user`` may see, newest first, filtered.
    ``started_by`` is a username or ``"me"``; an unknown username matches
    nothing. Raises ValidationFailed for an unknown status."""
    page, per_page = max(page, 1), min(max(per_page, 1), MAX_PER_PAGE)
    query = select(ProcessInstance)
    if not sees_everything(user):
        query = query.where(_visible_condition(user))
    if process_key is not None:
        query = query.where(ProcessInstance.process_key == process_key)
    if status is not None:
        if status not in InstanceStatus.__members__:
            raise ValidationFailed.for_fields({"status": [f"No instance status {status!r}."]})
        query = query.where(ProcessInstance.status == InstanceStatus[status])
    if business_key is not None:
        query = query.where(ProcessInstance.business_key == business_key)
    if started_by is not None:
        starter = user if started_by == "me" else find_user(started_by)
        query = query.where(ProcessInstance.started_by_id == (starter.id if starter else None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(ProcessInstance.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return Page(list(rows), page, per_page, total)


def usernames(user_ids) -> dict[int, str]:
    """User id → username for ``user_ids`` (Nones skipped): those the
    session has loaded already, the rest in one query that loads neither the
    people nor their roles."""
    found, wanted = {}, set()
    for user_id in user_ids:
        if user_id is None or user_id in found:
            continue
        person = db.session.identity_map.get(identity_key(User, user_id))
        if person is not None and "username" in person.__dict__:
            found[user_id] = person.username
        else:
            wanted.add(user_id)
    if wanted:
        found.update(db.session.execute(select(User.id, User.username).where(User.id.in_(wanted))).all())
    return found


def instance_tasks(instance: ProcessInstance) -> list[HumanTask]:
    """Every human task the instance has had, oldest first (as the command
    that just ran on it left them, if one did: task_rows.py)."""
    return task_rows.every_row_of(instance)


def instance_history(instance_id: int, user: User) -> list[AuditEvent]:
    """The audit chain of an instance ``user`` may see, in order. Raises
    NotFound, Forbidden."""
    instance = visible_instance(instance_id, user)
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.chain == f"instance:{instance.id}")
                                   .order_by(AuditEvent.seq)))


def task_api_ids(instance_id: int, events: list[AuditEvent]) -> dict[int, int]:
    """Event seq -> the API id (HumanTask.id) of the human task the event
    concerns, for events whose engine task GUID names one. Read here, never
    written into the (hashed) events. A GUID opened twice (a task made ready
    again) is followed in order: each ``task_ready`` moves to its next row."""
    rows: dict[str, list[int]] = {}
    for guid, task_id in db.session.execute(select(HumanTask.task_guid, HumanTask.id).where(
            HumanTask.instance_id == instance_id).order_by(HumanTask.id)):
        rows.setdefault(guid, []).append(task_id)
    opened: dict[str, int] = {}
    found = {}
    for event in events:
        ids = rows.get(event.task_id) if event.task_id else None
        if not ids:
            continue
        if event.kind == "task_ready":
            opened[event.task_id] = min(opened.get(event.task_id, -1) + 1, len(ids) - 1)
        found[event.seq] = ids[max(opened.get(event.task_id, 0), 0)]
    return found


# Master-data lookups: ref -> function(q, limit) -> [{"value", "label"}].
# The ledger's customers and materials register theirs in app/services/ledger_queries.py.
LOOKUPS: dict = {}


def lookup(ref: str):
    def register(func):
        LOOKUPS[ref] = func
        return func
    return register


def _matches(q: str | None):
    needle = (q or "").strip().lower()
    return lambda *texts: not needle or any(needle in (text or "").lower() for text in texts)


def _like(q: str | None) -> str:
    escaped = (q or "").strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@lookup("user")
def _users(q: str | None, limit: int) -> list[dict]:
    pattern = _like(q)
    rows = db.session.scalars(select(User).where(
        User.active.is_(True),
        or_(func.lower(User.username).like(pattern, escape="\\"), func.lower(User.display_name).like(pattern, escape="\\")))
        .order_by(User.username).limit(limit))
    return [{"value": user.username, "label": f"{user.display_name} ({user.username})", "name": user.display_name}
            for user in rows]


@lookup("role")
def _roles(q: str | None, limit: int) -> list[dict]:
    matches = _matches(q)
    rows = db.session.scalars(select(Role).order_by(Role.code))
    return [{"value": role.code, "label": f"{role.name_zh} ({role.name_en})"}
            for role in rows if matches(role.code, role.name_zh, role.name_en)][:limit]


@lookup("region")
def _regions(q: str | None, limit: int) -> list[dict]:
    matches = _matches(q)
    known = db.session.scalars(select(Region.name).order_by(Region.position, Region.id))
    extra = db.session.scalars(select(User.region).distinct().where(User.region.is_not(None)).order_by(User.region))
    names = list(dict.fromkeys([*known, *extra]))
    return [{"value": name, "label": name} for name in names if matches(name)][:limit]


def lookup_values(ref: str, q: str | None = None, limit: int = LOOKUP_LIMIT) -> list[dict]:
    """Up to ``limit`` ``{"value", "label"}`` pairs of master data ``ref``
    whose value or label contains ``q`` (case-insensitive); all but roles,
    regions and order lines also carry ``name`` (a material's with its spec,
    a person's display name), which a page shows beside the code it fills in.
    Raises NotFound (code unknown_lookup) for a ref nobody registered."""
    if ref not in LOOKUPS:
        raise NotFound(f"No lookup {ref!r}; known: {', '.join(sorted(LOOKUPS))}.", code="unknown_lookup")
    return LOOKUPS[ref](q, limit)
