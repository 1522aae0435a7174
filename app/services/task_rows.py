"""Every task row of a request, read once per command.

A command on a request asks about the request's task rows several times: who
segregation of duties bars from the task being done and from the step that
opens (segregation.py), which approvals are open for the bars (task_bars.py),
and, once it has committed, what the API answers (queries.instance_tasks).
Each used to send its own query. Here the rows are read once, in one
statement, and kept for the rest of the transaction in the session's
``info``; a command that inserts a row adds it (``add``).

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
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import HumanTask, ProcessInstance

_KEY = "lanes_task_rows"


def _kept(session) -> dict[int, list[HumanTask]]:
    return session.info.setdefault(_KEY, {})


def load(instance: ProcessInstance, fresh: bool = False) -> list[HumanTask]:
    """Read and keep every task row of ``instance``, oldest first. ``fresh``:
    overwrite what the session holds of those rows (only right after the
    request is locked: the locking statement flushed the session, and the
    command has changed nothing since)."""
    query = select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id)
    if fresh:
        query = query.execution_options(populate_existing=True)
    rows = list(db.session.scalars(query))
    for row in rows:
        set_committed_value(row, "instance", instance)
    _kept(db.session)[instance.id] = rows
    return rows


def rows_of(instance: ProcessInstance) -> list[HumanTask]:
    """Every task row of ``instance``, oldest first: the kept ones, or read
    now (and kept)."""
    kept = _kept(db.session).get(instance.id)
    return kept if kept is not None else load(instance)


def add(instance: ProcessInstance, row: HumanTask) -> None:
    """A row this command has just inserted, if ``instance``'s rows are kept
    (if not, whoever asks next reads it from the table)."""
    kept = _kept(db.session).get(instance.id)
    if kept is not None:
        kept.append(row)


def _forget_all(session, *_args) -> None:
    session.info.pop(_KEY, None)


def _on_new_transaction(session, transaction) -> None:
    if transaction.parent is None:  # a savepoint within the transaction keeps them
        _forget_all(session)


event.listen(Session, "after_transaction_create", _on_new_transaction)
event.listen(Session, "after_soft_rollback", _forget_all)
event.listen(Session, "after_rollback", _forget_all)
