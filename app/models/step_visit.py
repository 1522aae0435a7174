"""Process analytics' read model: one row per visit of a user task (one
human_task row), with when it was entered, first claimed and closed, how
long it waited and was worked on, whether it missed its due time, and
which visit of that step in its instance it was (a second visit is rework).
Kept current inside the command that changes the task
(app/services/step_visits.py), so the heatmap reads no engine state."""
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class StepVisit(db.Model):
    __tablename__ = "step_visit"
    # The heatmap's counts and durations come from the summary rows
    # (step_summary.py); here a step's visits are one index range, and the
    # open visits of a version (open, late, who they wait on) are read from
    # a partial index holding only them, without visiting the table.
    __table_args__ = (
        Index("ix_step_visit_definition_element_waiting", "definition_id", "element_id", "waiting_seconds"),
        Index("ix_step_visit_instance_element", "instance_id", "element_id"),
        Index("ix_step_visit_open", "definition_id", "element_id", "assignee_id", "candidate_role", "entered_at",
              "due_at", postgresql_where=text("status = 'ready'"), sqlite_where=text("status = 'ready'")),
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
