"""People of the ledger tests' small world, added as bare rows (region 华东)."""
from app.extensions import db
from app.models import User


def add_user(username, display, roles=()):
    """A user with ``roles`` (role codes), added to the session unflushed."""
    from app.services.role_catalogue import ensure_roles

    known = ensure_roles()
    user = User(username=username, display_name=display, password_hash="x", region="华东",
                roles=[known[r] for r in roles])
    db.session.add(user)
    return user
