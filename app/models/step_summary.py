"""The process heatmap's summary rows, kept current with the visits and
instances they count (app/services/step_summaries.py), so the page reads a
few hundred rows however many tasks the history holds:

- StepCount: per version and user task, its visits, the rework among them,
  the completed ones and those completed late;
- StepDuration: per version, user task and measure (waiting | working) a
  histogram of the completed visits' durations;
- CycleDuration: per version and month an instance completed in (business
  calendar), a histogram of the instances' cycle times.

A histogram row counts the durations whose bucket starts at ``bucket``
seconds; the buckets and their precision are described in
app/services/step_summaries.py. Every count only ever goes up, by an atomic
INSERT … ON CONFLICT DO UPDATE count = count + n."""
from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class StepCount(db.Model):
    __tablename__ = "step_count"

    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), primary_key=True,
                                               autoincrement=False)
    element_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer, default=0)
    rework: Mapped[int] = mapped_column(Integer, default=0)  # visits after the first in the same instance
    completed: Mapped[int] = mapped_column(Integer, default=0)
    breached: Mapped[int] = mapped_column(Integer, default=0)  # completed after the due time


class StepDuration(db.Model):
    __tablename__ = "step_duration"

    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), primary_key=True,
                                               autoincrement=False)
    element_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    measure: Mapped[str] = mapped_column(String(8), primary_key=True)  # waiting | working
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # its first second
    count: Mapped[int] = mapped_column(Integer, default=0)


class CycleDuration(db.Model):
    __tablename__ = "cycle_duration"
    # "Cycle time per month" reads one process over all its versions.
    __table_args__ = (Index("ix_cycle_duration_process_month", "process_key", "month"),)

    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), primary_key=True,
                                               autoincrement=False)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM the instance completed in
    bucket: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    process_key: Mapped[str] = mapped_column(String(128))
    count: Mapped[int] = mapped_column(Integer, default=0)
