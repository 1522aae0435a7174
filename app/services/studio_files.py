"""Shared drafts of the studio's decision tables and forms, one per file
name, with revision checks: what the decision-table and form editors load,
autosave and discard. Publishing a file is not here. Process admins edit;
auditors read; nobody else sees them."""
import json
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import StudioFileDraft, User
from app.services import deployment
from app.services.permissions import ensure_process_admin, storable_text
from app.services.studio import ensure_studio_reader
from app.services.unit_of_work import use_case
from app.workflow.bundle import content_hash, kind_of

MAX_FILE_CHARS = 2 * 1024 * 1024
MAX_TEST_ROWS = 200
FILE_KINDS = ("dmn", "form")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,200}\.(dmn|json)$")


@dataclass(frozen=True)
class FileSource:
    """What an editor opens: the draft when there is one, else the deployed
    content (``revision`` 0). ``deployed_hash`` is None for a new file."""
    name: str
    kind: str
    content: str
    revision: int
    base_hash: str | None
    deployed_hash: str | None
    test_rows: list
    draft: StudioFileDraft | None

    @property
    def updated_at(self):
        return self.draft.updated_at if self.draft else None

    @property
    def updated_by(self):
        return self.draft.updated_by.username if self.draft and self.draft.updated_by else None


def file_kind(name: str) -> str:
    """``dmn`` or ``form`` for a studio file name. Raises NotFound for a name
    no studio file can have."""
    if not storable_text(name) or not _FILE_NAME.match(name) or kind_of(name) not in FILE_KINDS:
        raise NotFound(f"No decision table or form can be named {name!r}.")
    return kind_of(name)


def deployed_files(user: User, kind: str | None = None) -> dict[str, str]:
    """The latest deployed content of every DMN and form file (or those of
    ``kind``), by name. Raises Forbidden."""
    ensure_studio_reader(user)
    return deployment.stored_files((kind,) if kind else FILE_KINDS)


def _draft(name: str) -> StudioFileDraft | None:
    if not storable_text(name):
        return None
    return db.session.scalar(select(StudioFileDraft).where(StudioFileDraft.name == name))


def drafts(user: User) -> dict[str, StudioFileDraft]:
    """Every file draft, by name. Raises Forbidden."""
    ensure_studio_reader(user)
    return {draft.name: draft for draft in db.session.scalars(select(StudioFileDraft))}


def find_file_draft(name: str, user: User) -> StudioFileDraft | None:
    """The draft of file ``name``, if any. Raises Forbidden."""
    ensure_studio_reader(user)
    return _draft(name)


def get_file_draft(name: str, user: User) -> StudioFileDraft:
    """The draft of file ``name``. Raises Forbidden, NotFound."""
    draft = find_file_draft(name, user)
    if draft is None:
        raise NotFound(f"There is no draft of {name!r}.")
    return draft


def file_source(name: str, user: User) -> FileSource:
    """The draft of ``name`` or, without one, its deployed content. Raises
    Forbidden, NotFound (neither a draft nor a deployed file)."""
    ensure_studio_reader(user)
    kind = file_kind(name)
    deployed = deployment.stored_files((kind,)).get(name)
    deployed_hash = content_hash(deployed) if deployed is not None else None
    draft = _draft(name)
    if draft is not None:
        return FileSource(name, kind, draft.content, draft.revision, draft.base_hash, deployed_hash,
                          json.loads(draft.test_rows or "[]"), draft)
    if deployed is None:
        raise NotFound(f"No file {name!r} is deployed and there is no draft of it.")
    return FileSource(name, kind, deployed, 0, deployed_hash, deployed_hash, [], None)


def _checked_test_rows(rows) -> str | None:
    if rows is None:
        return None
    if not isinstance(rows, list) or len(rows) > MAX_TEST_ROWS:
        raise ValidationFailed.for_fields({"test_rows": [f"A list of at most {MAX_TEST_ROWS} rows."]})
    for number, row in enumerate(rows):
        if not (isinstance(row, dict) and set(row) <= {"inputs", "expected"}
                and all(isinstance(row.get(part, {}), dict) for part in ("inputs", "expected"))):
            raise ValidationFailed.for_fields({f"test_rows.{number}": ["An object with 'inputs' and 'expected' objects."]})
    text = json.dumps(rows, ensure_ascii=False)
    if "\x00" in text or len(text) > MAX_FILE_CHARS:
        raise ValidationFailed.for_fields({"test_rows": ["Too long, or holds NUL characters."]})
    return text


def _stale(draft: StudioFileDraft | None) -> Conflict:
    who = draft.updated_by.username if draft and draft.updated_by else None
    current = draft.revision if draft else 0
    return Conflict(f"{who or 'Someone'} saved this file in between (revision {current}); reload it first."
                    if draft else "The draft was discarded in between; reload the file first.",
                    code="stale_draft",
                    details={"revision": current, "updated_by": who,
                             "updated_at": draft.updated_at.isoformat() if draft else None})


@use_case
def save_file_draft(name: str, content: str, revision: int, user: User, test_rows: list | None = None) -> StudioFileDraft:
    """Store ``content`` (and, when given, ``test_rows``) as the draft of
    file ``name``. ``revision`` is the draft revision the editor started
    from (0: no draft yet); a save from a stale revision is refused naming
    who saved in between. A name not deployed yet starts a new file.
    Raises Forbidden, NotFound (not a .dmn or form .json name), Conflict,
    ValidationFailed (content too long or with NUL, malformed test rows)."""
    ensure_process_admin(user, "edit decision tables and forms in the studio")
    kind = file_kind(name)
    if not storable_text(content) or len(content) > MAX_FILE_CHARS:
        raise ValidationFailed.for_fields({"content": [f"At most {MAX_FILE_CHARS} characters, without NUL."]})
    rows = _checked_test_rows(test_rows)
    draft = _draft(name)
    if revision != (draft.revision if draft else 0):
        raise _stale(draft)
    if draft is None:
        deployed = deployment.stored_files((kind,)).get(name)
        draft = StudioFileDraft(name=name, kind=kind,
                                base_hash=content_hash(deployed) if deployed is not None else None)
        db.session.add(draft)
    draft.content = content
    if rows is not None:
        draft.test_rows = rows
    draft.updated_at = clock.now()
    draft.updated_by_id = user.id
    try:
        db.session.flush()  # the revision counts up here, only from the one read
    except (IntegrityError, StaleDataError) as exc:
        raise Conflict("Someone saved this file at the same moment; reload it first.", code="stale_draft",
                       details={"revision": None, "updated_by": None, "updated_at": None}) from exc
    return draft


@use_case
def discard_file_draft(name: str, user: User) -> None:
    """Delete the draft of file ``name``. Raises Forbidden, NotFound."""
    ensure_process_admin(user, "discard studio drafts")
    db.session.delete(get_file_draft(name, user))
