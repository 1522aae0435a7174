"""The studio's unpublished edits of a decision table or a form file: one
shared draft per file name, with the test rows written beside a table."""
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class StudioFileDraft(db.Model):
    """The content a process admin is editing for the DMN or form file
    ``name`` (kind ``dmn`` or ``form``), started from the deployed content
    whose hash is ``base_hash`` (None: a file not deployed yet).
    ``revision`` counts the saves: a save names the revision it started
    from, so two editors never overwrite each other silently. ``test_rows``
    is the JSON list of a decision table's test rows (inputs and expected
    outputs). Discarding deletes the row (a draft is not a record)."""

    __tablename__ = "studio_file_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # dmn | form
    content: Mapped[str] = mapped_column(Text)
    base_hash: Mapped[str | None] = mapped_column(String(64))
    test_rows: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    # Each UPDATE says WHERE revision = <the one read> and counts it up, so
    # two saves racing from one revision cannot both land.
    __mapper_args__ = {"version_id_col": revision}
