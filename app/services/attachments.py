"""File attachments of form fields (``"format": "attachment"``): stored
outside the database under ``instance/attachments/<sha256>`` (the same file
twice is stored once) and referenced in task data as
``{"name", "type", "size", "sha256"}``. The web form, the API and the flow
tests all store files through here, so the limits are the same everywhere.

Each upload is recorded (``Attachment``) with its uploader and the name and
type the server decided: the type comes from the file name's extension and
must match the content's leading bytes; the client's type is not believed.
A form may name a file only its submitter uploaded, or one its request
already holds, so knowing a file's sha256 is not enough to take it; the
reference kept is the stored one."""
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import or_, select

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.form_kinds import is_attachment
from app.models import Attachment
from app.services.unit_of_work import use_case

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
    "text/plain": ".txt",
}
TYPE_OF_EXTENSION = {**{ext: kind for kind, ext in ALLOWED_TYPES.items()}, ".jpeg": "image/jpeg"}
EXTENSIONS = set(TYPE_OF_EXTENSION)
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .xls
LEADING_BYTES = {
    ".pdf": b"%PDF-", ".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff",
    ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04", ".doc": _OLE, ".xls": _OLE,
}
REF_KEYS = {"name", "type", "size", "sha256"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 64 * 1024


class AttachmentRefused(ValueError):
    """A file the store does not take; ``reason`` is ``type``, ``content`` or ``size``."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def attachments_dir() -> Path:
    return Path(current_app.config.get("ATTACHMENTS_DIR") or os.path.join(current_app.instance_path, "attachments"))


def path_of(sha256: str) -> Path | None:
    """The stored file with this digest, or None."""
    if not _SHA256.match(sha256 or ""):
        return None
    path = attachments_dir() / sha256
    return path if path.is_file() else None


def safe_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return re.sub(r"[\x00-\x1f\"<>|]", "_", name)[:200] or "attachment"


def _type_of(name: str, head: bytes) -> str:
    """The type of a file called ``name`` starting with ``head``. Raises
    AttachmentRefused when the extension is not accepted or the content is
    not what it says."""
    extension = Path(name).suffix.lower()
    if extension not in TYPE_OF_EXTENSION:
        raise AttachmentRefused("type", "This file type is not accepted (PDF, images, Office documents, text).")
    expected = LEADING_BYTES.get(extension)
    if (expected is not None and not head.startswith(expected)) or (expected is None and b"\x00" in head):
        raise AttachmentRefused("content", f"The content of this file is not a {extension} file.")
    return TYPE_OF_EXTENSION[extension]


def save(filename: str, content_type: str, stream: BinaryIO, *, owner=None) -> dict:
    """Store ``stream`` uploaded by ``owner`` (None: stored by the platform
    itself); returns its reference. ``content_type`` is the client's claim
    and is not used: the type follows from the name and the content. Raises
    AttachmentRefused for a type outside ALLOWED_TYPES, content that does not
    match its extension, or a file over MAX_ATTACHMENT_BYTES."""
    name = safe_name(filename)
    first = stream.read(_CHUNK)
    kind = _type_of(name, first)
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as out:
        try:
            chunk = first
            while chunk:
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise AttachmentRefused("size", f"The file is larger than {MAX_ATTACHMENT_BYTES // 1024 // 1024} MiB.")
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(_CHUNK)
        except BaseException:
            out.close()
            os.unlink(out.name)
            raise
    sha = digest.hexdigest()
    os.replace(out.name, folder / sha)
    db.session.add(Attachment(sha256=sha, size=size, name=name, type=kind, uploaded_by_id=getattr(owner, "id", None),
                              uploaded_at=clock.now()))
    db.session.flush()
    return {"name": name, "type": kind, "size": size, "sha256": sha}


@use_case
def upload(filename: str, content_type: str, stream: BinaryIO, owner) -> dict:
    """``save`` as its own unit of work: a person's upload (web or API)."""
    return save(filename, content_type, stream, owner=owner)


def save_bytes(filename: str, content_type: str, content: bytes) -> dict:
    """``save`` for content already in memory (imports, tests)."""
    import io

    return save(filename, content_type, io.BytesIO(content))


def _attachment_paths(schema: dict, data, path: tuple = ()):
    """(field path, value) of every attachment field present in ``data``."""
    if is_attachment(schema):
        yield path, data
    elif isinstance(data, dict) and isinstance(schema.get("properties"), dict):
        for name, sub in schema["properties"].items():
            if name in data:
                yield from _attachment_paths(sub, data[name], (*path, name))
    elif isinstance(data, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(data):
            yield from _attachment_paths(schema["items"], item, (*path, index))


def _stored_for(sha256: str, actor) -> Attachment | None:
    """The upload of ``sha256`` that ``actor`` may name: their own, or one the
    platform stored itself; the latest first."""
    owners = [Attachment.uploaded_by_id.is_(None)]
    if actor is not None:
        owners.append(Attachment.uploaded_by_id == actor.id)
    return db.session.scalar(select(Attachment).where(Attachment.sha256 == sha256, or_(*owners))
                             .order_by(Attachment.id.desc()).limit(1))


def _checked(ref: dict, actor, held) -> str | None:
    """Why ``ref`` may not be submitted (None: it may; it is then the stored reference)."""
    extra = sorted(set(ref) - REF_KEYS, key=str)
    if extra:
        return f"An attachment has only name, type, size and sha256; not {', '.join(map(str, extra))}."
    sha = str(ref.get("sha256") or "")
    if path_of(sha) is None:
        return "No stored attachment has this sha256 and size; upload the file first."
    held_ref = referenced(held or {}, sha)
    stored = _stored_for(sha, actor)
    if stored is None and held_ref is None:
        return "Upload this file yourself first: it is not one of your uploads or of this request's files."
    truth = ({"name": stored.name, "type": stored.type, "size": stored.size, "sha256": stored.sha256} if stored
             else {key: held_ref.get(key) for key in REF_KEYS})
    if ref.get("size") is not None and ref.get("size") != truth["size"]:
        return "No stored attachment has this sha256 and size; upload the file first."
    ref.clear()
    ref.update(truth)
    return None


def check_references(schema: dict | None, data: dict, *, actor=None, held: dict | None = None) -> None:
    """Every attachment field of ``data`` names a stored file that ``actor``
    uploaded (or the platform stored, or ``held`` — the request's data —
    already refers to), with nothing but the reference's four keys; each
    reference is replaced by the stored one (name and type as the server
    decided). Raises ValidationFailed naming each field that fails."""
    if not schema:
        return
    fields = {}
    for path, ref in _attachment_paths(schema, data):
        if not isinstance(ref, dict):
            continue  # the schema check reports the shape
        problem = _checked(ref, actor, held)
        if problem:
            fields[".".join(map(str, path))] = [problem]
    if fields:
        raise ValidationFailed("Unknown attachments.", details={"fields": fields})


def stored_type(sha256: str) -> str:
    """The type the server decided for this file (octet-stream for a file
    nobody recorded), whatever a reference to it claims."""
    kind = db.session.scalar(select(Attachment.type).where(Attachment.sha256 == sha256).order_by(Attachment.id).limit(1))
    return kind or "application/octet-stream"


def referenced(data, sha256: str) -> dict | None:
    """The attachment reference with ``sha256`` anywhere inside ``data``."""
    if isinstance(data, dict):
        if data.get("sha256") == sha256 and "name" in data:
            return data
        items = data.values()
    elif isinstance(data, list):
        items = data
    else:
        return None
    for item in items:
        found = referenced(item, sha256)
        if found:
            return found
    return None
