"""What someone typed into a form their session could no longer send."""
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class KeptForm(db.Model):
    """The fields of one refused submission, given back once to the same
    browser after signing in again. Only the token's hash is stored; the
    token itself lives in that browser's session cookie. ``user_id`` is the
    person whose session ended, when the refused request still named one."""

    __tablename__ = "kept_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(512))
    fields: Mapped[str] = mapped_column(Text)  # JSON: [[name, value], ...] as posted
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=True)
    kept_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
