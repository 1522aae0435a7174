"""/audit/instances/<id>/replay: an instance's events replayed, for
auditors and process admins (the replay page's JavaScript reads it)."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID
from app.services import replay_view

blp = ApiBlueprint("audit-replay", __name__, description="Audit: replay an instance step by step")


class ReplayQuerySchema(Schema):
    seq = fields.Integer(validate=validate.Range(min=1, max=2_000_000_000),
                         metadata={"description": "the event to select"})
    as_of = Text(validate=validate.Length(max=40),
                 metadata={"description": "select the last event at or before this date-time (business timezone)"})


class MomentSchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.String(required=True, metadata={"description": "ISO 8601, UTC"})
    kind = fields.String(required=True)
    element_id = fields.String(required=True, allow_none=True)
    step = fields.String(required=True, allow_none=True, metadata={"description": "the user task's name"})
    task_id = fields.String(required=True, allow_none=True)
    actor = fields.String(required=True, allow_none=True)
    actor_name = fields.String(required=True, allow_none=True)
    on_behalf_of = fields.String(required=True, allow_none=True)
    event_data = fields.Dict(required=True, metadata={"description": "what the event recorded"})
    active = fields.List(fields.String(), required=True, metadata={"description": "elements holding a token after it"})
    path = fields.List(fields.String(), required=True, metadata={"description": "elements completed so far, in order"})
    data = fields.Dict(required=True, metadata={"description": "the workflow data after the event"})


class ChangeSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    change = fields.String(required=True, validate=validate.OneOf(["added", "removed", "changed"]))
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)


class FileSchema(Schema):
    name = fields.String(required=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(required=True)
    type = fields.String(allow_none=True)
    intact = fields.Boolean(allow_none=True, metadata={"description": "the stored file still hashes to sha256"})


class ReplaySchema(Schema):
    instance_id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    version = fields.Integer(required=True)
    selected_seq = fields.Integer(allow_none=True)
    moments = fields.List(fields.Nested(MomentSchema), required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True, metadata={"description": "of the selected event"})
    files = fields.List(fields.Nested(FileSchema), required=True, metadata={"description": "of the selected event"})
    roles = fields.List(fields.String(), required=True, metadata={"description": "the selected event's actor's roles"})
    roles_as_of = fields.Boolean(required=True, metadata={"description": "false: roles held now, not at that moment"})


@blp.get(f"/audit/instances/<int(max={MAX_ID}):instance_id>/replay")
@blp.arguments(ReplayQuerySchema, location="query")
@blp.response(200, ReplaySchema)
def replay(query, instance_id):
    """Every event of the instance with the tokens, path and data after it;
    and for the selected one (``seq``, ``as_of``, else the last) the changes,
    files and the actor's roles. Auditors and process admins only (403)."""
    return replay_view.as_json(replay_view.replay_page(instance_id, current_user(), query.get("seq"),
                                                        query.get("as_of")))
