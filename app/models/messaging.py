"""Messages thrown by one instance and waiting to be delivered to another,
and the record of every service call (its idempotency key)."""
from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class ProcessMessage(db.Model):
    __tablename__ = "process_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    correlations: Mapped[dict] = mapped_column(JSON)
    payload: Mapped[dict] = mapped_column(JSON)  # the engine's serialised event
    source_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[object | None] = mapped_column(UTCDateTime, index=True)
    target_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    # A message nobody claimed, set aside by a process admin: kept (never
    # deleted), no longer offered to any instance (app/services/unclaimed_messages.py).
    discarded_at: Mapped[object | None] = mapped_column(UTCDateTime)
    discarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    discard_reason: Mapped[str | None] = mapped_column(Text)


class ServiceCall(db.Model):
    """A service task's call, keyed by (instance, task, operation): a retried
    or repeated step gets the recorded result instead of posting again."""

    __tablename__ = "service_call"
    __table_args__ = (UniqueConstraint("instance_id", "task_guid", "operation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    task_guid: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(128))
    params: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    called_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class MessageSubscription(db.Model):
    """A running instance waiting for a message name (rebuilt after each command)."""

    __tablename__ = "message_subscription"

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), primary_key=True, index=True)
