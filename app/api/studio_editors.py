"""/studio/check-expression: the studio's editors check a condition, a
script, a timer or a "shows" declaration against the run time's rules and
learn the variables in play at the element. Process admins ask; auditors
(read-only, refused on every POST) and others get 403."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.services import studio, studio_editors

blp = ApiBlueprint("studio_editors", __name__, description="The studio's expression, timer and shows editors")


class CheckExpressionSchema(Schema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=200))
    element_id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(studio_editors.EDITOR_KINDS))
    text = fields.String(required=True, validate=validate.Length(max=studio_editors.MAX_TEXT_CHARS))
    xml = fields.String(required=True, validate=validate.Length(min=1, max=studio.MAX_DRAFT_CHARS),
                        metadata={"description": "the diagram as the editor holds it now"})


class FindingSchema(Schema):
    severity = fields.String(required=True, metadata={"description": "error or warning"})
    message = fields.String(required=True)
    line = fields.Integer(required=True, allow_none=True)
    column = fields.Integer(required=True, allow_none=True)


class VariableSchema(Schema):
    name = fields.String(required=True)
    origin = fields.String(required=True, metadata={"description": "requester, start_form, form, result, script or decision"})
    element_id = fields.String(required=True, allow_none=True, metadata={"description": "the element writing it"})
    keys = fields.List(fields.String(), required=True, attribute="fields", data_key="fields",
                       metadata={"description": "known keys inside it"})


class CheckedExpressionSchema(Schema):
    problems = fields.List(fields.Nested(FindingSchema), required=True)
    variables = fields.List(fields.Nested(VariableSchema), required=True)
    document_kinds = fields.List(fields.String(), required=True,
                                 metadata={"description": "ledger document kinds a shows item may name"})


@blp.post("/studio/check-expression")
@blp.arguments(CheckExpressionSchema)
@blp.response(200, CheckedExpressionSchema)
def check_expression(body):
    """Check ``text`` as a ``kind`` at ``element_id`` of ``xml``; nothing is stored."""
    return studio_editors.check_expression(body["key"], body["element_id"], body["kind"], body["text"], body["xml"],
                                           current_user())
