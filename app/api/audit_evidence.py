"""/audit/instances/{id}/evidence: one instance's evidence pack, for auditors
and process admins (403 for everyone else)."""
from marshmallow import Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.services.evidence import evidence_pack

blp = ApiBlueprint("audit-evidence", __name__, description="Audit evidence packs")


class EvidenceSchema(Schema):
    format = fields.String(required=True, metadata={"description": "lanes-instance-evidence/1"})
    generated_at = fields.String(required=True)
    generated_by = fields.String(required=True)
    chain = fields.String(required=True, metadata={"description": "instance:{id}"})
    instance = fields.Dict(required=True, metadata={"description": "the instance's facts, its version and the version's content hash"})
    events = fields.List(fields.Dict(), required=True, metadata={
        "description": "every audit event with its hashed fields, prev_hash, hash, and task_api_id (not hashed)"})
    chain_head = fields.Dict(required=True, metadata={"description": "{seq, hash} as the instance row holds it"})
    tasks = fields.List(fields.Dict(), required=True)
    attachments = fields.List(fields.Dict(), required=True, metadata={"description": "files the history refers to, with SHA-256"})
    service_calls = fields.List(fields.Dict(), required=True)
    checkpoint = fields.Dict(required=True, allow_none=True, metadata={
        "description": "the latest signed checkpoint covering the instance (statement, signature, public key), or null"})
    proof = fields.Dict(required=True, allow_none=True, metadata={
        "description": "{leaf: [chain, seq, head hash], index, path: [[L|R, sibling hash]…]} up to the checkpoint's root"})
    checkpoint_problem = fields.String(required=True, allow_none=True)


@blp.get(f"/audit/instances/<int(max={MAX_ID}):instance_id>/evidence")
@blp.response(200, EvidenceSchema)
def evidence(instance_id):
    """The evidence pack of one instance: what `flask audit verify-evidence`
    (app/audit/evidence_check.py) checks with only the pack and the public key."""
    return evidence_pack(instance_id, current_user())
