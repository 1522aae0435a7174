"""The group's organisations seen from the ledger: looking one up by code,
and which organisation a person works for (HQ unless a membership says
otherwise)."""
from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger.stock_places import main_warehouse
from app.models import OrgUnit, OrgUnitMember, User


def org_by_code(code, field: str = "org_unit") -> OrgUnit:
    """Raises BusinessRuleViolation ``unknown_org_unit`` naming ``field``."""
    found = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code)) if isinstance(code, str) else None
    if found is None:
        raise BusinessRuleViolation("unknown_org_unit", f"No organisation is coded {code!r}.", field=field)
    return found


def head_company() -> OrgUnit:
    """The organisation everything belonged to before there were several."""
    return main_warehouse().org_unit


def org_of(user_id: int | None) -> OrgUnit:
    """The organisation ``user_id`` works for (HQ without a membership)."""
    member = db.session.scalar(select(OrgUnitMember).where(OrgUnitMember.user_id == user_id)) if user_id else None
    return member.org_unit if member is not None else head_company()


def join_org(user: User, org: OrgUnit) -> OrgUnitMember:
    """Make ``user`` work for ``org`` (master data, flushes); idempotent."""
    member = db.session.scalar(select(OrgUnitMember).where(OrgUnitMember.user_id == user.id))
    if member is None:
        member = OrgUnitMember(user_id=user.id, org_unit_id=org.id)
        db.session.add(member)
        db.session.flush()
    return member


def require_member(user_id: int | None, org: OrgUnit, *, role: str | None = None, field: str | None = None) -> User:
    """The acting person, who must work for ``org`` (and hold ``role`` when
    given). Raises BusinessRuleViolation ``not_member_of_org`` (or
    ``not_finance_of_org`` when the role is finance)."""
    user = db.session.get(User, user_id) if user_id else None
    code = "not_finance_of_org" if role == "finance" else "not_member_of_org"
    if user is None or org_of(user.id).id != org.id or (role and not user.has_role(role)):
        raise BusinessRuleViolation(code, f"Only {role or 'staff'} of {org.code} may do this.", {"org_unit": org.code},
                                    field=field)
    return user
