"""The JSON API under /api/v1: token auth on every call but the token request."""
from flask import g, request
from flask_smorest import Api

from app.errors import AuthenticationFailed
from app.extensions import csrf
from app.services import accounts

PREFIX = "/api/v1"
# Reachable without a token: the token request itself and the API's description.
PUBLIC_PATHS = {f"{PREFIX}/auth/token", f"{PREFIX}/openapi.json"}


class LanesApi(Api):
    def _register_error_handlers(self):
        """The app has one error body for every error (app/error_handlers.py)."""


api = LanesApi()


def current_user():
    """The user whose bearer token authenticated this request."""
    return g.api_user


def _authenticate_bearer():
    if not request.path.startswith(PREFIX + "/") or request.path in PUBLIC_PATHS:
        return None
    if request.method == "OPTIONS":
        return None
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise AuthenticationFailed("Send 'Authorization: Bearer <token>'; get a token from POST /api/v1/auth/token.")
    g.api_user = accounts.user_for_token(raw.strip())
    return None


def init_app(app):
    from app.api import auth

    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (auth.blp,):
        api.register_blueprint(blueprint, url_prefix=PREFIX)
        csrf.exempt(blueprint)  # token auth, no cookies: CSRF does not apply
    app.before_request(_authenticate_bearer)
