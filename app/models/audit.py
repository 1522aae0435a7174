"""The append-only, hash-chained event log: one chain per instance, one per
process key for its deploys, one for the ledger writes made outside the flows."""
from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(160))  # "instance:42" or "definition:travel_request"
    seq: Mapped[int] = mapped_column(Integer)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="RESTRICT"), index=True)
    at: Mapped[object] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    element_id: Mapped[str | None] = mapped_column(String(255))
    task_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str | None] = mapped_column(String(64), index=True)  # "requests I acted in"
    on_behalf_of: Mapped[str | None] = mapped_column(String(64), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(db.Model):
    """The last event of a chain that has no row of its own to hold it (an
    instance's head is on the instance). Appending locks this row, so two
    writers never take the same sequence number, and the verifier compares
    it with the log: an event removed from the end is seen."""
    __tablename__ = "audit_chain_head"

    chain: Mapped[str] = mapped_column(String(160), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
