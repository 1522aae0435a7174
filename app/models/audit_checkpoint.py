"""Signed checkpoints of the audit log: a Merkle root over every chain's head
at a moment, signed with a key kept outside the database. The leaves are not
stored: they are recomputed from the append-only log as of ``high_water``."""
from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class AuditCheckpoint(db.Model):
    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[object] = mapped_column(UTCDateTime)
    made_by: Mapped[str] = mapped_column(String(64))  # a username, "worker" or "command line"
    high_water: Mapped[int] = mapped_column(Integer)  # the last audit_event id the checkpoint covers
    leaf_count: Mapped[int] = mapped_column(Integer)
    root: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex, over the signed statement
    public_key: Mapped[str] = mapped_column(Text)  # PEM
    key_fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the raw public key
