"""A migration's backfill, tried on rows made before it: a scratch SQLite
database is migrated to head, taken down to just before ``revision``, given
``rows`` (SQL inserts written against that older schema) and upgraded
again; the caller then reads what the upgrade filled in."""
from contextlib import contextmanager

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.extensions import db


@contextmanager
def upgraded_over(tmp_path, revision: str, rows: list[str], *, absent: tuple[str, str]):
    """A connection to the database after ``revision`` ran over ``rows``;
    ``absent`` (table, column) is checked to be missing before it ran."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'backfill.db'}", "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision=f"{revision}-1")
        table, column = absent
        assert column not in {c["name"] for c in sa.inspect(db.engine).get_columns(table)}
        with db.engine.begin() as connection:
            for statement in rows:
                connection.execute(sa.text(statement))
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            yield connection
        db.engine.dispose()
