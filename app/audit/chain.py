"""Appending to a hash chain.

Each event's hash is ``sha256(prev_hash + canonical JSON of the event)``;
the first event's prev_hash is empty. An instance's chain head (last seq and
hash) is kept on the instance row, which the command holds locked, so an
append costs the same however long the history is."""
import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import clock
from app.extensions import db
from app.models import AuditChainHead, AuditEvent

HASHED_FIELDS = ("chain", "seq", "at", "kind", "element_id", "task_id", "actor", "on_behalf_of", "data")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def jsonable(value):
    """``value`` as it will read back from a JSON column (Decimals as strings)."""
    return json.loads(canonical_json(value))


def event_hash(prev_hash: str, fields: dict) -> str:
    body = {name: fields[name] for name in HASHED_FIELDS}
    if isinstance(body["at"], datetime):
        body["at"] = body["at"].isoformat()
    return hashlib.sha256((prev_hash + canonical_json(body)).encode()).hexdigest()


@dataclass(frozen=True)
class Appended:
    """An event this process appended to an instance's chain, kept on the
    instance object (not the database) so the command that appended it can
    read it back without a query: ``appended_since`` says when it may."""

    seq: int
    prev_hash: str
    hash: str
    kind: str
    actor: str | None
    task_id: str | None
    data: dict


_KEPT = 64  # events kept per instance object: a command appends a handful


def appended_since(instance, since_seq: int) -> list[Appended] | None:
    """The events after ``since_seq`` of ``instance``'s chain as this process
    appended them, or None when it did not append every one of them (another
    process did, or a rolled-back command left others behind): the caller
    then reads the log. The kept events must run without a gap up to the
    instance's head and hash into each other and into that head."""
    events = [event for event in getattr(instance, "_lanes_appended", ()) if event.seq > since_seq]
    if [event.seq for event in events] != list(range(since_seq + 1, instance.audit_seq + 1)):
        return None
    if not events or events[-1].hash != instance.audit_head:
        return None if events or since_seq != instance.audit_seq else []
    if any(later.prev_hash != earlier.hash for earlier, later in zip(events, events[1:])):
        return None
    return events


_INSERT_EVENT = AuditEvent.__table__.insert()  # built once: its cache key too


def _append(chain: str, seq: int, prev_hash: str, *, kind: str, instance_id=None, element_id=None, task_id=None,
            actor=None, on_behalf_of=None, data=None) -> str:
    """Insert one event at once, through the transaction's connection: the
    log is append-only, so it needs none of the ORM's change tracking.
    Returns the event's hash."""
    fields = {
        "chain": chain, "seq": seq, "at": clock.now(), "kind": kind, "element_id": element_id,
        "task_id": task_id, "actor": actor, "on_behalf_of": on_behalf_of, "data": jsonable(data or {}),
    }
    digest = event_hash(prev_hash, fields)
    db.session.connection().execute(_INSERT_EVENT,
                                    {**fields, "instance_id": instance_id, "prev_hash": prev_hash, "hash": digest})
    return digest


def record_instance_event(instance, kind: str, **fields) -> str:
    """Append to the instance's chain (the caller holds the instance);
    returns the new event's hash."""
    if instance.id is None:
        db.session.flush()
    seq = instance.audit_seq + 1
    prev_hash = instance.audit_head
    digest = _append(f"instance:{instance.id}", seq, prev_hash, kind=kind, instance_id=instance.id, **fields)
    kept = [event for event in getattr(instance, "_lanes_appended", ()) if event.seq < seq][-_KEPT:]
    kept.append(Appended(seq, prev_hash, digest, kind, fields.get("actor"), fields.get("task_id"),
                         jsonable(fields.get("data") or {})))
    instance._lanes_appended = kept
    instance.audit_seq = seq
    instance.audit_head = digest
    return digest


def record_chain_event(chain: str, kind: str, **fields) -> str:
    """Append to a chain that has no holder row (deploys of a process key,
    the ledger writes from outside the flows). Its head row is locked for
    the rest of the transaction, so concurrent writers queue instead of
    taking the same sequence number."""
    head = _locked_head(chain)
    digest = _append(chain, head.seq + 1, head.hash, kind=kind, **fields)
    head.seq, head.hash = head.seq + 1, digest
    return digest


def lock_chain(chain: str) -> None:
    """Hold ``chain``'s head for the rest of the transaction before writing
    what the chain will record: its writers then queue from here, and each
    reads what the one before it committed."""
    _locked_head(chain)


def _locked_head(chain: str) -> AuditChainHead:
    """The chain's head row, created at sequence 0 when new, locked."""
    table = AuditChainHead.__table__
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect](table)
    db.session.execute(insert.values(chain=chain, seq=0, hash="").on_conflict_do_nothing(index_elements=["chain"]))
    return db.session.scalar(select(AuditChainHead).where(AuditChainHead.chain == chain).with_for_update()
                             .execution_options(populate_existing=True))


def chain_names() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.chain).group_by(AuditEvent.chain).order_by(func.min(AuditEvent.id))))
