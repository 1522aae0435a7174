"""/studio: the choices of the studio's properties panel and the shared
drafts of diagrams (save with the revision started from, discard, check with
the deploy lint). Process admins write; auditors read; others get 403."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.i18n import current_locale
from app.services import studio

blp = ApiBlueprint("studio", __name__, description="The analysts' studio: panel choices and diagram drafts")

class StudioChoiceSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "role or resolver"})


class StudioParameterSchema(Schema):
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"description": "the type attribute a diagram writes"})
    required = fields.Boolean(required=True)


class StudioChoicesSchema(Schema):
    lanes = fields.List(fields.Nested(StudioChoiceSchema), required=True,
                        metadata={"description": "what a lane may name: role codes, then resolvers"})
    forms = fields.List(fields.String(), required=True, metadata={"description": "deployed form files"})
    operations = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(StudioParameterSchema)), required=True,
                             metadata={"description": "registered service operations and their parameters"})
    approval_stages = fields.List(fields.String(), required=True)
    start_roles = fields.List(fields.Nested(StudioChoiceSchema), required=True)


class StudioDraftSchema(Schema):
    process_key = fields.String(required=True)
    base_version = fields.Integer(required=True, allow_none=True)
    revision = fields.Integer(required=True)
    xml = fields.String(required=True)
    updated_at = fields.DateTime(required=True)
    updated_by = fields.Function(lambda d: d.updated_by.username if d.updated_by else None, required=True,
                                 allow_none=True)


class StudioDraftSaveSchema(Schema):
    xml = fields.String(required=True, validate=validate.Length(min=1, max=studio.MAX_DRAFT_CHARS))
    revision = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_ID),
                              metadata={"description": "the revision this edit started from; 0 when there was no draft"})


class StudioProblemSchema(Schema):
    file = fields.String(required=True)
    line = fields.Integer(required=True, allow_none=True)
    element_id = fields.String(required=True, allow_none=True)
    message = fields.String(required=True)


class StudioCheckSchema(Schema):
    revision = fields.Integer(required=True)
    problems = fields.List(fields.Nested(StudioProblemSchema), required=True)


@blp.get("/studio/choices")
@blp.response(200, StudioChoicesSchema)
def choices():
    """What the properties panel offers to pick (process admins and auditors)."""
    return studio.choices(current_user(), current_locale())


@blp.get("/studio/drafts/<key>")
@blp.response(200, StudioDraftSchema)
def get_draft(key):
    """The draft of a process key (404 when there is none)."""
    return studio.get_draft(key, current_user())


@blp.put("/studio/drafts/<key>")
@blp.arguments(StudioDraftSaveSchema)
@blp.response(200, StudioDraftSchema)
def save_draft(body, key):
    """Save the draft; 409 ``stale_draft`` naming who saved in between when ``revision`` is not the current one."""
    return studio.save_draft(key, body["xml"], body["revision"], current_user())


@blp.delete("/studio/drafts/<key>")
@blp.response(204)
def discard_draft(key):
    """Discard the draft of a process key."""
    studio.discard_draft(key, current_user())


@blp.post("/studio/drafts/<key>/check")
@blp.response(200, StudioCheckSchema)
def check_draft(key):
    """Run the deploy lint on the draft: the problems, each with its element id."""
    draft = studio.get_draft(key, current_user())
    return {"revision": draft.revision, "problems": studio.check_draft(key, current_user())}
