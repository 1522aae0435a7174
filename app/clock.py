"""The platform's one clock: the instant (``now``) and the business date
(``today``). Tests freeze or move it (``set_clock``); nothing else in
``app/`` reads the system time or date (tests/test_one_clock.py enforces it),
so a document, a timer and a column default all agree on what "now" is."""
from contextvars import ContextVar
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

# The company keeps its books in Shanghai; a deployment elsewhere sets
# BUSINESS_TIMEZONE (app/config.py).
DEFAULT_BUSINESS_TIMEZONE = "Asia/Shanghai"


# A moment pinned for the current thread (or task) only: re-executing an
# instance replays each recorded command at the moment it was recorded,
# without moving the clock of requests served beside it.
_PINNED: ContextVar[datetime | None] = ContextVar("lanes_pinned_moment", default=None)


def now() -> datetime:
    """Current time as an aware UTC datetime (a moment pinned in this
    context, else the app's frozen clock, if set)."""
    pinned_moment = _PINNED.get()
    if pinned_moment is not None:
        return pinned_moment
    if has_app_context():
        frozen = current_app.extensions.get("lanes_clock")
        if frozen is not None:
            return frozen()
    return datetime.now(timezone.utc)


def business_timezone() -> ZoneInfo:
    """The zone the business date is kept in: the app's ``BUSINESS_TIMEZONE``
    (Asia/Shanghai outside an app)."""
    name = current_app.config.get("BUSINESS_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_BUSINESS_TIMEZONE)


def business_date(instant: datetime) -> date:
    """The business date of an aware ``instant``: its date in ``BUSINESS_TIMEZONE``."""
    return instant.astimezone(business_timezone()).date()


def today() -> date:
    """The business date: the date of ``now()`` in ``BUSINESS_TIMEZONE``. At
    01:00 in Shanghai it is already tomorrow though still today in UTC, so a
    document, a period or a month-end timer goes by this date, never by the
    UTC date of the instant."""
    return business_date(now())


def set_clock(app, source) -> None:
    """Make ``source()`` the app's clock; ``None`` restores the system clock."""
    if source is None:
        app.extensions.pop("lanes_clock", None)
    else:
        app.extensions["lanes_clock"] = source


class pinned:
    """``with clock.pinned(moment) as pin:`` makes ``now()`` answer ``moment``
    in this context only (``pin.move(later)`` moves it); leaving the block
    restores what was there before."""

    def __init__(self, moment: datetime):
        self._moment = moment
        self._token = None

    def __enter__(self) -> "pinned":
        self._token = _PINNED.set(self._moment)
        return self

    def move(self, moment: datetime) -> None:
        _PINNED.set(moment)

    def __exit__(self, *_exc) -> None:
        _PINNED.reset(self._token)
