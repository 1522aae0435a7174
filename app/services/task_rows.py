"""The task rows of a request a command works with, read once per command.

A command on a request asks about the request's task rows several times: who
segregation of duties bars from the task being done and from the step that
opens (segregation.py), which approvals are open for the bars (task_bars.py),
and, once it has committed, what the API answers (queries.instance_tasks).
Each used to send its own query. Here they are read once, in one statement,
and kept for the rest of the transaction in the session's ``info``; a
command that inserts a row adds it (``add``).

What is read is the request's working set, not its whole history, so a step
costs the same after a thousand rounds of a loop: every READY row, every
completed row segregation can count (an approval that approved, a step the
diagram names as a maker) and, if asked, one row by id. The same statement
counts all the request's rows: when the working set is all of them (a
request without a long history), the API's answer is built from it too.

The rows are ORM objects from the session's identity map, so a change the
command makes to a row is seen by every later reader whether flushed or not.
What is kept is forgotten
- when another transaction begins on the session (the rows were true as of
  the transaction that read them; once it committed nothing can change them
  from this session before the next statement, which begins the next one);
- on any rollback, a savepoint's included (a rolled-back row is re-read);
and a command reads them afresh as soon as it has locked the request
(``lock_instance``, ``tasks._locked_task``), so what another transaction
committed before the lock is what segregation sees, whatever the session
held before. Nothing here writes."""
import functools
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, event, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import HumanTask, ProcessInstance, TaskStatus

_KEY = "lanes_task_rows"


@dataclass
class _Kept:
    rows: list[HumanTask]
    whole: bool  # the rows are every row the request has


def _kept(session) -> dict[int, _Kept]:
    return session.info.setdefault(_KEY, {})


def _makers(instance: ProcessInstance) -> frozenset[str]:
    return frozenset(maker for described in instance.definition.user_tasks or ()
                     for maker in described.get("makers") or ())


@functools.lru_cache(maxsize=64)
def _working_set(makers: frozenset[str], with_task: bool):
    """The one read of ``load``, built once per set of maker steps (building
    it cost more than running it): the working set, with the row
    ``task_id`` if asked, and the count of all the request's rows."""
    instance_id = bindparam("instance_id")
    approved = and_(HumanTask.is_approval.is_(True), HumanTask.outcome == "approve")
    counted = and_(HumanTask.status == TaskStatus.completed,
                   or_(approved, HumanTask.element_id.in_(sorted(makers))) if makers else approved)
    wanted = or_(HumanTask.status == TaskStatus.ready, counted)
    if with_task:
        wanted = or_(wanted, HumanTask.id == bindparam("task_id"))
    every = select(func.count()).select_from(HumanTask).where(HumanTask.instance_id == instance_id).scalar_subquery()
    return select(HumanTask, every).where(HumanTask.instance_id == instance_id, wanted).order_by(HumanTask.id)


def load(instance: ProcessInstance, fresh: bool = False, task_id: int | None = None) -> list[HumanTask]:
    """Read and keep the working set of ``instance`` (with the row
    ``task_id``, whatever its status), oldest first. ``fresh``: overwrite
    what the session holds of those rows (only right after the request is
    locked: the locking statement flushed the session, and the command has
    changed nothing since)."""
    found = db.session.execute(
        _working_set(_makers(instance), task_id is not None), {"instance_id": instance.id, "task_id": task_id},
        execution_options={"populate_existing": True} if fresh else {}).all()
    rows = [row for row, _ in found]
    for row in rows:
        set_committed_value(row, "instance", instance)
    _kept(db.session)[instance.id] = _Kept(rows, whole=bool(found) and found[0][1] == len(rows))
    return rows


def rows_of(instance: ProcessInstance) -> list[HumanTask]:
    """The working set of ``instance``, oldest first: the kept rows, or read
    now (and kept)."""
    kept = _kept(db.session).get(instance.id)
    return kept.rows if kept is not None else load(instance)


def every_row_of(instance: ProcessInstance) -> list[HumanTask]:
    """Every task row of ``instance``, oldest first: the kept ones when they
    are all of them, else read (and not kept)."""
    kept = _kept(db.session).get(instance.id)
    if kept is not None and kept.whole:
        return sorted(kept.rows, key=lambda row: row.id)
    return list(db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                   .order_by(HumanTask.id)))


def add(instance: ProcessInstance, row: HumanTask) -> None:
    """A row this command has just inserted, if ``instance``'s rows are kept
    (if not, whoever asks next reads it from the table)."""
    kept = _kept(db.session).get(instance.id)
    if kept is not None:
        kept.rows.append(row)


def _forget_all(session, *_args) -> None:
    session.info.pop(_KEY, None)


def _on_new_transaction(session, transaction) -> None:
    if transaction.parent is None:  # a savepoint within the transaction keeps them
        _forget_all(session)


event.listen(Session, "after_transaction_create", _on_new_transaction)
event.listen(Session, "after_soft_rollback", _forget_all)
event.listen(Session, "after_rollback", _forget_all)
