"""Where the process loses time: per process version, how many instances
passed each user task, how long they waited and were worked on, the due
times missed and the visits that were rework; cycle time per month; who
the open tasks wait on; a step's instances. Read from the summary tables
kept current by the commands (StepVisit, InstanceSummary), never from
engine state. Every function checks the reader first (Forbidden)."""
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select

from app import clock
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import InstanceSummary, ProcessDefinition, StepVisit, User
from app.services.percentiles import grouped_percentiles, nearest_rank, seconds_between_columns
from app.services.report_access import require_analytics_reader

STEP_INSTANCES_LIMIT = 200
COMPLETED = "completed"


@dataclass
class StepFigures:
    element_id: str
    name: str
    name_en: str | None
    lane: str | None
    passed: int = 0  # instances that reached the step
    visits: int = 0
    completed: int = 0
    open: int = 0
    rework: int = 0  # visits after the first in the same instance
    breached: int = 0  # completed late, or still open past the due time
    waiting: tuple = (None, None)  # p50, p90 seconds
    working: tuple = (None, None)


@dataclass
class VersionFigures:
    definition: ProcessDefinition
    steps: list[StepFigures] = field(default_factory=list)

    def step(self, element_id: str) -> StepFigures | None:
        return next((s for s in self.steps if s.element_id == element_id), None)


def definition_of(key: str, version) -> ProcessDefinition:
    """The deployed version ``version`` of process ``key``. Raises
    ValidationFailed naming ``version`` (not a whole number), NotFound."""
    try:
        number = int(version)
    except (TypeError, ValueError):
        number = None
    if number is None or not 0 < number < 2 ** 31:
        raise ValidationFailed.for_fields({"version": ["Use a version number such as 1."]})
    definition = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key,
                                                                   ProcessDefinition.version == number))
    if definition is None:
        raise NotFound(f"No version {number} of process {key!r} is deployed.")
    return definition


def processes(reader: User) -> list[dict]:
    """Every deployed version, newest process first: its instances (all,
    completed) and its cycle time p50/p90 in seconds over completed ones."""
    require_analytics_reader(reader)
    cycle = seconds_between_columns(InstanceSummary.started_at, InstanceSummary.ended_at)
    done = InstanceSummary.status == COMPLETED
    counts = {row.definition_id: row for row in db.session.execute(
        select(InstanceSummary.definition_id, func.count().label("instances"),
               func.count(case((done, 1))).label("completed")).group_by(InstanceSummary.definition_id))}
    cycles = grouped_percentiles(InstanceSummary.definition_id, cycle, done)
    result = []
    for definition in db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                           ProcessDefinition.version.desc())):
        row = counts.get(definition.id)
        result.append({"definition": definition, "instances": row.instances if row else 0,
                       "completed": row.completed if row else 0,
                       "cycle": cycles.get(definition.id, (None, None))})
    return result


def version_steps(reader: User, key: str, version) -> VersionFigures:
    """The heatmap's figures of one version, a row per user task of its
    diagram (steps nobody reached yet show zeros). Raises Forbidden,
    ValidationFailed (``version``), NotFound."""
    require_analytics_reader(reader)
    definition = definition_of(key, version)
    figures = VersionFigures(definition, [StepFigures(t["element_id"], t.get("name") or t["element_id"],
                                                      t.get("name_en"), t.get("lane"))
                                          for t in definition.user_tasks or ()])
    mine = StepVisit.definition_id == definition.id
    now = clock.now()
    late = case((StepVisit.breached.is_(True), 1),
                (and_(StepVisit.status == "ready", StepVisit.due_at < now), 1))
    counts = db.session.execute(select(
        StepVisit.element_id, func.count(func.distinct(StepVisit.instance_id)), func.count(),
        func.count(case((StepVisit.status == COMPLETED, 1))), func.count(case((StepVisit.status == "ready", 1))),
        func.count(case((StepVisit.visit > 1, 1))), func.count(late)).where(mine).group_by(StepVisit.element_id))
    waiting = grouped_percentiles(StepVisit.element_id, StepVisit.waiting_seconds, mine)
    working = grouped_percentiles(StepVisit.element_id, StepVisit.working_seconds, mine)
    for element_id, passed, visits, completed, open_, rework, breached in counts:
        step = figures.step(element_id)
        if step is None:  # a task the version's list does not name (kept rather than hidden)
            step = StepFigures(element_id, element_id, None, None)
            figures.steps.append(step)
        step.passed, step.visits, step.completed, step.open = passed, visits, completed, open_
        step.rework, step.breached = rework, breached
        step.waiting = waiting.get(element_id, (None, None))
        step.working = working.get(element_id, (None, None))
    return figures


def cycle_by_month(reader: User, key: str) -> list[dict]:
    """Per month an instance of process ``key`` (any version) completed in,
    by the business calendar: how many, and the cycle time p50/p90 in
    seconds (start → end). Oldest month first. Raises Forbidden."""
    require_analytics_reader(reader)
    zone = clock.business_timezone()
    rows = db.session.execute(select(InstanceSummary.started_at, InstanceSummary.ended_at).where(
        InstanceSummary.process_key == key, InstanceSummary.status == COMPLETED,
        InstanceSummary.ended_at.is_not(None)).order_by(InstanceSummary.ended_at))
    months: dict[str, list[int]] = {}
    for started, ended in rows:
        months.setdefault(ended.astimezone(zone).strftime("%Y-%m"), []).append(
            max(0, int((ended - started).total_seconds())))
    return [{"month": month, "instances": len(values),
             "p50": nearest_rank(sorted(values), 0.5), "p90": nearest_rank(sorted(values), 0.9)}
            for month, values in sorted(months.items())]
