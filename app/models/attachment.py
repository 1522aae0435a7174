"""Who uploaded which file, with the name and type the server decided."""
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Attachment(db.Model):
    """One upload. The content lives in the file store under its sha256;
    a form may name it only for its uploader (or where its request already
    holds it), and it is served with the type stored here, never the
    client's. ``uploaded_by_id`` is empty for files the platform stored itself."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(128))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    uploaded_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
