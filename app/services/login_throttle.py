"""Guessing passwords gets slower with every wrong one.

Failures are counted per account (the username as typed) and per address
over the last ``WINDOW``. Below a free allowance nothing happens; from then
on each failure pauses sign-ins for that account or address, the pause
doubling from ``FIRST_PAUSE`` up to ``LONGEST_PAUSE``. While paused the
password is not even looked at, so a guess cannot be confirmed. The counts
live in the database, so every web process sees the same ones, and go by
the platform clock.
"""
import logging
import math
from datetime import timedelta

from sqlalchemy import delete, func, select

from app import clock
from app.errors import TooManyAttempts
from app.extensions import db
from app.models import LoginFailure

log = logging.getLogger("lanes.sign_in")

WINDOW = timedelta(hours=1)
FIRST_PAUSE = timedelta(seconds=30)
LONGEST_PAUSE = timedelta(minutes=15)
FREE_PER_ACCOUNT = 5
FREE_PER_ADDRESS = 20  # an office behind one address shares it
_STORED_LENGTH = 64


def _key(text: str | None) -> str:
    return (text or "")[:_STORED_LENGTH].replace("\x00", "")


def _seconds_paused(column, value: str, free: int) -> int:
    count, last = db.session.execute(
        select(func.count(), func.max(LoginFailure.failed_at))
        .where(column == value, LoginFailure.failed_at > clock.now() - WINDOW)
    ).one()
    if count < free:
        return 0
    pause = min(FIRST_PAUSE * 2 ** min(count - free, 16), LONGEST_PAUSE)
    return max(0, math.ceil((last + pause - clock.now()).total_seconds()))


def refuse_while_paused(username: str, address: str) -> None:
    """Raises TooManyAttempts while this account or this address is paused."""
    wait = max(_seconds_paused(LoginFailure.username, _key(username), FREE_PER_ACCOUNT),
               _seconds_paused(LoginFailure.address, _key(address), FREE_PER_ADDRESS))
    if wait:
        raise TooManyAttempts(wait)


def record_failure(username: str, address: str) -> None:
    """Count a wrong username or password (and forget failures older than the window)."""
    log.warning("sign-in failed for %r from %s", _key(username), _key(address))
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= clock.now() - WINDOW))
    db.session.add(LoginFailure(username=_key(username), address=_key(address), failed_at=clock.now()))
    db.session.flush()


def forget_failures(username: str) -> None:
    """The account signed in: its earlier failures no longer count against it."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == _key(username)))
