"""/audit/instances/<id>/reexecution: re-execute an instance from its audit
log and answer the verdict. A POST (it runs work on the server) that changes
nothing, so auditors may send it (app/api/__init__.py READING_POSTS)."""
from marshmallow import Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.services import replay

blp = ApiBlueprint("audit-reexecution", __name__, description="Re-execution of instances from their audit log")

REEXECUTION = f"/audit/instances/<int(max={MAX_ID}):instance_id>/reexecution"


class VerdictSchema(Schema):
    instance_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["VERIFIED", "DIVERGED", "NOT_REEXECUTABLE"]})
    seq = fields.Integer(required=True, allow_none=True,
                         metadata={"description": "the input event whose consequences differ"})
    difference = fields.String(required=True, allow_none=True)
    events = fields.Integer(required=True, metadata={"description": "how many events were read"})
    expected = fields.Raw(required=True, allow_none=True, metadata={"description": "what the history records"})
    actual = fields.Raw(required=True, allow_none=True, metadata={"description": "what the fresh engine did"})


@blp.post(REEXECUTION)
@blp.response(200, VerdictSchema)
def reexecution(instance_id):
    """Feed the instance's recorded inputs to a fresh engine on its pinned
    version (service results as recorded; nothing is posted) and compare
    with the stored state. Auditors and process administrators only."""
    replay.ensure_may_replay(current_user())
    return replay.reexecute(instance_id).to_json()
