"""Who else has a studio draft open: the modeler's heartbeat records the
editor (in the database, seen by every web worker) and answers with the
others seen in the last 45 seconds."""
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import StudioPresence, User
from app.services.permissions import ensure_process_admin
from app.services.studio import latest_definition
from app.services.unit_of_work import use_case

ACTIVE_FOR = timedelta(seconds=45)


def others_present(key: str, user: User) -> list[dict]:
    """Everyone but ``user`` seen on the draft of ``key`` in the last 45
    seconds, most recent first: username, display name, seen_at. Raises
    Forbidden, NotFound."""
    latest_definition(key, user)
    rows = db.session.scalars(select(StudioPresence).where(
        StudioPresence.process_key == key, StudioPresence.seen_at >= clock.now() - ACTIVE_FOR,
        StudioPresence.user_id != user.id).order_by(StudioPresence.seen_at.desc()))
    return [{"username": row.user.username, "name": row.user.display_name or row.user.username,
             "seen_at": row.seen_at} for row in rows]


@use_case
def heartbeat(key: str, user: User) -> list[dict]:
    """Record that ``user`` has the draft of ``key`` open now and return the
    others present. Raises Forbidden (only process admins edit), NotFound."""
    ensure_process_admin(user, "edit diagrams in the studio")
    latest_definition(key, user)
    row = db.session.scalar(select(StudioPresence).where(StudioPresence.process_key == key,
                                                         StudioPresence.user_id == user.id))
    if row is None:
        try:
            with db.session.begin_nested():
                db.session.add(StudioPresence(process_key=key, user_id=user.id, seen_at=clock.now()))
        except IntegrityError:  # the same editor's other tab got there first
            row = db.session.scalar(select(StudioPresence).where(StudioPresence.process_key == key,
                                                                 StudioPresence.user_id == user.id))
    if row is not None:
        row.seen_at = clock.now()
    db.session.flush()
    return others_present(key, user)
