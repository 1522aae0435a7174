"""A report page's filters saved under a name (保存的视图), for the person who
saved them and, if they chose, for everyone holding a role or for one
person. A view keeps filters only, never figures: whoever opens it reads
the page through their own report scope."""
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class SavedView(db.Model):
    """``endpoint`` names the report page (``web.report_returns``);
    ``filters`` its query arguments {name: value}; shared with nobody, the
    role ``shared_role`` or the person ``shared_user_id`` (never both)."""

    __tablename__ = "saved_view"
    __table_args__ = (CheckConstraint("shared_role IS NULL OR shared_user_id IS NULL", name="one_audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    endpoint: Mapped[str] = mapped_column(String(80), index=True)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    shared_role: Mapped[str | None] = mapped_column(String(64), index=True)
    shared_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    shared_user: Mapped[User | None] = relationship(foreign_keys=[shared_user_id])
