"""The forms and decision tables that came with an imported studio draft
(app/services/camunda_import.py): the draft holds the diagram, these the
files it names, so checking the draft sees them as a deploy would."""
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.models.studio_draft import StudioDraft


class StudioDraftFile(db.Model):
    """One file (``name``: a form ``.json`` or a ``.dmn``) kept with
    ``draft``; discarding the draft deletes its files."""

    __tablename__ = "studio_draft_file"
    __table_args__ = (UniqueConstraint("draft_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("studio_draft.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)

    draft: Mapped[StudioDraft] = relationship(backref=backref("files", cascade="all, delete-orphan",
                                                              passive_deletes=True))
