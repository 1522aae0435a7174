"""Who may not act on a READY approval task: segregation of duties, kept
beside the task so the work list can leave refused approvals out in SQL.
Every command on a request brings its rows up to date (services/task_bars.py);
the commands themselves still ask segregation.py before anyone acts."""
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class TaskBar(db.Model):
    __tablename__ = "task_bar"
    __table_args__ = (Index("ix_task_bar_user_task", "user_id", "task_id"),)

    task_id: Mapped[int] = mapped_column(ForeignKey("human_task.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # requester | approver | maker (segregation.py)
