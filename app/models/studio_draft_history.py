"""Drafts that were discarded, kept so that a discard can be undone."""
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class StudioDraftHistory(db.Model):
    """A copy of the draft of ``process_key`` as it was when ``discarded_by``
    discarded it; ``restored_at`` is set once it became the draft again."""

    __tablename__ = "studio_draft_history"
    __table_args__ = (Index("ix_studio_draft_history_key_discarded", "process_key", "discarded_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128))
    base_version: Mapped[int | None] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[object] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    discarded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    discarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    restored_at: Mapped[object | None] = mapped_column(UTCDateTime)
    restored_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    discarded_by: Mapped[User | None] = relationship(foreign_keys=[discarded_by_id])
    restored_by: Mapped[User | None] = relationship(foreign_keys=[restored_by_id])
