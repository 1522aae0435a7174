"""/studio/files: shared drafts of decision tables (.dmn) and forms (.json)
with revision checks, and the test rows saved beside a table. Process admins
write; auditors read; others get 403."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.services import studio_file_checks, studio_files
from app.web.form_preview import preview_html

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


class StudioFileProblemSchema(Schema):
    file = fields.String(required=True)
    line = fields.Integer(required=True, allow_none=True)
    element_id = fields.String(required=True, allow_none=True,
                               metadata={"description": "a table's element id, or a form's field path"})
    message = fields.String(required=True)


class StudioFileCheckSchema(Schema):
    revision = fields.Integer(required=True)
    problems = fields.List(fields.Nested(StudioFileProblemSchema), required=True)
    warnings = fields.List(fields.Nested(StudioFileProblemSchema), required=True,
                           metadata={"description": "what deploy lets through: a form's titles without English"})


class StudioEvaluateSchema(Schema):
    rows = fields.List(fields.Nested(StudioTestRowSchema), load_default=list,
                       validate=validate.Length(max=studio_files.MAX_TEST_ROWS))


class StudioColumnSchema(Schema):
    key = fields.String(required=True, metadata={"description": "input expression, or output name"})
    label = fields.String(required=True)


class StudioRowResultSchema(Schema):
    outputs = fields.Raw(required=True, allow_none=True, metadata={"description": "None: no rule matched"})
    rules = fields.List(fields.String(), required=True)
    error = fields.String(required=True, allow_none=True)
    passed = fields.Boolean(required=True, allow_none=True, metadata={"description": "None: nothing expected"})


class StudioEvaluationSchema(Schema):
    revision = fields.Integer(required=True)
    decision_id = fields.String(required=True)
    hit_policy = fields.String(required=True)
    inputs = fields.List(fields.Nested(StudioColumnSchema), required=True)
    outputs = fields.List(fields.Nested(StudioColumnSchema), required=True)
    results = fields.List(fields.Nested(StudioRowResultSchema), required=True)


class StudioPreviewRequestSchema(Schema):
    schema = fields.Raw(required=True, metadata={"description": "the form's JSON Schema, as an object or as text"})


class StudioPreviewSchema(Schema):
    html = fields.String(required=True, metadata={"description": "the fields as the task page renders them"})


class StudioLookupsSchema(Schema):
    lookups = fields.List(fields.String(), required=True, metadata={"description": "what x-ref may name"})


@blp.post("/studio/files/<name>/check")
@blp.response(200, StudioFileCheckSchema)
def check_file(name):
    """Run the deploy lint on the file's draft (or deployed content): its problems, and warnings."""
    source = studio_files.file_source(name, current_user())
    return {"revision": source.revision, "problems": studio_file_checks.check_file(name, current_user()),
            "warnings": studio_file_checks.check_warnings(name, current_user())}


@blp.post("/studio/files/<name>/evaluate")
@blp.arguments(StudioEvaluateSchema)
@blp.response(200, StudioEvaluationSchema)
def evaluate_file(body, name):
    """Run the draft decision table on test rows with the server's engine: actual outputs against expected."""
    return studio_file_checks.evaluate_table(name, body["rows"], current_user())


@blp.post("/studio/forms/preview")
@blp.arguments(StudioPreviewRequestSchema)
@blp.response(200, StudioPreviewSchema)
def preview_form(body):
    """The form's fields rendered by the task page's own code; 422 naming each field with a problem."""
    schema = studio_file_checks.preview_schema(body["schema"], current_user())
    return {"html": preview_html(schema)}


@blp.get("/studio/forms/lookups")
@blp.response(200, StudioLookupsSchema)
def form_lookups():
    """The lookups a form field's x-ref may name."""
    return {"lookups": studio_file_checks.lookup_targets(current_user())}
