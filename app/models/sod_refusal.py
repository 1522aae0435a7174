"""Refused segregation-of-duties attempts: the command that was refused
rolled back, so this row (written in its own unit of work afterwards) is all
that remains of the attempt. Rows are only ever inserted."""
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class SodRefusal(db.Model):
    __tablename__ = "sod_refusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow, index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id", ondelete="RESTRICT"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id", ondelete="SET NULL"))  # HumanTask.id
    element_id: Mapped[str | None] = mapped_column(String(255))
    actor: Mapped[str] = mapped_column(String(64))  # username of whoever tried
    on_behalf_of: Mapped[str | None] = mapped_column(String(64))  # username they acted for
    reason: Mapped[str] = mapped_column(String(32))  # requester | approver | maker (segregation.py)
    message: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(32))  # claim | complete | delegate | reassign
