"""Process analytics' read model: one row per visit of a user task (one
human_task row), with when it was entered, first claimed and closed, how
long it waited and was worked on, whether it missed its due time, and
which visit of that step in its instance it was (a second visit is rework).
Kept current inside the command that changes the task
(app/services/step_visits.py), so the heatmap reads no engine state."""
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class StepVisit(db.Model):
    __tablename__ = "step_visit"
    # The heatmap reads one version's steps: each figure is one index range,
    # the durations already in order for the percentiles.
    __table_args__ = (
        Index("ix_step_visit_definition_element_waiting", "definition_id", "element_id", "waiting_seconds"),
        Index("ix_step_visit_definition_element_working", "definition_id", "element_id", "working_seconds"),
        Index("ix_step_visit_definition_status_element", "definition_id", "status", "element_id"),
        Index("ix_step_visit_instance_element", "instance_id", "element_id"),
    )

    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"),
                                               primary_key=True, autoincrement=False)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    process_key: Mapped[str] = mapped_column(String(128))
    element_id: Mapped[str] = mapped_column(String(255))
    visit: Mapped[int] = mapped_column(Integer)  # 1 for the first time the instance reached the step
    status: Mapped[str] = mapped_column(String(16))  # ready | completed | cancelled
    candidate_role: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    entered_at: Mapped[object] = mapped_column(UTCDateTime)
    claimed_at: Mapped[object | None] = mapped_column(UTCDateTime)  # the first claim (or delegation, reassignment)
    closed_at: Mapped[object | None] = mapped_column(UTCDateTime)  # completed or cancelled
    due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # Completed visits only: entered → first claim (→ completion when nobody
    # claimed it first), and first claim → completion.
    waiting_seconds: Mapped[int | None] = mapped_column(Integer)
    working_seconds: Mapped[int | None] = mapped_column(Integer)
    breached: Mapped[bool] = mapped_column(Boolean, default=False)  # completed after its due time
