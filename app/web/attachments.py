"""The web form's side of attachments: uploads from a multipart form go to
the attachment store (``app.services.attachments``), and a reference kept
from an earlier, invalid submit is re-read."""
import json

from flask_babel import gettext
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from app.errors import ValidationFailed
from app.services.attachments import (MAX_ATTACHMENT_BYTES, AttachmentRefused, path_of, referenced, safe_name,
                                      stored_type, upload)

__all__ = ["AttachmentStore", "path_of", "referenced", "stored_type"]


class AttachmentStore:
    """Callable handed to the form parser: saves uploads, re-reads kept refs."""

    def __call__(self, field_name: str, upload_file: FileStorage) -> dict:
        try:
            # Committed at once: a form sent back for correction keeps naming it.
            return upload(upload_file.filename or "", upload_file.mimetype or "", upload_file.stream,
                          current_user._get_current_object())
        except AttachmentRefused as refused:
            message = {
                "type": gettext("This file type is not accepted (PDF, images, Office documents, text)."),
                "content": gettext("The content of this file does not match its type."),
            }.get(refused.reason) or gettext("The file is larger than %(mib)d MiB.", mib=MAX_ATTACHMENT_BYTES // 1024 // 1024)
            raise ValidationFailed.for_fields({field_name.replace("-", "."): [message]}) from None

    def kept(self, raw: str) -> dict | None:
        """A reference saved on an earlier, invalid submit (only if its file exists)."""
        try:
            ref = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(ref, dict) or path_of(str(ref.get("sha256"))) is None:
            return None
        return {"name": safe_name(str(ref.get("name") or "")), "type": str(ref.get("type") or ""),
                "size": int(ref.get("size") or 0), "sha256": ref["sha256"]}
