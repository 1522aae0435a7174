"""A process admin's correction of one running instance (suspend, resume,
move its token, skip a step, correct a field of its data), with its reason;
when the OPERATE_CORRECTION_APPROVAL setting names its kind it waits here
for a second process admin before anything is applied."""
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow

CORRECTION_KINDS = ("suspend", "resume", "move", "skip", "data")
CORRECTION_STATES = ("pending", "applied", "rejected", "withdrawn", "failed")


class CorrectionRequest(db.Model):
    """``payload`` holds what the kind needs (move: from task, to element;
    skip: task; data: field, value). ``instance_version`` is the instance's
    version counter when asked: an approval applies only to the instance as
    it was then (changed since: ``failed``, nothing applied)."""

    __tablename__ = "correction_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str] = mapped_column(Text)
    instance_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
