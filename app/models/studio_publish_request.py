"""A publish from the studio waiting for a second process admin's approval
(when the STUDIO_PUBLISH_APPROVAL setting is on)."""
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow

PUBLISH_REQUEST_STATES = ("pending", "approved", "rejected")


class StudioPublishRequest(db.Model):
    """The diagram ``xml`` of ``process_key`` as it was when published, based
    on deployed ``base_version``, with the change ``note``. Another process
    admin approves it (which deploys it as ``published_version``) or
    rejects it; the requester never decides their own."""

    __tablename__ = "studio_publish_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    base_version: Mapped[int | None] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    requested_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[object | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    published_version: Mapped[int | None] = mapped_column(Integer)

    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
