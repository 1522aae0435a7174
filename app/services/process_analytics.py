"""Where the process loses time: per process version, how many instances
passed each user task, how long they waited and were worked on, the due
times missed and the visits that were rework; cycle time per month; who
the open tasks wait on; a step's instances. Read from the summary tables
kept current by the commands (StepCount, StepDuration, CycleDuration, the
open StepVisit rows, InstanceSummary), never from engine state. Every function checks the reader first (Forbidden)."""
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from app import clock
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import CycleDuration, InstanceSummary, ProcessDefinition, StepCount, StepDuration, StepVisit, User
from app.services.step_summaries import histogram_percentiles
from app.services.report_access import require_analytics_reader

STEP_INSTANCES_LIMIT = 200
COMPLETED = "completed"
OPEN = "ready"


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
    completed) and its cycle time p50/p90 in seconds over completed ones
    (at the precision of step_summaries.bucket)."""
    require_analytics_reader(reader)
    counts = {row.definition_id: row for row in db.session.execute(
        select(InstanceSummary.definition_id, func.count().label("instances"),
               func.count(case((InstanceSummary.status == COMPLETED, 1))).label("completed"))
        .group_by(InstanceSummary.definition_id))}
    cycles: dict[int, dict] = {}
    for definition_id, bucket, count in db.session.execute(
            select(CycleDuration.definition_id, CycleDuration.bucket, func.sum(CycleDuration.count))
            .group_by(CycleDuration.definition_id, CycleDuration.bucket)):
        cycles.setdefault(definition_id, {})[bucket] = count
    result = []
    for definition in db.session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.key,
                                                                           ProcessDefinition.version.desc())):
        row = counts.get(definition.id)
        result.append({"definition": definition, "instances": row.instances if row else 0,
                       "completed": row.completed if row else 0,
                       "cycle": histogram_percentiles(cycles.get(definition.id, {}).items())})
    return result


def version_steps(reader: User, key: str, version) -> VersionFigures:
    """The heatmap's figures of one version, a row per user task of its
    diagram (steps nobody reached yet show zeros); waiting and working
    p50/p90 at the precision of step_summaries.bucket. Read from the summary
    rows and the open visits' index. Raises Forbidden, ValidationFailed
    (``version``), NotFound."""
    require_analytics_reader(reader)
    definition = definition_of(key, version)
    figures = VersionFigures(definition, [StepFigures(t["element_id"], t.get("name") or t["element_id"],
                                                      t.get("name_en"), t.get("lane"))
                                          for t in definition.user_tasks or ()])

    def step(element_id: str) -> StepFigures:
        found = figures.step(element_id)
        if found is None:  # a task the version's list does not name (kept rather than hidden)
            found = StepFigures(element_id, element_id, None, None)
            figures.steps.append(found)
        return found

    for row in db.session.scalars(select(StepCount).where(StepCount.definition_id == definition.id)
                                  .order_by(StepCount.element_id)):
        figures_of = step(row.element_id)
        figures_of.passed, figures_of.visits, figures_of.rework = row.visits - row.rework, row.visits, row.rework
        figures_of.completed, figures_of.breached = row.completed, row.breached
    for element_id, open_, late in db.session.execute(
            select(StepVisit.element_id, func.count(), func.count(case((StepVisit.due_at < clock.now(), 1))))
            .where(StepVisit.definition_id == definition.id, StepVisit.status == OPEN)
            .group_by(StepVisit.element_id).order_by(StepVisit.element_id)):
        figures_of = step(element_id)
        figures_of.open, figures_of.breached = open_, figures_of.breached + late
    histograms: dict[tuple, list] = {}
    for element_id, measure, bucket, count in db.session.execute(
            select(StepDuration.element_id, StepDuration.measure, StepDuration.bucket, StepDuration.count)
            .where(StepDuration.definition_id == definition.id)):
        histograms.setdefault((element_id, measure), []).append((bucket, count))
    for (element_id, measure), counts in sorted(histograms.items()):
        setattr(step(element_id), measure, histogram_percentiles(counts))
    return figures


def cycle_by_month(reader: User, key: str) -> list[dict]:
    """Per month an instance of process ``key`` (any version) completed in,
    by the business calendar: how many, and the cycle time p50/p90 in
    seconds (start → end, at the precision of step_summaries.bucket). Oldest
    month first. Raises Forbidden."""
    require_analytics_reader(reader)
    months: dict[str, list] = {}
    for month, bucket, count in db.session.execute(
            select(CycleDuration.month, CycleDuration.bucket, func.sum(CycleDuration.count))
            .where(CycleDuration.process_key == key).group_by(CycleDuration.month, CycleDuration.bucket)):
        months.setdefault(month, []).append((bucket, count))
    result = []
    for month, counts in sorted(months.items()):
        p50, p90 = histogram_percentiles(counts)
        result.append({"month": month, "instances": sum(count for _, count in counts), "p50": p50, "p90": p90})
    return result
