"""Verifying chains: recompute every hash, check the links and the count."""
from dataclasses import dataclass

from sqlalchemy import select

from app.audit.chain import event_hash
from app.extensions import db
from app.models import AuditChainHead, AuditEvent, ProcessInstance


@dataclass(frozen=True)
class ChainVerdict:
    chain: str
    events: int
    ok: bool
    first_bad_seq: int | None = None
    reason: str | None = None


def verify_chain(chain: str) -> ChainVerdict:
    """Check one chain; the verdict names the first event that does not fit."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq, AuditEvent.id))
    prev_hash, expected_seq, count = "", 1, 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return ChainVerdict(chain, count, False, event.seq, f"expected event {expected_seq}, found {event.seq}: an event is missing")
        if event.prev_hash != prev_hash:
            return ChainVerdict(chain, count, False, event.seq, "its link to the previous event is broken (reordered or removed)")
        fields = {name: getattr(event, name) for name in ("chain", "seq", "at", "kind", "element_id", "task_id", "actor", "on_behalf_of", "data")}
        if event_hash(prev_hash, fields) != event.hash:
            return ChainVerdict(chain, count, False, event.seq, "its content does not match its hash (edited)")
        prev_hash, expected_seq = event.hash, expected_seq + 1
    holder = _head_holder(chain)
    if holder is not None and (holder.audit_seq != count or holder.audit_head != prev_hash):
        return ChainVerdict(chain, count, False, count + 1,
                            f"the chain's head records {holder.audit_seq} events, the log has {count}: events were removed")
    return ChainVerdict(chain, count, True)


@dataclass(frozen=True)
class _Head:
    audit_seq: int
    audit_head: str


def _head_holder(chain: str) -> _Head | None:
    """Where the chain's head is kept: on its instance, or in its head row."""
    if chain.startswith("instance:"):
        instance = db.session.get(ProcessInstance, int(chain.split(":", 1)[1]))
        return _Head(instance.audit_seq, instance.audit_head) if instance is not None else None
    head = db.session.get(AuditChainHead, chain)
    return _Head(head.seq, head.hash) if head is not None else None


def instance_chain(instance_id: int) -> str:
    return f"instance:{instance_id}"
