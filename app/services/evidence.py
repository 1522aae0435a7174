"""The evidence pack of one instance (issue 16 part 5): its facts, pinned
version, every event with its hash, tasks, attachments, service calls, the
chain head, and the signed checkpoint with the inclusion proof. The JSON is
exactly what app/audit/evidence_check.py verifies; the printable page shows
the same. Reads only."""
from sqlalchemy import select

from app import clock
from app.audit.chain import jsonable
from app.audit.evidence_check import EVIDENCE_FORMAT
from app.audit.merkle import inclusion_path, leaf_hash
from app.errors import Conflict
from app.extensions import db
from app.models import Attachment, AuditEvent, HumanTask, ServiceCall
from app.services.checkpoints import covering, ensure_auditor_view, leaves_of, signed_fields
from app.services.queries import task_api_ids, visible_instance


def _iso(value):
    return value.isoformat() if value is not None else None


def _username(user):
    return user.username if user is not None else None


def _attachment_refs(data, found: dict, seq: int | None) -> None:
    if isinstance(data, dict):
        if isinstance(data.get("sha256"), str) and "name" in data:
            found.setdefault(data["sha256"], {"name": data.get("name"), "sha256": data["sha256"], "size": data.get("size"),
                                              "type": data.get("type"), "first_seen_at_event": seq})
        for value in data.values():
            _attachment_refs(value, found, seq)
    elif isinstance(data, list):
        for value in data:
            _attachment_refs(value, found, seq)


def _attachments(instance, events: list[AuditEvent]) -> list[dict]:
    found: dict = {}
    for event in events:
        _attachment_refs(event.data or {}, found, event.seq)
    _attachment_refs(instance.data or {}, found, None)
    stored = {row.sha256: row for row in db.session.scalars(select(Attachment).where(Attachment.sha256.in_(list(found))))}
    for sha, ref in found.items():
        ref["stored"] = sha in stored
        if sha in stored:
            ref["size"], ref["type"] = stored[sha].size, stored[sha].type
    return list(found.values())


def _tasks(instance) -> list[dict]:
    rows = db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id))
    return [{"id": t.id, "name": t.name, "element_id": t.element_id, "task_guid": t.task_guid, "status": t.status.value,
             "candidate_role": t.candidate_role, "assignee": _username(t.assignee), "outcome": t.outcome,
             "completed_by": _username(t.completed_by), "on_behalf_of": _username(t.on_behalf_of),
             "created_at": _iso(t.created_at), "completed_at": _iso(t.completed_at)} for t in rows]


def _service_calls(instance) -> list[dict]:
    rows = db.session.scalars(select(ServiceCall).where(ServiceCall.instance_id == instance.id).order_by(ServiceCall.id))
    return [{"operation": c.operation, "task_guid": c.task_guid, "called_at": _iso(c.called_at),
             "params": jsonable(c.params or {}), "result": jsonable(c.result or {})} for c in rows]


def _checkpoint_and_proof(instance) -> tuple[dict | None, dict | None, str | None]:
    """The latest checkpoint covering the instance, the inclusion proof, and
    why there is no proof when the log under the checkpoint changed."""
    coverage = covering(instance)
    if coverage is None:
        return None, None, None
    checkpoint = coverage.checkpoint
    body = {"id": checkpoint.id, **signed_fields(checkpoint), "signature": checkpoint.signature,
            "public_key": checkpoint.public_key, "made_by": checkpoint.made_by}
    try:
        leaves = leaves_of(checkpoint)
    except Conflict as exc:
        return body, None, exc.message
    chain = f"instance:{instance.id}"
    index = next(i for i, leaf in enumerate(leaves) if leaf[0] == chain)
    path = inclusion_path([leaf_hash(*leaf) for leaf in leaves], index)
    return body, {"leaf": list(leaves[index]), "index": index, "path": path}, None


def evidence_pack(instance_id: int, user) -> dict:
    """The evidence pack as JSON-ready data. Raises NotFound, Forbidden (not
    an auditor or process admin), Conflict (the log under the checkpoint
    changed)."""
    ensure_auditor_view(user)
    instance = visible_instance(instance_id, user)
    chain = f"instance:{instance.id}"
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)))
    task_ids = task_api_ids(instance.id, events)
    definition = instance.definition
    checkpoint, proof, checkpoint_problem = _checkpoint_and_proof(instance)
    return {
        "format": EVIDENCE_FORMAT, "generated_at": clock.now().isoformat(), "generated_by": user.username, "chain": chain,
        "instance": {"id": instance.id, "process_key": instance.process_key, "process_name": definition.name,
                     "version": definition.version, "definition_id": definition.id,
                     "definition_content_hash": definition.content_hash, "engine_version": instance.engine_version,
                     "business_key": instance.business_key, "status": instance.status.value,
                     "started_by": _username(instance.started_by), "started_at": _iso(instance.started_at),
                     "ended_at": _iso(instance.ended_at), "error_message": instance.error_message},
        "events": [{"chain": e.chain, "seq": e.seq, "at": e.at.isoformat(), "kind": e.kind, "element_id": e.element_id,
                    "task_id": e.task_id, "actor": e.actor, "on_behalf_of": e.on_behalf_of, "data": e.data,
                    "prev_hash": e.prev_hash, "hash": e.hash, "task_api_id": task_ids.get(e.seq)} for e in events],
        "chain_head": {"seq": instance.audit_seq, "hash": instance.audit_head},
        "tasks": _tasks(instance),
        "attachments": _attachments(instance, events),
        "service_calls": _service_calls(instance),
        "checkpoint": checkpoint,
        "proof": proof,
        "checkpoint_problem": checkpoint_problem,
    }
