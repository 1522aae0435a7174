"""Authorisation that depends only on the caller's roles, checked before a
request body is read. The rule itself is the services' (``require_role``);
rules about a particular instance or task (candidacy, segregation of duties,
the starter's right to cancel) live in the services too."""
import functools

from app.api import current_user
from app.services.permissions import require_role


def role_required(*roles: str, what: str):
    """Refuse the call (403) unless the API user may ``what`` by holding one
    of ``roles``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            require_role(current_user(), roles, what)
            return view(*args, **kwargs)

        return wrapper

    return decorator
