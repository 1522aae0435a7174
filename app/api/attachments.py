"""/attachments: upload a file for a form's attachment field, then put the
returned reference into the task data; /process-instances/{id}/attachments
serves the files an instance refers to, to people who may see it."""
from flask import send_file
from marshmallow import Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.errors import NotFound, ValidationFailed
from app.services import attachments
from app.services.queries import visible_instance

blp = ApiBlueprint("attachments", __name__, description="Files for attachment fields of forms")


class AttachmentRefSchema(Schema):
    name = fields.String(required=True)
    type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


class UploadSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


@blp.post("/attachments")
@blp.arguments(UploadSchema, location="files")
@blp.response(201, AttachmentRefSchema)
def upload(files):
    """Store one file (multipart field ``file``; PDF, images, Office documents
    or text, at most 10 MiB; the content must match the extension). The same
    file twice is stored once. Only you can put the reference into a form."""
    upload = files["file"]
    try:
        return attachments.upload(upload.filename or "", upload.mimetype or "", upload.stream, current_user())
    except attachments.AttachmentRefused as refused:
        raise ValidationFailed.for_fields({"file": [str(refused)]}) from None


@blp.get(f"/process-instances/<int(max={MAX_ID}):instance_id>/attachments/<sha256>")
@blp.response(200, description="The file, as a download")
def download(instance_id: int, sha256: str):
    """A file this instance's data refers to (404 for any other)."""
    instance = visible_instance(instance_id, current_user())
    ref = attachments.referenced(instance.data or {}, sha256)
    path = attachments.path_of(sha256) if ref else None
    if path is None:
        raise NotFound("This instance refers to no stored file with that sha256.", code="attachment_not_found")
    return send_file(path, mimetype=attachments.stored_type(sha256), as_attachment=True,
                     download_name=ref.get("name") or sha256)
