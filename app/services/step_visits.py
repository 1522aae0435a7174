"""Keeps the process analytics' read model (StepVisit, one row per user
task visit) current inside the command that changed the task: every call of
``refresh_summary`` (the end of each instance command, a reassignment, an
error, a correction) and the claim, release and delegation of a task call
``refresh_step_visits``. The heatmap's counts and histograms
(step_summaries.py) change in the same call: a visit counts once when it
is entered and once when it is completed. Nothing here commits.

Only the instance's open visits and its ready tasks are read, so a step
costs the same however many visits the instance's history holds."""
import functools

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import HumanTask, ProcessInstance, StepVisit, TaskStatus
from app.services.step_summaries import SummaryChanges


def seconds_between(start, end) -> int | None:
    """Whole seconds from ``start`` to ``end``; None when either is unknown."""
    if start is None or end is None:
        return None
    return max(0, int((end - start).total_seconds()))


def visit_figures(status: str, entered_at, claimed_at, closed_at, due_at) -> dict:
    """The durations and the breach of a visit: waiting is entered → first
    claim (→ completion when nobody claimed it first), working is first
    claim → completion; both only for a completed visit. A completed visit
    breached when it was completed after its due time."""
    done = status == TaskStatus.completed.value
    return {
        "waiting_seconds": seconds_between(entered_at, claimed_at or closed_at) if done else None,
        "working_seconds": seconds_between(claimed_at, closed_at) if done else None,
        "breached": bool(done and due_at is not None and closed_at is not None and closed_at > due_at),
    }


def _apply(row: StepVisit, task: HumanTask) -> None:
    row.status = task.status.value
    row.candidate_role = task.candidate_role
    row.assignee_id = task.assignee_id
    row.due_at = task.due_at
    # The first claim stands: a release, a delegation or a reassignment later
    # is work already begun, not more waiting.
    row.claimed_at = row.claimed_at or task.claimed_at
    row.closed_at = task.completed_at if task.status != TaskStatus.ready else None
    for name, value in visit_figures(row.status, row.entered_at, row.claimed_at, row.closed_at, row.due_at).items():
        setattr(row, name, value)


@functools.cache
def _tasks_with_visits():
    """The one read of ``refresh_step_visits``, built once (building it, with
    its aliased count, cost more than running it): the instance's ready
    tasks and those whose visit is still open, each with its visit row, if
    any, and the count of its step's visits so far."""
    instance_id = bindparam("instance_id")
    open_visits = select(StepVisit.human_task_id).where(StepVisit.instance_id == instance_id,
                                                        StepVisit.status == TaskStatus.ready.value)
    earlier = aliased(StepVisit)
    visits_so_far = (select(func.count()).select_from(earlier)
                     .where(earlier.instance_id == instance_id, earlier.element_id == HumanTask.element_id)
                     .correlate(HumanTask).scalar_subquery())
    return (select(HumanTask, StepVisit, visits_so_far)
            .outerjoin(StepVisit, StepVisit.human_task_id == HumanTask.id)
            .where(HumanTask.instance_id == instance_id,
                   or_(HumanTask.status == TaskStatus.ready, HumanTask.id.in_(open_visits)))
            .order_by(HumanTask.id))


def refresh_step_visits(instance: ProcessInstance) -> None:
    """Bring the visits of ``instance``'s ready tasks, and of the tasks that
    were open until this command, up to date; a task seen for the first time
    gets its visit number (one more than the step's earlier visits in the
    instance). One read: each task with its visit row, if any, and the count
    of its step's visits so far. Raises nothing of its own; flushes nothing."""
    rows = db.session.execute(_tasks_with_visits(), {"instance_id": instance.id}).all()
    if not rows:
        return
    added: dict[str, int] = {}
    changes = SummaryChanges()
    with db.session.no_autoflush:  # the visits added here are counted in ``added``, not read back
        for task, row, so_far in rows:
            _refresh_one(instance, task, row, so_far, added, changes)
    changes.write()


def _refresh_one(instance: ProcessInstance, task: HumanTask, row: StepVisit | None, so_far: int,
                 added: dict[str, int], changes: SummaryChanges) -> None:
    was_completed = row is not None and row.status == TaskStatus.completed.value
    if row is None:
        added[task.element_id] = added.get(task.element_id, 0) + 1
        row = StepVisit(human_task_id=task.id, instance_id=instance.id, definition_id=instance.definition_id,
                        process_key=instance.process_key, element_id=task.element_id,
                        visit=so_far + added[task.element_id], entered_at=task.created_at)
        db.session.add(row)
        changes.entered(row.definition_id, row.element_id, row.visit)
    _apply(row, task)
    if row.status == TaskStatus.completed.value and not was_completed:
        changes.completed(row.definition_id, row.element_id, row.breached,
                          {"waiting": row.waiting_seconds, "working": row.working_seconds})
