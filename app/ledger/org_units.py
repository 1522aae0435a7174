"""The group's organisations seen from the ledger: looking one up by code,
and which organisation a person works for (HQ unless a membership says
otherwise).

Every role check of a task asks whose organisation a person is; the ids
are kept for the rest of the transaction asking (``session.info``), and
forgotten when it ends or a membership is added, so a command or a page
asks the database once per person."""
import functools

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import Session

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger.stock_places import main_warehouse
from app.models import OrgUnit, OrgUnitMember, User
from app.models.stock_place import MAIN_WAREHOUSE, Warehouse


def org_by_code(code, field: str = "org_unit") -> OrgUnit:
    """Raises BusinessRuleViolation ``unknown_org_unit`` naming ``field``."""
    found = db.session.scalar(select(OrgUnit).where(OrgUnit.code == code)) if isinstance(code, str) else None
    if found is None:
        raise BusinessRuleViolation("unknown_org_unit", f"No organisation is coded {code!r}.", field=field)
    return found


def head_company() -> OrgUnit:
    """The organisation everything belonged to before there were several."""
    return main_warehouse().org_unit


_KNOWN = "org_ids"  # session.info key: user id (or HEAD) -> organisation id, this transaction
_HEAD = "head"


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction) -> None:
    session.info.pop(_KNOWN, None)


def _known() -> dict:
    return db.session.info.setdefault(_KNOWN, {})


def _head_id_sql():
    """SQL: the head company's id, the organisation of the main warehouse."""
    return select(Warehouse.org_unit_id).where(Warehouse.code == MAIN_WAREHOUSE).scalar_subquery()


def head_company_id() -> int:
    """The head company's id (asked once per transaction)."""
    known = _known()
    if _HEAD not in known:
        known[_HEAD] = db.session.scalar(select(_head_id_sql())) or head_company().id
    return known[_HEAD]


@functools.cache
def _org_id_of():
    """A person's membership, else the head company (built once)."""
    member = select(OrgUnitMember.org_unit_id).where(OrgUnitMember.user_id == bindparam("user_id")).scalar_subquery()
    return select(func.coalesce(member, _head_id_sql()))


def org_id_of(user_id: int) -> int:
    """The id of the organisation ``user_id`` works for (HQ without a
    membership): one statement, asked once per transaction."""
    known = _known()
    if user_id not in known:
        known[user_id] = db.session.scalar(_org_id_of(), {"user_id": user_id}) or head_company_id()
    return known[user_id]


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
        _known().pop(user.id, None)
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
