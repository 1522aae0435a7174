"""The fixtures every test directory shares: one database per run, built by
the migrations; every test in an outer transaction that is rolled back, so
tests never see each other; users, logins, the demo organisation, master
data and diagrams. What they use is in ``tests.support``.

Every test runs under a frozen platform clock at ``FROZEN_AT`` (Tuesday
2026-12-01 09:00 UTC = 17:00 in Shanghai, inside working hours; business date
2026-12-01), set before any fixture builds data; ``frozen_clock`` moves it. A
test that needs the system clock says so with ``@pytest.mark.real_clock``;
those are the tests the faketime pass (``make test-faketime``) exercises."""
import os

import pytest

from app.config import normalise_database_url
from app.extensions import db
from tests.support.base_state import BaseState, base_key, in_base_order
from tests.support.database import empty_tables, joined_session, migrated_app, reset_postgresql
from tests.support.flow_driver import FlowDriver
from tests.support.frozen_clock import FROZEN_AT, FrozenClock
from tests.support.logins import log_in


def pytest_addoption(parser):
    parser.addoption("--database-url", default=None, help="run against this database (PostgreSQL) instead of SQLite")


def pytest_configure(config):
    url = config.getoption("--database-url")
    config.lanes_backend = "postgresql" if url else "sqlite"


def pytest_report_header(config):
    return f"lanes database: {config.lanes_backend}"


def pytest_collection_modifyitems(config, items):
    items[:] = in_base_order(items)  # fewer rebuilds of the shared base; no test depends on the order
    if config.lanes_backend == "postgresql":
        return
    skip = pytest.mark.skip(reason="runs in the PostgreSQL pass (make test with TEST_DATABASE_URL)")
    for item in items:
        if "postgresql_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    given = request.config.getoption("--database-url")
    if given:
        url = normalise_database_url(given)
        reset_postgresql(url)
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "lanes-test.db")


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    os.environ["LANES_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    app = migrated_app(database_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def _base(_app):
    """The shared base rows (tests.support.base_state), rolled back at the end."""
    state = BaseState(_app, joined_session)
    yield state
    state.drop()


@pytest.fixture(autouse=True)
def _no_base_under_real_commits(request):
    """A test that works on the database without ``app`` (real commits, the
    migrations' comparison) finds no uncommitted base holding locks."""
    if "_app" in request.fixturenames and "app" not in request.fixturenames:
        request.getfixturevalue("_base").drop()


@pytest.fixture
def app(_app, _base, request):
    """The app, with every session joined to one rolled-back transaction
    (over the shared base of the fixtures the test asks for)."""
    with _base.test_transaction(base_key(request)):
        yield _app


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


@pytest.fixture
def login(client):
    """Sign ``client`` in through the real login form; returns the response."""

    def sign_in(username, password="correct-horse"):
        return log_in(client, username, password)

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
def org(ctx, _base):
    """The demo organisation, loaded; ``org("rm_east")`` is that User."""
    from app.services.accounts import find_user
    from app.demo.organisation import load_demo_organisation

    if "org" not in _base.key:
        load_demo_organisation()
    return find_user


@pytest.fixture
def deployed(ctx, _base):
    """Every diagram, table and form of processes/ and forms/, deployed."""
    from app.services import deployment

    if "deployed" in _base.key:
        return _base.deployed
    return deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))


@pytest.fixture
def flow(org, deployed):
    return FlowDriver(org)


@pytest.fixture
def sales(flow, frozen_clock, _base):
    """The flow driver over the demo organisation and master data, on
    2026-12-01."""
    from app.demo.master_data import load_demo_master_data

    if "sales" not in _base.key:
        load_demo_master_data()
    return flow


@pytest.fixture
def master_data(org, deployed, _base):
    """The demo organisation, every diagram and the demo master data: the
    shared base ``sales`` stands on, for tests that need the data but not the
    flow driver or a clock of their own (loading it per test costs ~2 s)."""
    from app.demo.master_data import load_demo_master_data

    if "sales" not in _base.key:
        load_demo_master_data()


@pytest.fixture
def customer_code(sales):
    """``customer_code("浙江泵阀总经销有限公司")``: a demo customer's code."""
    from app.models import Customer

    def find(name):
        return db.session.scalar(db.select(Customer.code).where(Customer.name == name))

    return find


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
def committed_app(_app, _base):
    """The app with real commits (for tests of concurrency between
    connections); every table is emptied afterwards."""
    _base.drop()
    yield _app
    empty_tables(_app)
