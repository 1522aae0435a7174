import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import create_app
from app.extensions import db


def test_migrations_match_the_models(_app):
    """The schema the migrations built for this run equals the models'."""
    with _app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) == {"alembic_version"}
        flask_migrate.upgrade()
        assert {"user", "role", "delegation", "api_token"} <= set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_migration_files_have_dated_names():
    from pathlib import Path

    versions = Path(__file__).parent.parent / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names and all(name[:4].isdigit() and name[4] == "_" for name in names)
