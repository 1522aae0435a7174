"""The user-access review as of an instant: who held which role, since
when and granted by whom, and which delegations were in force then
(from the grant history in access_history.py)."""
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from app.services.access_history import delegations_as_of, grants_as_of
from app.services.controls import ensure_reviewer

ROLE_COLUMNS = ["username", "display_name", "active", "role", "role_name_zh", "granted_at", "granted_by", "reason"]
DELEGATION_COLUMNS = ["from_user", "to_user", "valid_from", "valid_to", "processes", "created_at"]


def access_as_of(user: User, at: datetime) -> dict:
    """``{"as_of", "roles": [...], "delegations": [...]}`` at the instant
    ``at``: one role row per role held (users without roles are left out),
    sorted by username. Raises Forbidden for anyone but auditors and
    process administrators."""
    ensure_reviewer(user)
    held = grants_as_of(at)
    people = {person.id: person for person in db.session.scalars(select(User).where(User.id.in_(held)))}
    names = {role.code: role for role in db.session.scalars(select(Role))}
    roles = []
    for user_id, grants in held.items():
        person = people.get(user_id)
        if person is None:
            continue
        for code, grant in sorted(grants.items()):
            roles.append({"username": person.username, "display_name": person.display_name, "active": person.active,
                          "role": code, "role_name_zh": names[code].name_zh if code in names else None,
                          "role_name_en": names[code].name_en if code in names else None, "granted_at": grant.at, "granted_by": grant.by, "reason": grant.reason})
    roles.sort(key=lambda row: (row["username"], row["role"]))
    delegations = [{"from_user": d.from_user.username, "to_user": d.to_user.username, "valid_from": d.valid_from,
                    "valid_to": d.valid_to, "processes": list(d.process_keys or []) or None, "created_at": d.created_at}
                   for d in delegations_as_of(None, at)]
    return {"as_of": at, "roles": roles, "delegations": delegations}
