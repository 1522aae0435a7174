"""Authorisation that depends only on the caller's roles, checked before a
request body is read. Rules about a particular instance or task (candidacy,
segregation of duties, the starter's right to cancel) live in the services."""
import functools

from app.api import current_user
from app.errors import Forbidden


def require_role(code: str):
    """Refuse the call (403) unless the API user holds role ``code``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user().has_role(code):
                raise Forbidden(f"Only a user with the role {code!r} may do this.")
            return view(*args, **kwargs)

        return wrapper

    return decorator
