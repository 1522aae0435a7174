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
    return item_base_key(request.node)


def item_base_key(item) -> tuple[str, ...]:
    """The layers the collected test ``item`` asks for."""
    if item.get_closest_marker("real_clock"):
        return ()
    names = set(getattr(item, "fixturenames", ()))
    if "sales" in names or "master_data" in names:
        return LAYERS
    return tuple(name for name in LAYERS if name in names)


def _rank(item) -> tuple:
    key = item_base_key(item)
    return len(key), [LAYERS.index(name) for name in key]


def in_base_order(items: list) -> list:
    """``items`` reordered so that fewer tests find another base than the
    test before them left (each change rolls one back and builds another,
    ~1 s): within a module by base, and the modules by the base they start
    and end on. A module's tests stay together (its module-scoped fixtures
    are built once); tests needing no base go first."""
    modules: dict[str, list] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    ordered = [sorted(group, key=_rank) for group in modules.values()]
    ordered.sort(key=lambda group: (_rank(group[0]) if any(map(item_base_key, group)) else (-1,), _rank(group[-1])))
    return [item for group in ordered for item in group]


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
