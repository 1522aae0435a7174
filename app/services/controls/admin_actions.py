"""The admin actions report, read from the audit log: deploys (the
definition chains), retries, cancels by someone other than the starter,
reassignments, escalations and the ledger writes made outside the flows
(the ``ledger`` chain: corrections, reversals, imports) — who, when, what
and why."""
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ProcessInstance, User
from app.services.controls import ensure_reviewer, in_range

DEPLOY = "definition_deployed"
RETRY = "retry"
CANCEL = "instance_cancelled"
REASSIGN = "task_reassigned"
ESCALATE = "task_escalated"
LEDGER_WRITE = "ledger_write"
MIGRATE = "instance_migrated"
KINDS = (DEPLOY, RETRY, CANCEL, REASSIGN, ESCALATE, LEDGER_WRITE, MIGRATE)

COLUMNS = ["at", "kind", "actor", "chain", "instance_id", "step", "what", "why"]


def admin_actions(user: User, start: datetime | None = None, end: datetime | None = None,
                  kind: str | None = None) -> list[dict]:
    """Admin actions with ``start`` <= time < ``end`` (of one ``kind``, or
    all), newest first. A cancel by the instance's own starter is not an
    admin action and is left out. Raises Forbidden for anyone but auditors
    and process administrators."""
    ensure_reviewer(user)
    kinds = (kind,) if kind in KINDS else KINDS
    query = (select(AuditEvent, ProcessInstance, User.username)
             .outerjoin(ProcessInstance, ProcessInstance.id == AuditEvent.instance_id)
             .outerjoin(User, User.id == ProcessInstance.started_by_id)
             .where(AuditEvent.kind.in_(kinds), *in_range(AuditEvent.at, start, end))
             .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    rows = []
    for event, instance, starter in db.session.execute(query):
        if event.kind == CANCEL and event.actor == starter:
            continue
        rows.append({"at": event.at, "kind": event.kind, "actor": event.actor, "chain": event.chain,
                     "instance_id": instance.id if instance else None, "step": event.element_id,
                     "what": _what(event), "why": _why(event.data or {})})
    return rows


def _what(event: AuditEvent) -> str:
    data = event.data or {}
    if event.kind == DEPLOY:
        return f"{event.chain.partition(':')[2]} v{data.get('version')} ({len(data.get('files') or [])} files)"
    if event.kind == REASSIGN:
        former = data.get("former") or {}
        return f"{former.get('assignee') or former.get('delegated_from') or '-'} → {data.get('to')}"
    if event.kind == ESCALATE:
        return f"due {data.get('due_at')}; notified {data.get('notified') or '-'}"
    if event.kind == RETRY:
        return str(data.get("previous_error") or "")[:300]
    if event.kind == LEDGER_WRITE:
        return str(data.get("operation") or "")
    if event.kind == MIGRATE:
        before, after = data.get("from") or {}, data.get("to") or {}
        return (f"v{before.get('version')} → v{after.get('version')} (batch #{data.get('batch_id')}; "
                f"approved by {data.get('approved_by') or '-'})")
    return ""


def _why(data: dict) -> str | None:
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    for source in (data, params):
        for key in ("reason", "comment", "note"):
            if source.get(key):
                return str(source[key])
    return None
