"""What the process admins' /operate/ page counts: requests in error,
steps past their due time, corrections waiting for a second admin, and
messages nobody has claimed past their grace period."""
from dataclasses import dataclass

from sqlalchemy import func, select

from app import clock
from app.errors import Forbidden
from app.extensions import db
from app.models import CorrectionRequest, HumanTask, InstanceStatus, ProcessInstance, ProcessMessage, TaskStatus, User
from app.services.queries import sees_everything
from app.services.unclaimed_messages import grace


@dataclass(frozen=True)
class Overview:
    in_error: int
    overdue: int
    pending_corrections: int
    unclaimed_messages: int
    suspended: int


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def overview(user: User | None) -> Overview:
    """The counts, read now. Raises Forbidden (anyone but process admins and auditors)."""
    if user is None or not sees_everything(user):
        raise Forbidden("Only process administrators and auditors may see how processes run.")
    now = clock.now()
    running = select(ProcessInstance.id).where(ProcessInstance.status == InstanceStatus.running)
    return Overview(
        in_error=_count(select(ProcessInstance.id).where(ProcessInstance.status == InstanceStatus.error)),
        overdue=_count(select(HumanTask.id).where(HumanTask.status == TaskStatus.ready, HumanTask.due_at < now,
                                                  HumanTask.instance_id.in_(running))),
        pending_corrections=_count(select(CorrectionRequest.id).where(CorrectionRequest.status == "pending")),
        unclaimed_messages=_count(select(ProcessMessage.id).where(
            ProcessMessage.delivered_at.is_(None), ProcessMessage.discarded_at.is_(None),
            ProcessMessage.created_at <= now - grace())),
        suspended=_count(select(ProcessInstance.id).where(ProcessInstance.status == InstanceStatus.suspended)),
    )
