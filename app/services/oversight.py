"""What managers watch: overdue tasks of the people who report to them."""
from sqlalchemy import or_, select

from app import clock
from app.extensions import db
from app.models import HumanTask, Role, TaskStatus, User, user_role


def overdue_for_manager(manager: User) -> list[HumanTask]:
    """READY tasks past their due date that a direct report holds, or that
    wait for a role one of them has; most overdue first."""
    reports = select(User.id).where(User.manager_id == manager.id, User.active.is_(True))
    report_roles = select(Role.code).join(user_role).where(user_role.c.user_id.in_(reports))
    return list(db.session.scalars(select(HumanTask).where(
        HumanTask.status == TaskStatus.ready, HumanTask.due_at < clock.now(),
        or_(HumanTask.assignee_id.in_(reports),
            HumanTask.assignee_id.is_(None) & HumanTask.candidate_role.in_(report_roles)),
    ).order_by(HumanTask.due_at)))
