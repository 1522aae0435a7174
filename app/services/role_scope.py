"""Roles are held within an organisation of the group: a role task is
offered to the holders of its role who work for its organisation
(``human_task.candidate_org_id``), not to every holder in the group.

Which organisation a person works for: their ``org_unit_member`` row, else
the head company (HQ). Every place that checks a role against a person for a
task asks here, so the inbox, the commands and the notices agree."""
from sqlalchemy import and_, func, select

from app.extensions import db
from app.ledger import org_units
from app.models import HumanTask, OrgUnitMember, Role, User, user_role


def org_id_of(user: User | None) -> int | None:
    """The id of the organisation ``user`` works for (HQ without a membership)."""
    return org_units.org_id_of(user.id) if user is not None else None


def works_for(user_id_column):
    """SQL: the organisation id of the person in ``user_id_column``."""
    member = select(OrgUnitMember.org_unit_id).where(OrgUnitMember.user_id == user_id_column).scalar_subquery()
    return func.coalesce(member, org_units.head_company_id())


def holders(role: str, org_id: int | None, limit: int | None = None) -> list[User]:
    """The active holders of ``role`` who work for organisation ``org_id``,
    in order of their accounts (at most ``limit``)."""
    query = (select(User).join(user_role).join(Role)
             .where(Role.code == role, User.active.is_(True), works_for(User.id) == org_id).order_by(User.id))
    return list(db.session.scalars(query.limit(limit) if limit else query))


def holds(user: User | None, role: str | None, org_id: int | None) -> bool:
    """Does ``user`` hold ``role`` in organisation ``org_id``? A role task
    without an organisation is nobody's (every one gets one when it opens)."""
    return (user is not None and role is not None and org_id is not None and user.has_role(role)
            and org_id_of(user) == org_id)


def may_claim(person: User):
    """SQL condition on HumanTask: an unclaimed role task ``person`` may
    claim (one of their roles, in the organisation they work for)."""
    return and_(HumanTask.assignee_id.is_(None), HumanTask.candidate_role.in_(person.role_codes),
                HumanTask.candidate_org_id == org_id_of(person))


def role_held_among(people):
    """SQL condition on HumanTask: someone in ``people`` (a select of user
    ids) holds its role in its organisation."""
    return (select(user_role.c.user_id).join(Role, Role.id == user_role.c.role_id)
            .where(user_role.c.user_id.in_(people), Role.code == HumanTask.candidate_role,
                   works_for(user_role.c.user_id) == HumanTask.candidate_org_id).exists())
