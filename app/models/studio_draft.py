"""The studio's unpublished edits of a diagram: one shared draft per process key."""
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class StudioDraft(db.Model):
    """The diagram a process admin is editing for ``process_key``, started
    from deployed ``base_version``. ``revision`` counts the saves: a save
    names the revision it started from, so two editors never overwrite each
    other silently. Discarding deletes the row (a draft is not a record)."""

    __tablename__ = "studio_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), unique=True)
    base_version: Mapped[int | None] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    # Each UPDATE says WHERE revision = <the one read> and counts it up, so
    # two saves racing from one revision cannot both land.
    __mapper_args__ = {"version_id_col": revision}
