"""/operate corrections: a process admin asks to suspend, resume, move the
token of, skip a step of, or correct a data field of one instance (with a
reason); another process admin approves or rejects what must wait; process
admins and auditors list the requests."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID
from app.models.correction_request import CORRECTION_KINDS, CORRECTION_STATES
from app.services import corrections

blp = ApiBlueprint("operate_corrections", __name__, description="Operating processes: corrections of an instance")


class CorrectionSchema(Schema):
    kind = Text(required=True, validate=validate.OneOf(CORRECTION_KINDS))
    reason = Text(required=True, validate=validate.Length(min=1, max=corrections.MAX_REASON_CHARS))
    task_id = Text(metadata={"description": "move, skip: the engine task id of the active step"})
    to_element = Text(metadata={"description": "move: the element id of the step the token goes to"})
    field = Text(metadata={"description": "data: the top-level data field to correct"})
    value = fields.Raw(allow_none=True, metadata={"description": "data: the new value, of the field's JSON type"})


class CorrectionDecisionSchema(Schema):
    note = Text(load_default=None, validate=validate.Length(max=corrections.MAX_REASON_CHARS))


class CorrectionRejectSchema(Schema):
    note = Text(required=True, validate=validate.Length(min=1, max=corrections.MAX_REASON_CHARS))


class CorrectionListSchema(Schema):
    status = Text(load_default=None, validate=validate.OneOf(CORRECTION_STATES))
    instance_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))


class CorrectionRequestSchema(Schema):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    payload = fields.Dict(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, applied, rejected, withdrawn or failed"})
    requested_by = fields.String(allow_none=True)
    requested_at = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    decision_note = fields.String(allow_none=True)


def _id(value: int) -> int:
    return value if value <= MAX_ID else 0  # no row has it; PostgreSQL integers stop at MAX_ID


@blp.post("/operate/instances/<int(signed=False):instance_id>/corrections")
@blp.arguments(CorrectionSchema)
@blp.response(201, CorrectionRequestSchema)
def request_correction(body, instance_id):
    """Ask for a correction; applied at once (status ``applied``) unless OPERATE_CORRECTION_APPROVAL makes its kind
    wait for a second process admin (``pending``). 403 for anyone but process admins; 409 ``instance_suspended``,
    ``not_suspended``, ``instance_ended``; 422 naming the field the engine refuses."""
    kind, reason = body.pop("kind"), body.pop("reason")
    request = corrections.request_correction(_id(instance_id), current_user(), kind, reason, **body)
    return corrections.request_as_json(request)


@blp.get("/operate/corrections")
@blp.arguments(CorrectionListSchema, location="query")
@blp.response(200, CorrectionRequestSchema(many=True))
def list_corrections(args):
    """Correction requests, newest first (of one status, or one instance)."""
    return [corrections.request_as_json(r) for r in
            corrections.correction_requests(current_user(), args["status"], args["instance_id"])]


@blp.post("/operate/corrections/<int(signed=False):request_id>/approve")
@blp.arguments(CorrectionDecisionSchema)
@blp.response(200, CorrectionRequestSchema)
def approve(body, request_id):
    """Approve and apply a pending request as ANOTHER process admin (403 ``own_correction``); when the instance
    changed since it was asked, the request becomes ``failed`` and nothing is applied (409 ``already_decided``
    for one decided before)."""
    return corrections.request_as_json(corrections.approve_correction(_id(request_id), current_user(), body["note"]))


@blp.post("/operate/corrections/<int(signed=False):request_id>/reject")
@blp.arguments(CorrectionRejectSchema)
@blp.response(200, CorrectionRequestSchema)
def reject(body, request_id):
    """Reject a pending request with a note (403 ``own_correction``: the requester withdraws instead)."""
    return corrections.request_as_json(corrections.reject_correction(_id(request_id), current_user(), body["note"]))


@blp.post("/operate/corrections/<int(signed=False):request_id>/withdraw")
@blp.response(200, CorrectionRequestSchema)
def withdraw(request_id):
    """The requester takes back a pending request."""
    return corrections.request_as_json(corrections.withdraw_correction(_id(request_id), current_user()))
