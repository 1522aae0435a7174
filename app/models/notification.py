"""The notification outbox and the settings that steer it: preferences,
holidays of the working calendar, schedules of timer-started processes."""
import enum
from datetime import date

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import UTCDateTime, utcnow


class EmailState(enum.Enum):
    pending = "pending"    # the worker will send it
    sent = "sent"
    skipped = "skipped"    # no address, mail not configured, or the user opted out
    failed = "failed"      # gave up after the last retry


class Notification(db.Model):
    """One message to one person: shown in the app (a bell with the unread
    count) and, when wanted, sent by e-mail after the commit."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_email_due", "email_state", "next_attempt_at"),
                      Index("ix_notification_unread", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[object | None] = mapped_column(UTCDateTime)
    email_state: Mapped[EmailState] = mapped_column(Enum(EmailState, native_enum=False, length=16))
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[object | None] = mapped_column(UTCDateTime)
    email_sent_at: Mapped[object | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()
    task: Mapped["HumanTask | None"] = relationship()  # noqa: F821
    instance: Mapped["ProcessInstance | None"] = relationship()  # noqa: F821

    @property
    def link(self) -> str | None:
        """Where the web UI opens it."""
        if self.task_id:
            return f"/tasks/{self.task_id}"
        return f"/instances/{self.instance_id}" if self.instance_id else None


class NotificationPreference(db.Model):
    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    muted_kinds: Mapped[list] = mapped_column(JSON, default=list)  # kinds not sent by e-mail


class Holiday(db.Model):
    """A day off in the working calendar that SLA due dates count in."""

    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))


class ScheduledStart(db.Model):
    """When a process with a timer start event starts next."""

    __tablename__ = "scheduled_start"

    process_key: Mapped[str] = mapped_column(String(128), primary_key=True)
    next_due_at: Mapped[object | None] = mapped_column(UTCDateTime, index=True)
    last_started_at: Mapped[object | None] = mapped_column(UTCDateTime)
    last_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id", ondelete="SET NULL"))


class DailyJob(db.Model):
    """The last business day a once-a-day worker job ran (the overdue
    receivables notice), so any number of workers run it once a day."""

    __tablename__ = "daily_job"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_on: Mapped[date | None] = mapped_column(Date)
