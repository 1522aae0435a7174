"""Who held which role, and which delegations were in force, at any instant.

Every change of a person's roles goes through ``set_roles`` here, which
writes the grant or revocation to ``role_grant`` beside ``user_role`` (the
present); the history is only ever appended to. Delegations carry their own
dates (``valid_from``/``valid_to``) and nothing changes them once made, so
the delegations in force at an instant are read from their rows."""
from datetime import datetime

from sqlalchemy import or_, select

from app import clock
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Delegation, Role, RoleChange, RoleGrant, User


def set_roles(user: User, codes, *, by: User | str | None, reason: str, roles: dict[str, Role] | None = None) -> None:
    """Give ``user`` exactly the roles ``codes`` and record each role granted
    or revoked (at the platform clock's now, by ``by``, because ``reason``).
    ``roles`` maps codes to Role rows (looked up when not given). Does not
    commit. Raises ValidationFailed naming ``roles`` for an unknown code."""
    wanted = list(dict.fromkeys(codes))
    if roles is None:
        roles = {role.code: role for role in db.session.scalars(select(Role).where(Role.code.in_(wanted)))}
    unknown = [code for code in wanted if code not in roles]
    if unknown:
        raise ValidationFailed.for_fields({"roles": [f"Unknown role {code!r}." for code in unknown]})
    held = set(user.role_codes) if user.id is not None else set()
    by_name = by.username if isinstance(by, User) else by
    now = clock.now()
    if user.id is None:
        db.session.add(user)
        db.session.flush()
    for code in wanted:
        if code not in held:
            db.session.add(RoleGrant(user_id=user.id, role_code=code, change=RoleChange.granted, at=now,
                                     by=by_name, reason=reason))
    for code in sorted(held - set(wanted)):
        db.session.add(RoleGrant(user_id=user.id, role_code=code, change=RoleChange.revoked, at=now,
                                 by=by_name, reason=reason))
    user.roles = [roles[code] for code in wanted]


def role_history(user_id: int | None = None, until: datetime | None = None) -> list[RoleGrant]:
    """Grants and revocations in the order they happened, of one user (or
    everyone), up to and including ``until`` (or all)."""
    query = select(RoleGrant).order_by(RoleGrant.at, RoleGrant.id)
    if user_id is not None:
        query = query.where(RoleGrant.user_id == user_id)
    if until is not None:
        query = query.where(RoleGrant.at <= until)
    return list(db.session.scalars(query))


def _replay(rows) -> dict[int, dict[str, RoleGrant]]:
    """User id -> role code -> the grant that gave it, still unrevoked."""
    held: dict[int, dict[str, RoleGrant]] = {}
    for row in rows:
        if row.change == RoleChange.granted:
            held.setdefault(row.user_id, {})[row.role_code] = row
        else:
            held.get(row.user_id, {}).pop(row.role_code, None)
    return held


def roles_as_of(user_id: int, at: datetime) -> list[str]:
    """The role codes ``user_id`` held at the instant ``at`` (sorted)."""
    return sorted(_replay(role_history(user_id, at)).get(user_id, {}))


def grants_as_of(at: datetime) -> dict[int, dict[str, RoleGrant]]:
    """Everyone's roles held at ``at``: user id -> role code -> its grant."""
    return _replay(role_history(None, at))


def delegations_as_of(user_id: int | None, at: datetime) -> list[Delegation]:
    """Delegations in force at ``at`` (already made then, ``valid_from`` <=
    ``at`` < ``valid_to``) from or to ``user_id`` (None: everyone's)."""
    query = select(Delegation).where(Delegation.created_at <= at, Delegation.valid_from <= at,
                                     Delegation.valid_to > at).order_by(Delegation.valid_from, Delegation.id)
    if user_id is not None:
        query = query.where(or_(Delegation.from_user_id == user_id, Delegation.to_user_id == user_id))
    return list(db.session.scalars(query))
