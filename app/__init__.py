"""Lanes (营销审批平台): the application factory."""
import os

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.config import build_config, default_database_url, generated_secret_key
from app import read_transactions
from app.extensions import csrf, db, login_manager, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by
    ``test_config``; only what neither gives (the secret key, the database)
    falls back to the instance folder (Flask's ``instance_path``, or
    LANES_INSTANCE_PATH), which is created only then. Every subsystem
    registers itself."""
    app = Flask(__name__, instance_path=os.environ.get("LANES_INSTANCE_PATH") or None, instance_relative_config=True)
    app.config.from_mapping(build_config())
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = generated_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)  # SQLite creates the file, not its folder
        app.config["SQLALCHEMY_DATABASE_URI"] = default_database_url(app.instance_path)

    db.init_app(app)
    read_transactions.init_app(app)  # after db: it ends the request's transaction before the session is closed
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    # models: the tables, for Alembic; ledger: its modules register the actions service tasks call, which the
    # registry (app/actions.py, below both the engine and the ledger) must not import itself.
    from app import api, cli, error_handlers, ledger, models, transport_security, web  # noqa: F401
    from app.services import price_notices  # noqa: F401  (its action tells the salespeople of a price change)
    from app.services import service_case_notices  # noqa: F401  (its actions give service cases due times and notices)
    from app.services import campaign_dispatch  # noqa: F401  (its action dispatches campaign tasks through the outbox)
    from app.services import presales_handover  # noqa: F401  (its action hands a won presales bid to the rep)

    transport_security.init_app(app)
    error_handlers.init_app(app)
    api.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys; WAL lets readers work beside one writer.
    The driver's own transaction handling is switched off (isolation_level
    None) and BEGIN is emitted below, so savepoints and rollbacks are real."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL cannot corrupt the database; at worst a power cut
        # loses the last commits. FULL would fsync on every command.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
