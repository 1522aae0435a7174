"""The admin actions report, read from the audit log: deploys (the
definition chains), retries (saying which bulk retry of the incidents page
each came from), cancels by someone other than the starter,
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
# a process admin's corrections of a running instance (app/services/corrections.py)
CORRECTIONS = ("instance_suspended", "instance_resumed", "token_moved", "step_skipped", "data_corrected")
TIMER_EARLY = "timer_fired_early"
HAND_DELIVERY = "message_delivered"  # only those a person made (the worker's carry no actor)
DISCARD = "message_discarded"
MIGRATE = "instance_migrated"
KINDS = (DEPLOY, RETRY, CANCEL, REASSIGN, ESCALATE, LEDGER_WRITE, TIMER_EARLY, HAND_DELIVERY, DISCARD, MIGRATE, *CORRECTIONS)

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
        if event.kind == HAND_DELIVERY and not event.actor:
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
        previous = str(data.get("previous_error") or "")[:300]
        return f"bulk retry #{data['batch']}: {previous}" if data.get("batch") is not None else previous
    if event.kind == LEDGER_WRITE:
        return str(data.get("operation") or "")
    if event.kind in CORRECTIONS:
        return _correction(event.kind, data)
    if event.kind == TIMER_EARLY:
        return f"{data.get('element_id')} fired early; was due {data.get('was_due') or '-'}"
    if event.kind == HAND_DELIVERY:
        return f"message #{data.get('message_id')} {data.get('name')} delivered by hand"
    if event.kind == DISCARD:
        return f"message #{data.get('message_id')} {data.get('name')} discarded ({data.get('age_seconds')} s old)"
    if event.kind == MIGRATE:
        before, after = data.get("from") or {}, data.get("to") or {}
        return (f"v{before.get('version')} → v{after.get('version')} (batch #{data.get('batch_id')}; "
                f"approved by {data.get('approved_by') or '-'})")
    return ""


def _correction(kind: str, data: dict) -> str:
    """before → after, then who asked and who approved (or that nobody had to)."""
    change = f"{data.get('before')} → {data.get('after')}"
    if kind == "data_corrected":
        change = f"{data.get('field')}: {change}"
    elif kind == "step_skipped" and data.get("posting_skipped"):
        change = f"{change}; not posted: {data.get('posting_skipped')}"
    approver = data.get("approved_by") or "no second approval required"
    return f"{change} (asked by {data.get('requested_by')}, approved by {approver})"[:300]


def _why(data: dict) -> str | None:
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    for source in (data, params):
        for key in ("reason", "comment", "note"):
            if source.get(key):
                return str(source[key])
    return None
