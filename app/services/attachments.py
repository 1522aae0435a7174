"""File attachments of form fields (``"format": "attachment"``): stored
outside the database under ``instance/attachments/<sha256>`` (the same file
twice is stored once) and referenced in task data as
``{"name", "type", "size", "sha256"}``. The web form, the API and the flow
tests all store files through here, so the limits are the same everywhere."""
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from app.errors import ValidationFailed
from app.form_kinds import is_attachment

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
EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".doc", ".xls", ".txt"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 64 * 1024


class AttachmentRefused(ValueError):
    """A file the store does not take; ``reason`` is ``type`` or ``size``."""

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


def save(filename: str, content_type: str, stream: BinaryIO) -> dict:
    """Store ``stream``; returns its reference. Raises AttachmentRefused
    for a type outside ALLOWED_TYPES or a file over MAX_ATTACHMENT_BYTES."""
    name, kind = safe_name(filename), (content_type or "").lower()
    if kind not in ALLOWED_TYPES or Path(name).suffix.lower() not in EXTENSIONS:
        raise AttachmentRefused("type", "This file type is not accepted (PDF, images, Office documents, text).")
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as out:
        try:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise AttachmentRefused("size", f"The file is larger than {MAX_ATTACHMENT_BYTES // 1024 // 1024} MiB.")
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            os.unlink(out.name)
            raise
    sha = digest.hexdigest()
    os.replace(out.name, folder / sha)
    return {"name": name, "type": kind, "size": size, "sha256": sha}


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


def check_references(schema: dict | None, data: dict) -> None:
    """Every attachment field of ``data`` names a stored file of that size.
    Raises ValidationFailed naming each field whose file is unknown."""
    if not schema:
        return
    fields = {}
    for path, ref in _attachment_paths(schema, data):
        if not isinstance(ref, dict):
            continue  # the schema check reports the shape
        stored = path_of(str(ref.get("sha256") or ""))
        if stored is None or (ref.get("size") is not None and stored.stat().st_size != ref.get("size")):
            fields[".".join(map(str, path))] = ["No stored attachment has this sha256 and size; upload the file first."]
    if fields:
        raise ValidationFailed("Unknown attachments.", details={"fields": fields})


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
