"""The studio's saved test scenarios: data to run a diagram with, in memory."""
from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class StudioScenario(db.Model):
    """A named test of process ``process_key``: the start data, the data
    submitted at each human task (``decisions``: element id -> form data, or
    a list of them for a step met several times), what each service task
    returns (``service_results``: element id -> result, or a list), and the
    expected end: ``completed`` or the element id where the run stops (an
    end event the run reaches also counts). Running one writes nothing."""

    __tablename__ = "studio_scenario"
    __table_args__ = (UniqueConstraint("process_key", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start_data: Mapped[dict] = mapped_column(JSON)
    decisions: Mapped[dict] = mapped_column(JSON)
    service_results: Mapped[dict] = mapped_column(JSON)
    expected_end: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
