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
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import HumanTask, ProcessInstance, StepVisit, TaskStatus
from app.services.percentiles import on_postgresql
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


# What a visit copies from its task, and what it works out from them.
_COPIED = ("status", "candidate_role", "assignee_id", "due_at", "claimed_at", "closed_at")
_FIGURES = ("waiting_seconds", "working_seconds", "breached")


def _visit_now(task, visit: dict) -> dict:
    """The visit's columns as the task now stands: ``visit`` holds its
    stored ones (``entered_at``, the first ``claimed_at``)."""
    status = task.status.value if isinstance(task.status, TaskStatus) else task.status
    # The first claim stands: a release, a delegation or a reassignment later
    # is work already begun, not more waiting.
    claimed_at = visit.get("claimed_at") or task.claimed_at
    closed_at = task.completed_at if status != TaskStatus.ready.value else None
    return {"status": status, "candidate_role": task.candidate_role, "assignee_id": task.assignee_id,
            "due_at": task.due_at, "claimed_at": claimed_at, "closed_at": closed_at,
            **visit_figures(status, visit["entered_at"], claimed_at, closed_at, task.due_at)}


@functools.cache
def _tasks_with_visits():
    """The one read of ``refresh_step_visits``, built once (building it, with
    its aliased count, cost more than running it): the instance's ready
    tasks and those whose visit is still open, each with its visit's stored
    columns, if any, and the count of its step's visits so far. Columns,
    not entities: nothing here needs the ORM to track them."""
    instance_id = bindparam("instance_id")
    open_visits = select(StepVisit.human_task_id).where(StepVisit.instance_id == instance_id,
                                                        StepVisit.status == TaskStatus.ready.value)
    earlier = aliased(StepVisit)
    visits_so_far = (select(func.count()).select_from(earlier)
                     .where(earlier.instance_id == instance_id, earlier.element_id == HumanTask.element_id)
                     .correlate(HumanTask).scalar_subquery())
    return (select(HumanTask.id, HumanTask.element_id, HumanTask.status, HumanTask.candidate_role,
                   HumanTask.assignee_id, HumanTask.due_at, HumanTask.claimed_at, HumanTask.completed_at,
                   HumanTask.created_at, StepVisit.human_task_id.label("visit_task_id"),
                   StepVisit.entered_at.label("visit_entered_at"), StepVisit.visit.label("visit_number"),
                   *(getattr(StepVisit, name).label(f"visit_{name}") for name in (*_COPIED, *_FIGURES)),
                   visits_so_far.label("so_far"))
            .outerjoin(StepVisit, StepVisit.human_task_id == HumanTask.id)
            .where(HumanTask.instance_id == instance_id,
                   or_(HumanTask.status == TaskStatus.ready, HumanTask.id.in_(open_visits)))
            .order_by(HumanTask.id))


@functools.lru_cache(maxsize=2)
def _write_visits(postgres: bool):
    """Insert new visits and update the changed ones in one statement: an
    existing visit (same task) takes the new copied columns and figures and
    keeps its number and entry time."""
    table = StepVisit.__table__
    statement = (postgresql.insert if postgres else sqlite.insert)(table)
    return statement.on_conflict_do_update(index_elements=["human_task_id"],
                                           set_={name: statement.excluded[name] for name in (*_COPIED, *_FIGURES)})


def refresh_step_visits(instance: ProcessInstance) -> None:
    """Bring the visits of ``instance``'s ready tasks, and of the tasks that
    were open until this command, up to date; a task seen for the first time
    gets its visit number (one more than the step's earlier visits in the
    instance). One read: each task with its visit row, if any, and the count
    of its step's visits so far; then one insert and one update, written
    through Core on the session's connection (the ORM tracks no visit rows).
    Raises nothing of its own."""
    rows = db.session.execute(_tasks_with_visits(), {"instance_id": instance.id}).all()
    if not rows:
        return
    added: dict[str, int] = {}
    changes = SummaryChanges()
    written = []
    for task in rows:
        visit = {"human_task_id": task.id, "instance_id": instance.id, "definition_id": instance.definition_id,
                 "process_key": instance.process_key, "element_id": task.element_id}
        if task.visit_task_id is None:
            added[task.element_id] = added.get(task.element_id, 0) + 1
            visit.update(visit=task.so_far + added[task.element_id], entered_at=task.created_at)
            now = _visit_now(task, visit)
            changes.entered(instance.definition_id, task.element_id, visit["visit"])
            was_completed = False
        else:
            visit.update(visit=task.visit_number, entered_at=task.visit_entered_at)
            now = _visit_now(task, {"entered_at": task.visit_entered_at, "claimed_at": task.visit_claimed_at})
            if all(now[name] == getattr(task, f"visit_{name}") for name in now):
                now = None  # unchanged: not written
            was_completed = task.visit_status == TaskStatus.completed.value
        if now is not None:
            written.append({**visit, **now})
            if now["status"] == TaskStatus.completed.value and not was_completed:
                changes.completed(instance.definition_id, task.element_id, now["breached"],
                                  {"waiting": now["waiting_seconds"], "working": now["working_seconds"]})
    if written:
        db.session.connection().execute(_write_visits(on_postgresql()), written)
    changes.write()
