"""Signed-in web sessions: how long one lasts and how it is ended.

The session cookie is signed, not stored, so ending a session cannot delete
it: the cookie carries the user's session version and the instant it was
signed in, and a cookie whose version the user has since raised (signing out,
a new password) or that is older than ``SESSION_LIFETIME_HOURS`` opens nothing.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from app.models import User
from app.services.unit_of_work import use_case


def lifetime() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])


def signed_in_stamp() -> float:
    """What a new session records as its start (seconds since the epoch, platform clock)."""
    return clock.now().timestamp()


def user_for_session(session_id: str, signed_in_at) -> User | None:
    """The active user a session cookie belongs to, or None when that session
    has ended: an unknown id, a version the user has raised since, a start
    missing, in the future or older than the session lifetime."""
    user_id, _, version = (session_id or "").partition(":")
    if not (user_id.isdigit() and version.isdigit()) or isinstance(signed_in_at, bool):
        return None
    if not isinstance(signed_in_at, (int, float)):
        return None
    age = clock.now().timestamp() - signed_in_at
    if age < 0 or age > lifetime().total_seconds():
        return None
    user = db.session.get(User, int(user_id), options=[joinedload(User.roles)])  # one statement, roles with it
    if user is None or user.session_version != int(version):
        return None
    return user


def _raise_version(user: User) -> None:
    # In SQL, so two sign-outs at once both count and neither is lost.
    db.session.execute(update(User).where(User.id == user.id).values(session_version=User.session_version + 1))
    db.session.refresh(user, ["session_version"])


@use_case
def end_sessions(user: User) -> None:
    """Sign ``user`` out everywhere: every session cookie issued so far stops working."""
    _raise_version(user)
