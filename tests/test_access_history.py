"""The role grant history: every path that changes roles writes it, and the
roles held at any instant are read back from it."""
import ast
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Delegation, RoleChange, RoleGrant, User
from app.services.access_history import delegations_as_of, roles_as_of, set_roles

APP = Path(__file__).resolve().parents[1] / "app"


def test_roles_held_as_of_an_instant_and_not_after_their_revocation(ctx, create_user, frozen_clock):
    granted_at = clock.now()
    user_id = create_user("ann", roles=["sales_rep"])
    frozen_clock.advance(days=10)
    user = db.session.get(User, user_id)
    set_roles(user, ["regional_manager"], by="process_admin", reason="promoted")
    db.session.commit()
    changed_at = clock.now()
    assert roles_as_of(user_id, granted_at) == ["sales_rep"]
    assert roles_as_of(user_id, changed_at - timedelta(seconds=1)) == ["sales_rep"]
    assert roles_as_of(user_id, changed_at) == ["regional_manager"]
    assert roles_as_of(user_id, granted_at - timedelta(seconds=1)) == []
    rows = db.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id).order_by(RoleGrant.id)).all()
    assert [(r.role_code, r.change, r.by, r.reason) for r in rows] == [
        ("sales_rep", RoleChange.granted, None, "account created"),
        ("regional_manager", RoleChange.granted, "process_admin", "promoted"),
        ("sales_rep", RoleChange.revoked, "process_admin", "promoted")]


def test_the_demo_organisation_records_its_grants(org):
    director = org("director")
    assert roles_as_of(director.id, clock.now()) == ["sales_director"]


def test_delegations_in_force_at_an_instant(org, frozen_clock):
    now = clock.now()
    db.session.add(Delegation(from_user=org("director"), to_user=org("secretary"), valid_from=now,
                              valid_to=now + timedelta(days=3), created_at=now))
    db.session.flush()
    assert [d.to_user.username for d in delegations_as_of(org("director").id, now + timedelta(days=1))] == ["secretary"]
    assert delegations_as_of(org("director").id, now + timedelta(days=3)) == []
    assert delegations_as_of(org("director").id, now - timedelta(seconds=1)) == []


def test_no_module_changes_roles_but_the_access_history():
    """``User.roles`` is written only by access_history.set_roles, so no path
    changes a role without the history knowing."""
    offenders = []
    for path in APP.rglob("*.py"):
        if path.name == "access_history.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Attribute) and t.attr == "roles" for t in targets):
                offenders.append(f"{path}:{node.lineno}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                    "append", "remove", "extend", "clear") and isinstance(node.func.value, ast.Attribute) \
                    and node.func.value.attr == "roles":
                offenders.append(f"{path}:{node.lineno}")
            if isinstance(node, ast.keyword) and node.arg == "roles" and isinstance(node.value, ast.ListComp):
                offenders.append(f"{path}:{node.lineno}")
    assert offenders == []
