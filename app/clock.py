"""The platform's one clock: the instant (``now``) and the business date
(``today``). Tests freeze or move it (``set_clock``); nothing else in
``app/`` reads the system time or date (tests/test_one_clock.py enforces it),
so a document, a timer and a column default all agree on what "now" is."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

# The company keeps its books in Shanghai; a deployment elsewhere sets
# BUSINESS_TIMEZONE (app/config.py).
DEFAULT_BUSINESS_TIMEZONE = "Asia/Shanghai"


def now() -> datetime:
    """Current time as an aware UTC datetime (the app's frozen clock, if set)."""
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
