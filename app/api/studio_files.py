"""/studio/files: shared drafts of decision tables (.dmn) and forms (.json)
with revision checks, and the test rows saved beside a table. Process admins
write; auditors read; others get 403."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.services import studio_files

blp = ApiBlueprint("studio_files", __name__, description="The studio's decision tables and forms: file drafts")


class StudioTestRowSchema(Schema):
    inputs = fields.Dict(keys=fields.String(), load_default=dict,
                         metadata={"description": "input expression → value"})
    expected = fields.Dict(keys=fields.String(), load_default=dict,
                           metadata={"description": "output name → expected value"})


class StudioFileSchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "dmn or form"})
    content = fields.String(required=True)
    revision = fields.Integer(required=True, metadata={"description": "0: no draft, the deployed content"})
    base_hash = fields.String(required=True, allow_none=True,
                              metadata={"description": "sha256 of the deployed content the draft started from"})
    deployed_hash = fields.String(required=True, allow_none=True,
                                  metadata={"description": "sha256 of the content deployed now (None: a new file)"})
    draft = fields.Function(lambda source: source.draft is not None, required=True)
    test_rows = fields.List(fields.Nested(StudioTestRowSchema), required=True)
    updated_at = fields.DateTime(required=True, allow_none=True)
    updated_by = fields.String(required=True, allow_none=True)


class StudioFileSaveSchema(Schema):
    content = fields.String(required=True, validate=validate.Length(min=1, max=studio_files.MAX_FILE_CHARS))
    revision = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_ID),
                              metadata={"description": "the revision this edit started from; 0 when there was no draft"})
    test_rows = fields.List(fields.Nested(StudioTestRowSchema), load_default=None,
                            validate=validate.Length(max=studio_files.MAX_TEST_ROWS),
                            metadata={"description": "a table's test rows; left as they are when not sent"})


@blp.get("/studio/files/<name>")
@blp.response(200, StudioFileSchema)
def get_file(name):
    """The draft of a DMN or form file, or its deployed content (revision 0) when there is no draft."""
    return studio_files.file_source(name, current_user())


@blp.put("/studio/files/<name>")
@blp.arguments(StudioFileSaveSchema)
@blp.response(200, StudioFileSchema)
def save_file(body, name):
    """Save the file's draft; 409 ``stale_draft`` naming who saved in between when ``revision`` is not the current one."""
    studio_files.save_file_draft(name, body["content"], body["revision"], current_user(), body["test_rows"])
    return studio_files.file_source(name, current_user())


@blp.delete("/studio/files/<name>")
@blp.response(204)
def discard_file(name):
    """Discard the file's draft."""
    studio_files.discard_file_draft(name, current_user())
