"""The shared base state of the test database: the demo organisation, every
deployed diagram and the demo master data cost about 1.5 s of CPU to build,
and most flow tests ask for all three. They are built once, inside an outer
transaction of one connection, and every test that asks for the same
fixtures runs in a SAVEPOINT on that connection, rolled back after it; the
base itself is never committed, so nothing outlives the run.

A test that asks for a different set builds a new base (the old one is
rolled back first); tests on the system clock (``real_clock``) and tests
that commit for real (``committed_app``, the migrations' comparison) get a
database without one. The base is always built under the frozen clock at
``FROZEN_AT``, before any fixture of the test runs, exactly as the fixtures
would build it."""
from contextlib import contextmanager

from app import clock
from app.extensions import db
from tests.support.frozen_clock import FROZEN_AT, FrozenClock

# The fixtures a base can hold, in the order they are built (sales needs the other two).
LAYERS = ("org", "deployed", "sales")


def base_key(request) -> tuple[str, ...]:
    """The layers the test ``request`` asks for (its fixture closure)."""
    if request.node.get_closest_marker("real_clock"):
        return ()
    names = set(request.fixturenames)
    if "sales" in names or "master_data" in names:
        return LAYERS
    return tuple(name for name in LAYERS if name in names)


def _build(key: tuple[str, ...]):
    """Run the fixtures' own loaders for ``key``; returns what ``deploy`` answered."""
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation
    from app.services import deployment

    deployed = None
    if "org" in key:
        load_demo_organisation()
    if "deployed" in key:
        deployed = deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
    if "sales" in key:
        load_demo_master_data()
    return deployed


class BaseState:
    """The one connection holding the current base (or none)."""

    def __init__(self, app, bound_session):
        self.app = app
        self._bound_session = bound_session  # (app, connection) -> context manager joining db.session to it
        self.connection = None
        self.outer = None
        self.key: tuple[str, ...] = ()
        self.deployed = None

    def drop(self) -> None:
        """Roll the base back and close its connection (idempotent)."""
        if self.connection is not None:
            try:
                self.outer.rollback()
            finally:
                self.connection.close()
        self.connection, self.outer, self.key, self.deployed = None, None, (), None

    def _ensure(self, key: tuple[str, ...]) -> None:
        if self.connection is not None and self.key == key:
            return
        self.drop()
        with self.app.app_context():
            self.connection = db.engine.connect()
            self.outer = self.connection.begin()
            try:
                with self._bound_session(self.app, self.connection):
                    previous = self.app.extensions.get("lanes_clock")
                    clock.set_clock(self.app, FrozenClock(FROZEN_AT))
                    try:
                        self.deployed = _build(key)
                    finally:
                        clock.set_clock(self.app, previous)
            except BaseException:
                self.drop()
                raise
        self.key = key

    @contextmanager
    def test_transaction(self, key: tuple[str, ...]):
        """A transaction for one test over the base ``key`` (none: an empty
        database), rolled back on exit."""
        if not key:
            self.drop()
            with self.app.app_context():
                connection = db.engine.connect()
                outer = connection.begin()
                try:
                    with self._bound_session(self.app, connection):
                        yield
                finally:
                    outer.rollback()
                    connection.close()
            return
        self._ensure(key)
        savepoint = self.connection.begin_nested()
        try:
            with self.app.app_context(), self._bound_session(self.app, self.connection):
                yield
        finally:
            try:
                if savepoint.is_active:
                    savepoint.rollback()
            except Exception:
                self.drop()  # a connection the test left unusable is not reused
                raise
