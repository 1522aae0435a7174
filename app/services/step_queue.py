"""Who a process version's open tasks wait on (per candidate role and per
person holding them, with their age), and one step's visits with their
instances: the drill-down of the heatmap (process_analytics.py). Read from
StepVisit only. Every function checks the reader first (Forbidden)."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import InstanceSummary, Role, StepVisit, User
from app.services.process_analytics import OPEN, STEP_INSTANCES_LIMIT, definition_of
from app.services.report_access import require_analytics_reader
from app.services.step_visits import seconds_between


@dataclass
class WaitingOn:
    kind: str  # "role" or "person"
    code: str  # role code or username
    name_zh: str
    name_en: str
    open: int
    oldest_seconds: int


@dataclass
class StepInstance:
    instance_id: int
    business_key: str | None
    started_at: object
    visit: int
    status: str
    entered_at: object
    waiting_seconds: int | None  # completed: as recorded; open: its age so far
    working_seconds: int | None
    breached: bool
    role: str | None
    assignee: str | None  # display name


def role_titles(english: bool) -> dict[str, str]:
    """Role code → its English or Chinese name."""
    return {role.code: role.name_en if english else role.name_zh for role in db.session.scalars(select(Role))}


def waiting_on(reader: User, key: str, version) -> list[WaitingOn]:
    """The open tasks of a version grouped by who they wait on: the person
    holding them, else their candidate role; most open first. Raises
    Forbidden, ValidationFailed (``version``), NotFound."""
    require_analytics_reader(reader)
    definition = definition_of(key, version)
    now = clock.now()
    open_visits = (StepVisit.definition_id == definition.id, StepVisit.status == OPEN)  # the open visits' index
    result = []
    for user, count, oldest in db.session.execute(
            select(User, func.count(), func.min(StepVisit.entered_at)).join(User, User.id == StepVisit.assignee_id)
            .where(*open_visits).group_by(User)):
        result.append(WaitingOn("person", user.username, user.display_name, user.display_name, count,
                                seconds_between(oldest, now)))
    roles = {role.code: role for role in db.session.scalars(select(Role))}
    for code, count, oldest in db.session.execute(
            select(StepVisit.candidate_role, func.count(), func.min(StepVisit.entered_at))
            .where(*open_visits, StepVisit.assignee_id.is_(None)).group_by(StepVisit.candidate_role)):
        role = roles.get(code)
        result.append(WaitingOn("role", code or "", role.name_zh if role else (code or ""),
                                role.name_en if role else (code or ""), count, seconds_between(oldest, now)))
    return sorted(result, key=lambda w: (-w.open, -w.oldest_seconds, w.code))


def step_instances(reader: User, key: str, version, element_id: str) -> list[StepInstance]:
    """The visits of one step of a version, open ones first, then the
    longest waits; at most STEP_INSTANCES_LIMIT. Raises Forbidden,
    ValidationFailed (``version``), NotFound."""
    require_analytics_reader(reader)
    definition = definition_of(key, version)
    now = clock.now()
    query = (select(StepVisit, InstanceSummary.business_key, InstanceSummary.started_at, User.display_name)
             .join(InstanceSummary, InstanceSummary.instance_id == StepVisit.instance_id)
             .outerjoin(User, User.id == StepVisit.assignee_id)
             .where(StepVisit.definition_id == definition.id, StepVisit.element_id == element_id))
    # Three index ranges, each already (nearly) in the page's order, read
    # until the page is full: the open visits (the open visits' index), the
    # completed ones longest wait first, the cancelled ones.
    V = StepVisit  # noqa: N806
    parts = (((V.status == OPEN,), (V.entered_at, V.human_task_id)),
             ((V.status != OPEN, V.waiting_seconds.is_not(None)),
              (V.waiting_seconds.desc(), V.entered_at, V.human_task_id)),
             ((V.status != OPEN, V.waiting_seconds.is_(None)), (V.entered_at, V.human_task_id)))
    rows = []
    for where, order in parts:
        if len(rows) < STEP_INSTANCES_LIMIT:
            rows += db.session.execute(query.where(*where).order_by(*order)
                                       .limit(STEP_INSTANCES_LIMIT - len(rows))).all()
    result = []
    for visit, business_key, started_at, assignee in rows:
        waiting = visit.waiting_seconds
        if visit.status == "ready":
            waiting = seconds_between(visit.entered_at, visit.claimed_at or now)
        result.append(StepInstance(visit.instance_id, business_key, started_at, visit.visit, visit.status,
                                   visit.entered_at, waiting, visit.working_seconds,
                                   visit.breached or (visit.status == "ready" and visit.due_at is not None
                                                      and visit.due_at < now),
                                   visit.candidate_role, assignee))
    return result
