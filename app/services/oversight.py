"""What managers watch: overdue tasks of the people who report to them."""
from sqlalchemy import or_, select

from app import clock
from app.extensions import db
from app.models import HumanTask, TaskStatus, User
from app.services.role_scope import role_held_among


def overdue_for_manager(manager: User) -> list[HumanTask]:
    """READY tasks past their due date that a direct report holds, or that
    wait for a role one of them holds in the task's organisation; most
    overdue first."""
    reports = select(User.id).where(User.manager_id == manager.id, User.active.is_(True))
    return list(db.session.scalars(select(HumanTask).where(
        HumanTask.status == TaskStatus.ready, HumanTask.due_at < clock.now(),
        or_(HumanTask.assignee_id.in_(reports),
            HumanTask.assignee_id.is_(None) & role_held_among(reports)),
    ).order_by(HumanTask.due_at)))
