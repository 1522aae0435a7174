"""Test harness: one database per run, built by the migrations; every test in
an outer transaction that is rolled back, so tests never see each other.

Every test runs under a frozen platform clock at ``FROZEN_AT`` (Tuesday
2026-12-01 09:00 UTC = 17:00 in Shanghai, inside working hours; business date
2026-12-01), set before any fixture builds data; ``frozen_clock`` moves it. A
test that needs the system clock says so with ``@pytest.mark.real_clock``;
those are the tests the faketime pass (``make test-faketime``) exercises."""
import os
import re
from datetime import datetime, timedelta, timezone

import flask_migrate
import pytest
import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession

from app import create_app
from app.config import normalise_database_url
from app.extensions import db

TEST_SECRET = "test-secret-key"
FAST_HASH = "pbkdf2:sha256:1000"  # real hashing, cheap enough for hundreds of users


def pytest_addoption(parser):
    parser.addoption("--database-url", default=None, help="run against this database (PostgreSQL) instead of SQLite")


def pytest_configure(config):
    url = config.getoption("--database-url")
    config.lanes_backend = "postgresql" if url else "sqlite"


def pytest_report_header(config):
    return f"lanes database: {config.lanes_backend}"


def pytest_collection_modifyitems(config, items):
    if config.lanes_backend == "postgresql":
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL pass (make test with TEST_DATABASE_URL)")
    for item in items:
        if "postgresql_only" in item.keywords:
            item.add_marker(skip)


def _reset_postgresql(url: str) -> None:
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


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    given = request.config.getoption("--database-url")
    if given:
        url = normalise_database_url(given)
        _reset_postgresql(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "lanes-test.db")


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    os.environ["LANES_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
    })
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy picks an engine per table; in tests every session must
    use the one connection that holds the test's outer transaction."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def app(_app):
    """The app, with every session joined to one rolled-back transaction."""
    with _app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = db._make_scoped_session({
        "class_": _ConnectionBoundSession,
        "bind": connection,
        "join_transaction_mode": "create_savepoint",
    })
    try:
        yield _app
    finally:
        db.session = original  # each app context already closed its own session
        outer.rollback()
        connection.close()


@pytest.fixture
def ctx(app):
    """An app context for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@pytest.fixture
def create_user(app):
    """Factory: ``create_user("ann", roles=["sales_rep"], manager="bob")``."""
    from app.services import accounts

    def make(username, *, password="correct-horse", roles=(), **fields):
        with app.app_context():
            user = accounts.create_user(username, password, roles=list(roles), **fields)
            return user.id

    return make


CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def login(client):
    """Sign ``client`` in through the real login form; returns the response."""

    def sign_in(username, password="correct-horse"):
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    return sign_in


@pytest.fixture
def api_token(client):
    """Factory: a bearer token for a user, from POST /api/v1/auth/token."""

    def issue(username, password="correct-horse"):
        response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    return issue


@pytest.fixture
def org(ctx):
    """The demo organisation, loaded; ``org("rm_east")`` is that User."""
    from app.services.accounts import find_user
    from app.demo.organisation import load_demo_organisation

    load_demo_organisation()
    return find_user


@pytest.fixture
def deployed(ctx):
    """Every diagram, table and form of processes/ and forms/, deployed."""
    from app.services import deployment

    return deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))


class FlowDriver:
    """Drives instances through the service layer, as people would."""

    def __init__(self, find_user):
        self.user = find_user

    def start(self, key, data, as_user, business_key=None):
        from app.services import instances

        return instances.start_instance(key, data, self.user(as_user), business_key=business_key)

    def ready(self, instance):
        from app.extensions import db
        from app.models import HumanTask, TaskStatus

        return list(db.session.scalars(db.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == TaskStatus.ready).order_by(HumanTask.id)))

    def ready_elements(self, instance):
        return [task.element_id for task in self.ready(instance)]

    def task(self, instance, element_id):
        matching = [task for task in self.ready(instance) if task.element_id == element_id]
        assert matching, f"{element_id} is not ready; ready: {self.ready_elements(instance)}"
        return matching[0]

    def complete(self, instance, element_id, as_user, data):
        from app.services import tasks

        return tasks.complete_task(self.task(instance, element_id).id, self.user(as_user), data)

    def approve(self, instance, element_id, as_user, comment="同意"):
        return self.complete(instance, element_id, as_user, {"decision": "approve", "comment": comment})

    def reject(self, instance, element_id, as_user, comment="请补充说明"):
        return self.complete(instance, element_id, as_user, {"decision": "reject", "comment": comment})


@pytest.fixture
def flow(org, deployed):
    return FlowDriver(org)


class FrozenClock:
    """A stopped clock: ``now`` is what the platform reads until moved."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now = self.now + timedelta(**delta)
        return self.now


# Where every test's clock stands unless the test moves it or is marked
# ``real_clock``: Tuesday 2026-12-01 09:00 UTC, 17:00 in Shanghai, a working
# day inside BUSINESS_HOURS; the business date is 2026-12-01, the last ended
# month 2026-11. Fixed, so no test depends on the day it runs.
FROZEN_AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _platform_clock(request):
    """Every test's platform clock is frozen at ``FROZEN_AT`` before any of its
    fixtures build data (autouse fixtures come first in their scope), so a
    fixture's rows are dated the same whatever the fixture order and the
    real date. Tests marked ``real_clock`` (real commits read by other
    processes, the live browser server) keep the system clock."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    from app import clock

    controller = FrozenClock(FROZEN_AT)
    # Only tests that use the shared app get it; pure unit tests stay free of the database.
    app = request.getfixturevalue("_app") if "_app" in request.fixturenames else None
    if app is not None:
        clock.set_clock(app, controller)
    try:
        yield controller
    finally:
        if app is not None:
            clock.set_clock(app, None)


@pytest.fixture
def frozen_clock(_platform_clock, app):
    """The platform clock every test already runs under (stopped at
    ``FROZEN_AT``), for tests that move it: ``frozen_clock.advance(hours=49)``
    or ``frozen_clock.now = ...``."""
    if _platform_clock is None:
        pytest.fail("a test marked real_clock cannot use frozen_clock", pytrace=False)
    return _platform_clock


@pytest.fixture
def committed_app(_app):
    """The app with real commits (for tests of concurrency between
    connections); every table is emptied afterwards."""
    yield _app
    with _app.app_context():
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
