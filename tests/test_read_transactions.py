"""A request's last transaction on PostgreSQL is committed only when it
wrote nothing (app/read_transactions.py), so the connection keeps its
prepared statements; one that wrote anything, through the ORM or in SQL,
flushed or not, is still rolled back when the request ends, as is one
whose request failed."""
import pytest
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ProcessMessage, User

pytestmark = pytest.mark.postgresql_only


def _kept(app, name: str) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(ProcessMessage).where(ProcessMessage.name == name))
        db.session.remove()
    return count


def _message(name: str) -> ProcessMessage:
    return ProcessMessage(name=name, correlations={}, payload={})


@pytest.fixture
def endings():
    """The commits and explicit rollbacks sessions make while the test runs
    (closing a session rolls back without the event)."""
    seen = []
    commit, rollback = (lambda session: seen.append("commit")), (lambda session: seen.append("rollback"))
    event.listen(Session, "after_commit", commit)
    event.listen(Session, "after_rollback", rollback)
    yield seen
    event.remove(Session, "after_commit", commit)
    event.remove(Session, "after_rollback", rollback)


def test_a_request_that_only_read_ends_with_a_commit(committed_app, endings):
    with committed_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) >= 0
    assert endings == ["commit"]


@pytest.mark.parametrize("write", ["flushed", "sql", "pending"])
def test_a_request_that_wrote_without_committing_keeps_nothing(committed_app, endings, write):
    """A bug that writes outside a use case and never commits: the end of
    the request must not commit it for him."""
    name = f"stray-{write}"
    with committed_app.app_context():
        db.session.scalar(select(func.count()).select_from(User))
        if write == "flushed":
            db.session.add(_message(name))
            db.session.flush()
        elif write == "sql":
            db.session.execute(insert(ProcessMessage).values(name=name, correlations={}, payload={}))
        else:
            db.session.add(_message(name))
    assert "commit" not in endings
    assert _kept(committed_app, name) == 0


def test_a_row_locked_for_update_is_not_a_read(committed_app, endings):
    from app.services import accounts

    with committed_app.app_context():
        accounts.create_user("locker", "correct-horse-battery")
        db.session.remove()
    endings.clear()
    with committed_app.app_context():
        assert len(db.session.scalars(select(User).with_for_update()).all()) == 1
    assert "commit" not in endings


def test_a_failed_request_is_rolled_back(committed_app, endings):
    with pytest.raises(RuntimeError):
        with committed_app.app_context():
            db.session.scalar(select(func.count()).select_from(User))
            raise RuntimeError("the view failed")
    assert "commit" not in endings


def test_a_request_that_handled_a_failed_statement_ends_quietly(committed_app, endings):
    """A view that caught a database error and answered anyway: the
    transaction is lost; ending it raises nothing and commits nothing."""
    with committed_app.app_context():
        with pytest.raises(DBAPIError):
            db.session.execute(text("SELECT 1 / 0"))
    assert "commit" not in endings
