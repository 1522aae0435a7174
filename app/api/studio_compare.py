"""/studio: comparing two versions of a process (or the draft with its
base), who else has a draft open (the modeler's heartbeat) and the
discarded drafts that can be restored. Process admins write; auditors read;
everyone else gets 403."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.api.studio import StudioDraftSchema
from app.services import studio_compare, studio_presence, studio_restore

blp = ApiBlueprint("studio_compare", __name__, description="The analysts' studio: compare versions, presence, restore")


class CompareQuerySchema(Schema):
    a = fields.String(load_default=None, validate=validate.Length(max=16),
                      metadata={"description": "the old side: a version number or 'draft' (default: the draft's base, "
                                               "else the version before the latest)"})
    b = fields.String(load_default=None, validate=validate.Length(max=16),
                      metadata={"description": "the new side: a version number or 'draft' (default: the draft, else the latest)"})


class SideSchema(Schema):
    side = fields.String(required=True, attribute="name", metadata={"description": "a version number or 'draft'"})
    version = fields.Integer(required=True, allow_none=True, metadata={"description": "for the draft: its base version"})
    production = fields.Boolean(required=True, metadata={"description": "the latest version: new requests start on it"})
    running = fields.Integer(required=True, metadata={"description": "running instances on this version"})


class ElementSchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    name = fields.String(required=True, allow_none=True)


class PropertyChangeSchema(Schema):
    property = fields.String(required=True)
    old = fields.String(required=True, allow_none=True)
    new = fields.String(required=True, allow_none=True)


class ChangedElementSchema(ElementSchema):
    changes = fields.Function(lambda e: [{"property": k, "old": old, "new": new} for k, (old, new) in e.changes.items()],
                              required=True, metadata={"description": "[{property, old, new}]"})


class FileChangeSchema(Schema):
    name = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "added, removed or changed"})
    diff = fields.List(fields.String(), required=True, metadata={"description": "unified diff lines"})


class ComparisonSchema(Schema):
    key = fields.String(required=True)
    a = fields.Nested(SideSchema, required=True)
    b = fields.Nested(SideSchema, required=True)
    added = fields.List(fields.Nested(ElementSchema), required=True, attribute="diff.added")
    removed = fields.List(fields.Nested(ElementSchema), required=True, attribute="diff.removed")
    changed = fields.List(fields.Nested(ChangedElementSchema), required=True, attribute="diff.changed")
    layout = fields.List(fields.String(), required=True, attribute="diff.layout",
                         metadata={"description": "ids of elements only moved or reshaped"})
    files = fields.List(fields.Nested(FileChangeSchema), required=True, attribute="diff.files")
    problems = fields.List(fields.String(), required=True, attribute="diff.problems")
    waiting = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.Integer()),
                          required=True, metadata={"description": "side (a, b) -> element id -> running instances "
                                                                  "with a ready task there (deployed sides only)"})


class PresentSchema(Schema):
    username = fields.String(required=True)
    name = fields.String(required=True)
    seen_at = fields.DateTime(required=True)


class PresenceSchema(Schema):
    others = fields.List(fields.Nested(PresentSchema), required=True,
                         metadata={"description": "everyone else seen on this draft in the last 45 seconds"})


class DiscardedDraftSchema(Schema):
    id = fields.Integer(required=True)
    base_version = fields.Integer(required=True, allow_none=True)
    revision = fields.Integer(required=True)
    discarded_at = fields.DateTime(required=True)
    discarded_by = fields.Function(lambda d: d.discarded_by.username if d.discarded_by else None, required=True,
                                   allow_none=True)
    updated_by = fields.Function(lambda d: d.updated_by.username if d.updated_by else None, required=True,
                                 allow_none=True)


class RestoreSchema(Schema):
    id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID),
                        metadata={"description": "the discarded draft to restore"})


@blp.get("/studio/processes/<key>/compare")
@blp.arguments(CompareQuerySchema, location="query")
@blp.response(200, ComparisonSchema)
def compare(query, key):
    """Compare two versions (or the draft with its base): elements added, removed, changed with old and new values,
    moved only, form and table diffs, running instances waiting on each changed element."""
    a = studio_compare.parse_side(query["a"], "a")
    b = studio_compare.parse_side(query["b"], "b")
    if a is None or b is None:
        default_a, default_b = studio_compare.default_sides(key, current_user())
        a, b = a or default_a, b or default_b
    return studio_compare.compare(key, a, b, current_user())


@blp.get("/studio/drafts/<key>/presence")
@blp.response(200, PresenceSchema)
def presence(key):
    """Who else has the draft open (seen in the last 45 seconds)."""
    return {"others": studio_presence.others_present(key, current_user())}


@blp.post("/studio/drafts/<key>/presence")
@blp.response(200, PresenceSchema)
def heartbeat(key):
    """The modeler's heartbeat (every 15 seconds): I have the draft open; answers with the others present."""
    return {"others": studio_presence.heartbeat(key, current_user())}


@blp.get("/studio/drafts/<key>/discarded")
@blp.response(200, DiscardedDraftSchema(many=True))
def discarded(key):
    """The last discarded drafts of a process key, newest first, that can be restored."""
    return studio_restore.discarded_drafts(key, current_user())


@blp.post("/studio/drafts/<key>/restore")
@blp.arguments(RestoreSchema)
@blp.response(200, StudioDraftSchema)
def restore(body, key):
    """Restore a discarded draft as the draft; 409 ``draft_exists`` when there is a draft now."""
    return studio_restore.restore_draft(key, body["id"], current_user())
