"""The studio page calls its API paths with the signed-in page session
instead of a bearer token: only under /api/v1/studio/, and a write must
carry the page's CSRF token in ``X-CSRFToken`` (a cookie alone is never
enough)."""
from flask import request
from flask_login import current_user as page_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from app.errors import AuthenticationFailed, Forbidden

SESSION_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def page_session_user():
    """The user signed in to the page. Raises AuthenticationFailed when
    nobody is, Forbidden for a write without a valid CSRF token."""
    if not page_user or not page_user.is_authenticated:
        raise AuthenticationFailed("Sign in to the studio page, or send 'Authorization: Bearer <token>'.")
    if request.method in SESSION_WRITE_METHODS:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError as exc:
            raise Forbidden("The page's CSRF token is missing or expired; reload the page.", code="csrf") from exc
    return page_user._get_current_object()
