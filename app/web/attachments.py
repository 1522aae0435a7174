"""File attachments of form fields (``"format": "attachment"``): stored
outside the database under ``instance/attachments/<sha256>`` (the same file
twice is stored once) and referenced in task data as
``{"name", "type", "size", "sha256"}``."""
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext
from werkzeug.datastructures import FileStorage

from app.errors import ValidationFailed

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
_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".doc", ".xls", ".txt"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 64 * 1024


def attachments_dir() -> Path:
    return Path(current_app.config.get("ATTACHMENTS_DIR") or os.path.join(current_app.instance_path, "attachments"))


def path_of(sha256: str) -> Path | None:
    if not _SHA256.match(sha256 or ""):
        return None
    path = attachments_dir() / sha256
    return path if path.is_file() else None


def _safe_name(filename: str) -> str:
    name = os.path.basename(filename.replace("\\", "/")).strip()
    return re.sub(r"[\x00-\x1f\"<>|]", "_", name)[:200] or "attachment"


class AttachmentStore:
    """Callable handed to the form parser: saves uploads, re-reads kept refs."""

    def __call__(self, field_name: str, upload: FileStorage) -> dict:
        name = _safe_name(upload.filename or "")
        kind = (upload.mimetype or "").lower()
        if kind not in ALLOWED_TYPES or Path(name).suffix.lower() not in _EXTENSIONS:
            raise ValidationFailed.for_fields(
                {field_name.replace("-", "."): [gettext("This file type is not accepted (PDF, images, Office documents, text).")]})
        folder = attachments_dir()
        folder.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        with tempfile.NamedTemporaryFile(dir=folder, delete=False) as out:
            try:
                while chunk := upload.stream.read(_CHUNK):
                    size += len(chunk)
                    if size > MAX_ATTACHMENT_BYTES:
                        raise ValidationFailed.for_fields({field_name.replace("-", "."): [
                            gettext("The file is larger than %(mib)d MiB.", mib=MAX_ATTACHMENT_BYTES // 1024 // 1024)]})
                    digest.update(chunk)
                    out.write(chunk)
            except BaseException:
                out.close()
                os.unlink(out.name)
                raise
        sha = digest.hexdigest()
        os.replace(out.name, folder / sha)
        return {"name": name, "type": kind, "size": size, "sha256": sha}

    def kept(self, raw: str) -> dict | None:
        """A reference saved on an earlier, invalid submit (only if its file exists)."""
        try:
            ref = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(ref, dict) or path_of(str(ref.get("sha256"))) is None:
            return None
        return {"name": _safe_name(str(ref.get("name") or "")), "type": str(ref.get("type") or ""),
                "size": int(ref.get("size") or 0), "sha256": ref["sha256"]}


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
