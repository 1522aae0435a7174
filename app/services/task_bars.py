"""The task_bar rows of a request: for each READY approval task, who
segregation of duties bars from it (segregation.barred_for_tasks decides).
Every command on the request calls ``refresh_bars`` once its changes are
flushed: a step that opens, a parallel step completed beside it, a request
that ends. The work list reads the rows; a row out of date could only offer
a task that the command then refuses, never let anyone act."""
from sqlalchemy import delete, select, tuple_

from app.extensions import db
from app.models import ProcessInstance, TaskBar, TaskStatus
from app.services import task_rows
from app.services.segregation import barred_for_tasks


def _has_approvals(instance: ProcessInstance) -> bool:
    # a definition stored before user_tasks said which steps approve: count it as having some
    return any(task.get("approval", True) for task in instance.definition.user_tasks or ())


def refresh_bars(instance: ProcessInstance) -> None:
    """Bring ``instance``'s task_bar rows in line with its READY approvals.
    No statement at all for a process without approval steps."""
    if not _has_approvals(instance):
        return
    rows = task_rows.rows_of(instance)
    ready = [task for task in rows if task.status == TaskStatus.ready and task.is_approval]
    if not ready:
        db.session.execute(delete(TaskBar).where(TaskBar.instance_id == instance.id)
                           .execution_options(synchronize_session=False))
        return
    completed = [task for task in rows if task.status == TaskStatus.completed]
    wanted = {(task_id, person): reason for task_id, barred in barred_for_tasks(ready, completed).items()
              for person, reason in barred.items() if person is not None}
    held = {(task_id, person) for task_id, person in db.session.execute(
        select(TaskBar.task_id, TaskBar.user_id).where(TaskBar.instance_id == instance.id))}
    stale = held - wanted.keys()
    if stale:
        db.session.execute(delete(TaskBar).where(tuple_(TaskBar.task_id, TaskBar.user_id).in_(sorted(stale)))
                           .execution_options(synchronize_session=False))
    new = sorted(wanted.keys() - held)
    if new:
        db.session.execute(TaskBar.__table__.insert(), [
            {"task_id": task_id, "user_id": person, "instance_id": instance.id, "reason": wanted[(task_id, person)]}
            for task_id, person in new])
