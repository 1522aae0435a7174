"""How a request's last transaction ends on PostgreSQL.

A request ends by closing its session, which rolls back the transaction
still open: after a use case has committed, the one its response was read
in; on a page or list, the only one. psycopg forgets every prepared
statement on a rollback (one may have undone what a statement was prepared
against) and sends DEALLOCATE ALL, so each request had every statement
parsed and planned afresh, however often the same ones ran.

A transaction that wrote nothing ends the same committed or rolled back.
One wrote nothing when PostgreSQL gave it no transaction id (any insert,
update, delete or row lock takes one: txid_current_if_assigned) and the
session holds no change it has not sent. Such a transaction is committed
here, before the session is closed, and the connection keeps its prepared
statements for the next request; any other is rolled back as before.
"""
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

_NO_WRITE = text("SELECT txid_current_if_assigned() IS NULL")


def _commit_if_nothing_written(exc: BaseException | None) -> None:
    if not db.session.registry.has():  # the request opened no session
        return
    session = db.session()
    transaction = session.get_transaction()
    if exc is not None or transaction is None or not transaction.is_active:
        return
    if session.new or session.dirty or session.deleted or session.get_bind().dialect.name != "postgresql":
        return
    try:
        if session.scalar(_NO_WRITE):
            session.commit()
    except SQLAlchemyError:  # a statement failed and the view went on: the transaction is lost, close rolls back
        return


def init_app(app) -> None:
    """Register after Flask-SQLAlchemy: app-context teardowns run last
    registered first, so this runs before the session is removed."""
    app.teardown_appcontext(_commit_if_nothing_written)
