"""/studio/import/camunda7: convert an uploaded Camunda 7 model and return
the platform's files, the report of what could not be carried over and the
deploy check's problems; when the check passes the diagram becomes the
studio draft of its key. Process admins only (auditors are refused as for
every write; others get 403)."""
from flask import request
from marshmallow import Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.errors import ValidationFailed
from app.services import camunda_import

blp = ApiBlueprint("studio_import", __name__, description="The studio: import from Camunda 7")


class ImportReportItemSchema(Schema):
    file = fields.String(required=True)
    element_id = fields.String(required=True, allow_none=True)
    element_name = fields.String(required=True, allow_none=True)
    severity = fields.String(required=True, metadata={"description": "error, warning or info"})
    message = fields.String(required=True)


class ImportProblemSchema(Schema):
    file = fields.String(required=True)
    line = fields.Integer(required=True, allow_none=True)
    element_id = fields.String(required=True, allow_none=True)
    message = fields.String(required=True)


class CamundaImportSchema(Schema):
    key = fields.String(required=True)
    bpmn_file = fields.String(required=True)
    files = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                        metadata={"description": "file name → converted text (BPMN, one DMN per decision, forms)"})
    report = fields.List(fields.Nested(ImportReportItemSchema), required=True)
    problems = fields.List(fields.Nested(ImportProblemSchema), required=True,
                           metadata={"description": "what the deploy check refuses; empty when it passes"})
    draft_revision = fields.Integer(required=True, allow_none=True,
                                    metadata={"description": "the new studio draft's revision; null when none was made"})


def outcome_json(outcome) -> dict:
    return {"key": outcome.key, "bpmn_file": outcome.bpmn_file, "files": outcome.files,
            "report": [item.as_dict() for item in outcome.report],
            "problems": [problem.as_dict() for problem in outcome.problems],
            "draft_revision": outcome.draft.revision if outcome.draft else None}


@blp.post("/studio/import/camunda7")
@blp.response(200, CamundaImportSchema)
@blp.doc(requestBody={"content": {"multipart/form-data": {"schema": {"type": "object", "required": ["bpmn"], "properties": {
    "bpmn": {"type": "string", "format": "binary"},
    "dmn": {"type": "array", "items": {"type": "string", "format": "binary"}},
    "map": {"type": "string", "description": "group=role_code, one per line"},
    "key": {"type": "string", "description": "process key of the result (default: the Camunda process id)"}}}}}})
def import_camunda7():
    """Convert a Camunda 7 BPMN (multipart field ``bpmn``) with its DMN files
    (``dmn``, repeatable); ``map`` maps group names to role codes. The
    report lists per element what was not carried over; when the deploy
    check passes, the diagram is stored as the draft of its key."""
    if "bpmn" not in request.files:
        raise ValidationFailed.for_fields({"bpmn": ["Upload the Camunda .bpmn file."]})
    bpmn = camunda_import.read_upload(request.files["bpmn"], "bpmn")
    dmns = dict(camunda_import.read_upload(storage, "dmn") for storage in request.files.getlist("dmn") if storage.filename)
    role_map = camunda_import.parse_role_map(request.form.get("map", ""))
    key = (request.form.get("key") or "").strip() or None
    outcome = camunda_import.import_to_draft(bpmn, dmns, role_map, current_user(), key)
    return outcome_json(outcome)
