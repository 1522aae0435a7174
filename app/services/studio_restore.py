"""Undoing a discard: the drafts discarded of a process key, newest first,
and restoring one as the current draft when there is none."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import StudioDraft, StudioDraftHistory, User
from app.services.permissions import ensure_process_admin, storable_text
from app.services.studio import ensure_studio_reader, find_draft, latest_definition
from app.services.unit_of_work import use_case

SHOWN = 5


def discarded_drafts(key: str, user: User, limit: int = SHOWN) -> list[StudioDraftHistory]:
    """The last ``limit`` drafts of ``key`` discarded and not restored since,
    newest first. Raises Forbidden."""
    ensure_studio_reader(user)
    if not storable_text(key):
        return []
    return list(db.session.scalars(select(StudioDraftHistory).where(
        StudioDraftHistory.process_key == key, StudioDraftHistory.restored_at.is_(None))
        .order_by(StudioDraftHistory.discarded_at.desc(), StudioDraftHistory.id.desc()).limit(limit)))


@use_case
def restore_draft(key: str, history_id: int, user: User) -> StudioDraft:
    """Make discarded draft ``history_id`` of ``key`` the draft again (a
    new draft at revision 1, based on the version it was based on).
    Raises Forbidden, NotFound (no such process or discarded draft),
    Conflict (``draft_exists``: someone has a draft now; it is never
    overwritten)."""
    ensure_process_admin(user, "restore studio drafts")
    latest_definition(key, user)
    kept = db.session.get(StudioDraftHistory, history_id)
    if kept is None or kept.process_key != key or kept.restored_at is not None:
        raise NotFound(f"There is no discarded draft {history_id} of {key!r}.")
    current = find_draft(key, user)
    if current is not None:
        who = current.updated_by.username if current.updated_by else None
        raise Conflict(f"{who or 'Someone'} has a draft of {key!r} now; discard it before restoring another.",
                       code="draft_exists", details={"revision": current.revision, "updated_by": who})
    draft = StudioDraft(process_key=key, base_version=kept.base_version, xml=kept.xml, updated_at=clock.now(),
                        updated_by_id=user.id)
    db.session.add(draft)
    kept.restored_at, kept.restored_by_id = clock.now(), user.id
    try:
        db.session.flush()
    except IntegrityError as exc:  # a draft landed at the same moment
        raise Conflict(f"Someone made a draft of {key!r} at the same moment; reload first.", code="draft_exists",
                       details={"revision": None, "updated_by": None}) from exc
    return draft
