"""/studio publishing: a process draft with its change note (or a publish
request when a second admin must approve), the publish requests and their
approval or rejection, and a decision table or form published alone."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.services import studio_publish

blp = ApiBlueprint("studio_publish", __name__, description="The analysts' studio: publishing drafts")


class PublishNoteSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=studio_publish.MAX_NOTE_CHARS),
                         metadata={"description": "what changed, kept on the version and in the deploy chain"})


class RejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=studio_publish.MAX_NOTE_CHARS))


class PublishedVersionSchema(Schema):
    key = fields.String(required=True)
    version = fields.Integer(required=True)
    created = fields.Boolean(required=True)


class PublishScenarioRunSchema(Schema):
    name = fields.String(required=True)
    passed = fields.Boolean(required=True)
    path = fields.List(fields.String(), required=True)
    stopped_at = fields.String(required=True, allow_none=True)
    message = fields.String(required=True, allow_none=True)


class PublishRequestSchema(Schema):
    id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    base_version = fields.Integer(required=True, allow_none=True)
    note = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "pending, approved or rejected"})
    requested_at = fields.DateTime(required=True)
    requested_by = fields.Function(lambda r: r.requested_by.username if r.requested_by else None, allow_none=True)
    decided_at = fields.DateTime(required=True, allow_none=True)
    decided_by = fields.Function(lambda r: r.decided_by.username if r.decided_by else None, allow_none=True)
    reason = fields.String(required=True, allow_none=True)
    published_version = fields.Integer(required=True, allow_none=True)


class PublishResultSchema(Schema):
    versions = fields.List(fields.Nested(PublishedVersionSchema), required=True,
                           metadata={"description": "the new versions (none while awaiting approval)"})
    request = fields.Nested(PublishRequestSchema, allow_none=True, required=True,
                            metadata={"description": "the pending request when a second admin must approve"})
    runs = fields.List(fields.Nested(PublishScenarioRunSchema), required=True,
                       metadata={"description": "the saved scenarios run before publishing"})


def _id(value: int) -> int:
    return value if value <= MAX_ID else 0  # no row has it; PostgreSQL integers stop at MAX_ID


def _result(published):
    return {"versions": published.versions, "request": published.request,
            "runs": [studio_publish.run_as_dict(run) for run in published.runs]}


@blp.post("/studio/drafts/<key>/publish")
@blp.arguments(PublishNoteSchema)
@blp.response(200, PublishResultSchema)
def publish_draft(body, key):
    """Publish the draft as a new version (422 with the lint problems or the failed scenarios; 409 ``stale_base``
    naming the newer version); with approval on, a pending request instead."""
    return _result(studio_publish.publish_draft(key, body["note"], current_user()))


@blp.post("/studio/files/<name>/publish")
@blp.arguments(PublishNoteSchema)
@blp.response(200, PublishResultSchema)
def publish_file(body, name):
    """Publish the draft of a decision table or form alone: a new version of every process whose latest version
    uses it, each with the note (404 without a draft; 409 ``stale_base`` when the file was published since)."""
    return {"versions": studio_publish.publish_file(name, body["note"], current_user()), "request": None, "runs": []}


@blp.get("/studio/publish-requests")
@blp.response(200, PublishRequestSchema(many=True))
def publish_requests():
    """Every publish request, newest first."""
    return studio_publish.publish_requests(current_user())


@blp.post("/studio/publish-requests/<int(signed=False):request_id>/approve")
@blp.response(200, PublishRequestSchema)
def approve(request_id):
    """Approve and deploy a pending publish (403 ``own_publish`` for the one who asked)."""
    return studio_publish.approve_publish(_id(request_id), current_user())


@blp.post("/studio/publish-requests/<int(signed=False):request_id>/reject")
@blp.arguments(RejectSchema)
@blp.response(200, PublishRequestSchema)
def reject(body, request_id):
    """Reject a pending publish with a reason (403 ``own_publish`` for the one who asked)."""
    return studio_publish.reject_publish(_id(request_id), body["reason"], current_user())
