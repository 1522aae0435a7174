"""Who has a studio draft open: one row per process key and editor,
touched by the page's heartbeat (in the database, so every web worker
sees it)."""
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class StudioPresence(db.Model):
    """``user`` had the modeler of ``process_key`` open at ``seen_at``; the
    studio counts as present whoever was seen in the last 45 seconds."""

    __tablename__ = "studio_presence"
    __table_args__ = (UniqueConstraint("process_key", "user_id"),
                      Index("ix_studio_presence_key_seen", "process_key", "seen_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    seen_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
