"""One row per user task that is or was READY: what the task list reads."""
import enum

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.process import ProcessInstance
from app.models.types import UTCDateTime, utcnow


class TaskStatus(enum.Enum):
    ready = "ready"
    completed = "completed"
    cancelled = "cancelled"


class HumanTask(db.Model):
    __tablename__ = "human_task"
    __table_args__ = (
        Index("ix_human_task_status_role", "status", "candidate_role"),
        Index("ix_human_task_status_assignee", "status", "assignee_id"),
        Index("ix_human_task_status_remind", "status", "remind_at"),
        Index("ix_human_task_status_due", "status", "due_at"),
        Index("ix_human_task_status_process", "status", "process_key"),
        # The work list's lanes in page order (work_list.py): open tasks by
        # holder, and unclaimed ones by role and organisation (with their
        # process, so a lane is counted from the index alone).
        Index("ix_human_task_open_held", "assignee_id", "due_at", "created_at", "id",
              postgresql_where=text("status = 'ready'"), sqlite_where=text("status = 'ready'")),
        Index("ix_human_task_open_unclaimed", "candidate_role", "candidate_org_id", "due_at", "created_at", "id",
              "process_key",
              postgresql_where=text("status = 'ready' AND assignee_id IS NULL"),
              sqlite_where=text("status = 'ready' AND assignee_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    task_guid: Mapped[str] = mapped_column(String(64), index=True)
    # The instance's process, kept on the row so the work list counts and
    # filters by process without joining every task to its instance.
    process_key: Mapped[str | None] = mapped_column(String(128))
    element_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    documentation: Mapped[str | None] = mapped_column(Text)
    lane: Mapped[str | None] = mapped_column(String(128))
    candidate_role: Mapped[str | None] = mapped_column(String(64))
    # Whose holders of ``candidate_role`` take it: only those working for
    # this organisation (role_scope.py). None on a task given to one person.
    candidate_org_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    delegated_from_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    form_key: Mapped[str | None] = mapped_column(String(255))
    is_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    # Segregation of duties holds within a stage: one person may approve the
    # contract and, later, the shipping note of the same request, but not
    # two steps of one stage (``approvalStage`` property; none = one stage).
    approval_stage: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(32))  # an approval's submitted decision
    # User ids the current holding passed through, in order: the holder who
    # first delegated it, then each delegate (a reassignment starts afresh).
    # Segregation of duties counts every one of them, so a chain through the
    # requester cannot approve (segregation.py).
    delegation_chain: Mapped[list | None] = mapped_column(JSON, default=list)
    status: Mapped[TaskStatus] = mapped_column(Enum(TaskStatus, native_enum=False, length=16), default=TaskStatus.ready)
    claimed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    due_at: Mapped[object | None] = mapped_column(UTCDateTime)
    remind_at: Mapped[object | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[object | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # False when a boundary timer on the task escalates it (the diagram decides)
    default_escalation: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    on_behalf_of_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    instance: Mapped[ProcessInstance] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    delegated_from: Mapped[User | None] = relationship(foreign_keys=[delegated_from_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    on_behalf_of: Mapped[User | None] = relationship(foreign_keys=[on_behalf_of_id])
