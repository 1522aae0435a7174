"""The task_bar rows of a request: for each READY approval task, who
segregation of duties bars from it (segregation.barred_for_tasks decides).
Every command on the request calls ``refresh_bars`` once its changes are
flushed: a step that opens, a parallel step completed beside it, a request
that ends. The work list reads the rows; a row out of date could only offer
a task that the command then refuses, never let anyone act."""
import functools

from sqlalchemy import bindparam, delete, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import ProcessInstance, TaskBar, TaskStatus
from app.services import task_rows
from app.services.percentiles import on_postgresql
from app.services.segregation import barred_for_tasks


def _has_approvals(instance: ProcessInstance) -> bool:
    # a definition stored before user_tasks said which steps approve: count it as having some
    return any(task.get("approval", True) for task in instance.definition.user_tasks or ())


def refresh_bars(instance: ProcessInstance) -> None:
    """Bring ``instance``'s task_bar rows in line with its READY approvals,
    in at most two statements: delete the rows no longer wanted
    (a task done or cancelled, or a bar that no longer holds), insert the
    wanted ones that are not there. No statement at all for a process
    without approval steps."""
    if not _has_approvals(instance):
        return
    rows = task_rows.rows_of(instance)
    ready = [task for task in rows if task.status == TaskStatus.ready and task.is_approval]
    completed = [task for task in rows if task.status == TaskStatus.completed]
    wanted = {(task_id, person): reason for task_id, barred in barred_for_tasks(ready, completed).items()
              for person, reason in barred.items() if person is not None}
    connection = db.session.connection()
    if not wanted:
        connection.execute(_DELETE_ALL, {"instance_id": instance.id})
        return
    connection.execute(_DELETE_UNWANTED, {"instance_id": instance.id, "wanted": sorted(wanted)})
    connection.execute(_insert_missing(on_postgresql()), [
        {"task_id": task_id, "user_id": person, "instance_id": instance.id, "reason": reason}
        for (task_id, person), reason in sorted(wanted.items())])


_BARS = TaskBar.__table__
# built once: building them cost more than sending them
_DELETE_ALL = delete(_BARS).where(_BARS.c.instance_id == bindparam("instance_id"))
_DELETE_UNWANTED = _DELETE_ALL.where(tuple_(_BARS.c.task_id, _BARS.c.user_id).not_in(bindparam("wanted", expanding=True)))


@functools.cache
def _insert_missing(postgres: bool):
    return (postgresql.insert if postgres else sqlite.insert)(_BARS).on_conflict_do_nothing(
        index_elements=["task_id", "user_id"])
