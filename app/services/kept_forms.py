"""Forms a person filled in but could not send because their session had
ended: the posted fields are kept for a short while under a random token
the browser holds, and given back once, after signing in again, to the page
they were sent from. Passwords and files are never kept (the web layer
leaves them out); only the token's hash is stored."""
import hashlib
import json
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from app import clock
from app.extensions import db
from app.models import KeptForm, User
from app.services.unit_of_work import use_case

KEEP_FOR = timedelta(hours=1)
MAX_CHARACTERS = 256 * 1024  # a form is far smaller; beyond this it is not kept


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@use_case
def keep(path: str, fields: list[tuple[str, str]], user_id: int | None) -> str | None:
    """Keep ``fields`` (name, value pairs as posted to ``path``) for
    ``KEEP_FOR``; the token that takes them back, or None when they are too
    large to keep. ``user_id`` is the person whose session ended, if known:
    only they get the fields back. Forgets kept forms past their time."""
    db.session.execute(delete(KeptForm).where(KeptForm.kept_at <= clock.now() - KEEP_FOR))
    text = json.dumps(fields, ensure_ascii=False)
    if len(text) > MAX_CHARACTERS or len(path) > 512:
        return None
    token = secrets.token_urlsafe(32)
    if user_id is not None and db.session.get(User, user_id) is None:
        user_id = None
    db.session.add(KeptForm(token_hash=_digest(token), path=path, fields=text, user_id=user_id, kept_at=clock.now()))
    return token


@use_case
def take(token: str, path: str, user: User) -> list[tuple[str, str]] | None:
    """The fields kept under ``token`` for the page ``path``, once: they are
    forgotten as they are given. None when there are none, they are past
    their time, or they were typed by someone other than ``user`` (then
    they are forgotten too)."""
    kept = db.session.scalar(select(KeptForm).where(KeptForm.token_hash == _digest(token or "")))
    if kept is None or kept.path != path:
        return None
    db.session.delete(kept)
    if kept.kept_at <= clock.now() - KEEP_FOR or kept.user_id not in (None, user.id):
        return None
    return [(str(name), str(value)) for name, value in json.loads(kept.fields)]
