"""The database side of checkpoints: every chain's head as of a high-water
mark (the leaves), and the comparison of a checkpoint's leaves with the log
as it is now. Reads only; the signing is in signing.py, the tree in merkle.py."""
from dataclasses import dataclass

from sqlalchemy import func, select, text

from app.audit.chain import HASHED_FIELDS, event_hash
from app.extensions import db
from app.models import AuditEvent


def freeze_log() -> int:
    """The id of the last event the checkpoint covers. On PostgreSQL the log
    is held (SHARE lock, to the end of the transaction) so that every event
    with a lower id has been committed and none arrives under the mark;
    SQLite has one writer, whose ids are already in commit order."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE audit_event IN SHARE MODE"))
    return db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))


def heads_as_of(high_water: int) -> list[tuple[str, int, str]]:
    """(chain, seq, hash) of each chain's last event with id <= high_water,
    in the order of the chains' names (code points, the same on every
    database)."""
    last = select(func.max(AuditEvent.id)).where(AuditEvent.id <= high_water).group_by(AuditEvent.chain)
    rows = db.session.execute(select(AuditEvent.chain, AuditEvent.seq, AuditEvent.hash).where(AuditEvent.id.in_(last)))
    return sorted((chain, seq, digest) for chain, seq, digest in rows)


@dataclass(frozen=True)
class Finding:
    chain: str
    problem: str  # rewritten, truncated, missing, added
    detail: str


def _event_fields(event) -> dict:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def _judge(chain: str, seq: int, head: str, events: list) -> Finding | None:
    """Recompute the chain from its events' contents up to ``seq``: the
    event there must hash to the checkpointed head (stored hashes are not
    trusted: whoever rewrote the chain recomputed them)."""
    if not events:
        return Finding(chain, "missing", f"the checkpoint holds it at event {seq}; the log has none of its events")
    prev, reached = "", 0
    for event in events:
        if event.seq > seq:
            break
        prev, reached = event_hash(prev, _event_fields(event)), event.seq
    if reached < seq:
        return Finding(chain, "truncated", f"the checkpoint holds it at event {seq}; the log now ends at event {reached}")
    if prev != head:
        return Finding(chain, "rewritten", f"its events up to {seq} no longer hash to the head the checkpoint signed")
    return None


def _chains_in_order(batch: int = 5000):
    """(chain, [event rows in seq order]) for every chain, streamed as rows
    (no ORM objects pile up in the session)."""
    columns = [AuditEvent.id] + [getattr(AuditEvent, name) for name in HASHED_FIELDS]
    query = select(*columns).order_by(AuditEvent.chain, AuditEvent.seq).execution_options(yield_per=batch)
    current, events = None, []
    for event in db.session.execute(query):
        if event.chain != current:
            if current is not None:
                yield current, events
            current, events = event.chain, []
        events.append(event)
    if current is not None:
        yield current, events


def compare_with_log(leaves: list, high_water: int) -> list[Finding]:
    """Every chain whose history differs from the checkpoint's leaves:
    rewritten, truncated, missing, or added under the high-water mark (a
    chain the checkpoint did not know, with events it should have seen).
    A chain that only grew since is fine."""
    expected = {chain: (seq, head) for chain, seq, head in leaves}
    findings, seen = [], set()
    for chain, events in _chains_in_order():
        seen.add(chain)
        if chain in expected:
            finding = _judge(chain, *expected[chain], events)
            if finding:
                findings.append(finding)
        elif min(event.id for event in events) <= high_water:
            findings.append(Finding(chain, "added", "it has events under the checkpoint's high-water mark but the checkpoint does not hold it"))
    for chain in sorted(set(expected) - seen):
        findings.append(_judge(chain, *expected[chain], []))
    return findings
