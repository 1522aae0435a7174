"""The test database: one per run, built by the migrations (PostgreSQL
wiped first), and every test's sessions joined to one outer transaction
that is rolled back, so tests never see each other (tests.support.base_state
keeps that transaction and the shared base rows in it)."""
import os
from contextlib import contextmanager

import flask_migrate
import pytest
import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession

from app import create_app
from app.extensions import db

TEST_SECRET = "test-secret-key"
FAST_HASH = "pbkdf2:sha256:1000"  # real hashing, cheap enough for hundreds of users


def reset_postgresql(url: str) -> None:
    """Drop and recreate the public schema; with LANES_REQUIRE_POSTGRES an
    unreachable server ends the run instead of erroring every test."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    except sa.exc.OperationalError as exc:
        if os.environ.get("LANES_REQUIRE_POSTGRES"):
            pytest.exit(f"PostgreSQL is required but unreachable at {url}: {exc}", returncode=1)
        raise
    finally:
        engine.dispose()


def migrated_app(database_url: str):
    """The app over ``database_url``, its schema built by the migrations."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
    })
    with app.app_context():
        flask_migrate.upgrade()
    return app


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy picks an engine per table; in tests every session must
    use the one connection that holds the test's outer transaction."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@contextmanager
def joined_session(app, connection):
    """``db.session`` of ``app`` bound to ``connection``: each session the
    code opens joins the connection's transaction through a SAVEPOINT, so a
    commit or rollback in the code under test stays inside it."""
    original = db.session
    db.session = db._make_scoped_session({
        "class_": ConnectionBoundSession,
        "bind": connection,
        "join_transaction_mode": "create_savepoint",
        "expire_on_commit": False,  # as app/extensions.py sets it: tests take production's path
    })
    try:
        yield
    finally:
        db.session = original  # each app context already closed its own session


def empty_tables(app) -> None:
    """Delete every row that tests with real commits left behind."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            existing = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
            tables = [table for table in reversed(db.metadata.sorted_tables) if table.name in existing]
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{table.name}"' for table in tables)
                connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
