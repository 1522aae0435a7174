"""A bulk retry of instances in error, kept so that its outcomes can be
read afterwards: who asked, when, for which cause (or selection), and what
became of each instance."""
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow

# What a retry did to one instance: its failed step ran and it went on
# (recovered), ran and failed again (still_in_error), was not in error any
# more (skipped), or the retry was refused or broke (refused, failed).
RETRY_OUTCOMES = ("recovered", "still_in_error", "skipped", "refused", "failed")


class IncidentRetry(db.Model):
    """One request to retry instances in error: ``scope`` "selection" (a
    list of ids, one id included) or "group" (every instance in error with
    the cause ``group_key``, described by ``group_label``)."""

    __tablename__ = "incident_retry"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    group_key: Mapped[str | None] = mapped_column(String(64), index=True)
    group_label: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[object | None] = mapped_column(UTCDateTime)

    requested_by: Mapped[User | None] = relationship()
    items: Mapped[list["IncidentRetryItem"]] = relationship(back_populates="retry", order_by="IncidentRetryItem.id")


class IncidentRetryItem(db.Model):
    """What one bulk retry did to one instance (``outcome`` is one of
    RETRY_OUTCOMES; ``message`` the new error, or why it was skipped)."""

    __tablename__ = "incident_retry_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    retry_id: Mapped[int] = mapped_column(ForeignKey("incident_retry.id", ondelete="CASCADE"), index=True)
    instance_id: Mapped[int] = mapped_column(Integer, index=True)  # no FK: a refusal may name an id that does not exist
    element_id: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(16))
    message: Mapped[str | None] = mapped_column(Text)
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    retry: Mapped[IncidentRetry] = relationship(back_populates="items")
