"""Guessing passwords gets slower with every wrong one.

Failures are counted per account (the username as typed) and per address
over the last ``WINDOW``. Below a free allowance nothing happens; from then
on each failure pauses sign-ins for that account or address, the pause
doubling from ``FIRST_PAUSE`` up to ``LONGEST_PAUSE``. While paused the
password is not even looked at, so a guess cannot be confirmed. The counts
live in the database, so every web process sees the same ones, and go by
the platform clock.

Checking the count, looking at the password and recording a failure are one
turn per account and per address: attempts sent at the same moment wait for
each other (PostgreSQL: transaction-scoped advisory locks on the account and
the address; SQLite: the database's write lock, taken by the purge that
starts every turn), so parallel guesses cannot all slip under the count.
"""
import logging
import math
from datetime import timedelta

from sqlalchemy import delete, func, select, text

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


# Advisory-lock classes: one key space for accounts, one for addresses.
_ACCOUNT_LOCKS, _ADDRESS_LOCKS = 7301, 7302


def _take_turn(username: str, address: str) -> None:
    # Always the account first, then the address: no two attempts can wait for each other in a cycle.
    if db.session.get_bind().dialect.name == "postgresql":
        for space, value in ((_ACCOUNT_LOCKS, username), (_ADDRESS_LOCKS, address)):
            db.session.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:value))"),
                               {"space": space, "value": value})
    db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at <= clock.now() - WINDOW))


def refuse_while_paused(username: str, address: str) -> None:
    """Start this attempt's turn (held until the unit of work ends, so the
    caller looks at the password and records the outcome before the next
    attempt on this account or from this address is counted), forget
    failures older than the window, and raise TooManyAttempts while this
    account or this address is paused."""
    _take_turn(_key(username), _key(address))
    wait = max(_seconds_paused(LoginFailure.username, _key(username), FREE_PER_ACCOUNT),
               _seconds_paused(LoginFailure.address, _key(address), FREE_PER_ADDRESS))
    if wait:
        raise TooManyAttempts(wait)


def record_failure(username: str, address: str) -> None:
    """Count a wrong username or password (in the turn ``refuse_while_paused`` started)."""
    log.warning("sign-in failed for %r from %s", _key(username), _key(address))
    db.session.add(LoginFailure(username=_key(username), address=_key(address), failed_at=clock.now()))
    db.session.flush()


def forget_failures(username: str) -> None:
    """The account signed in: its earlier failures no longer count against it."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == _key(username)))
