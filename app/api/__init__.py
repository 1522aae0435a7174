"""The JSON API under /api/v1: token auth on every call but the token request
and the API's description; auditors may read everything and write nothing."""
import re

from flask import g, request
from flask_smorest import Api

from app.api.schemas import ErrorSchema
from app.errors import AuthenticationFailed, Forbidden, ValidationFailed
from app.extensions import csrf
from app.services import accounts
from app.services.queries import is_read_only

PREFIX = "/api/v1"
TOKEN_PATH = f"{PREFIX}/auth/token"
PASSWORD_PATH = f"{PREFIX}/auth/password"
# Reachable without a token: the token request itself (not its revocation) and the API's description.
PUBLIC_PATHS = {TOKEN_PATH, f"{PREFIX}/openapi.json", f"{PREFIX}/docs"}
# The studio page calls these with its signed-in session (page_session.py).
SESSION_PATHS_PREFIX = f"{PREFIX}/studio/"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# POSTs that compute an answer and change nothing: auditors may send them.
# Running a studio test scenario runs it in memory and stores nothing.
READING_POSTS = re.compile(rf"^{PREFIX}/(audit/instances/\d+/reexecution|studio/processes/[^/]+/scenarios/\d+/run)$")


class LanesApi(Api):
    ERROR_SCHEMA = ErrorSchema  # documented error responses show the body we actually send

    def _register_error_handlers(self):
        """The app has one error body for every error (app/error_handlers.py)."""


api = LanesApi()


def current_user():
    """The user whose bearer token authenticated this request."""
    return g.api_user


def bearer_token() -> str:
    """The token this request was sent with. Raises AuthenticationFailed when there is none."""
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise AuthenticationFailed("Send 'Authorization: Bearer <token>'; get a token from POST /api/v1/auth/token.")
    return raw.strip()


def _revoking_own_token() -> bool:
    return request.path == TOKEN_PATH and request.method == "DELETE"


def _own_credentials() -> bool:
    """Revoking one's token or changing one's password: an auditor may too."""
    return _revoking_own_token() or (request.path == PASSWORD_PATH and request.method == "POST")


def _authenticate_bearer():
    if not request.path.startswith(PREFIX + "/") or (request.path in PUBLIC_PATHS and not _revoking_own_token()):
        return None
    if request.method == "OPTIONS":
        return None
    if request.path.startswith(SESSION_PATHS_PREFIX) and not request.headers.get("Authorization"):
        from app.api.page_session import page_session_user
        g.api_user = page_session_user()
    else:
        g.api_user = accounts.user_for_token(bearer_token())
    _refuse_unstorable_path()
    if not _own_credentials():
        _refuse_read_only_writes(g.api_user)
    return None


def _refuse_unstorable_path():
    # Path parameters bypass the schemas; PostgreSQL cannot compare text with NUL in it.
    if "\x00" in request.path:
        raise ValidationFailed.for_fields({"path": ["Must not contain NUL characters."]})


def _refuse_read_only_writes(user):
    reading = request.method == "POST" and READING_POSTS.match(request.path)
    if request.method in WRITE_METHODS and not reading and is_read_only(user):
        raise Forbidden("Auditors can read everything and change nothing.", code="read_only")


def init_app(app):
    from app.api import attachments, auth, definitions, docs, instances, ledger, lookups, messages, reports, statements, tasks
    from app.api import (audit_controls, audit_evidence, audit_exports, audit_find, audit_reexecution, audit_replay,
                         studio, studio_compare, studio_editors, studio_files, studio_import, studio_publish,
                         studio_scenarios)
    from app.api import operate_incidents
    from app.api import operate_corrections
    from app.api import operate_waits
    from app.api import operate_migrations
    from app.api import report_receivables
    from app.api import process_analytics
    from app.api import report_views
    from app.api import price_master
    from app.api import expense_budgets

    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.spec.options["security"] = [{"bearerAuth": []}]  # every operation but the public ones (auth.py)
    for blueprint in (auth.blp, definitions.blp, instances.blp, tasks.blp, lookups.blp, ledger.blp, attachments.blp,
                      messages.blp, statements.blp, reports.blp, audit_find.blp, audit_exports.blp,
                      audit_evidence.blp, audit_replay.blp, audit_reexecution.blp, audit_controls.blp, studio.blp,
                      studio_files.blp, studio_scenarios.blp, studio_publish.blp, studio_compare.blp,
                      studio_editors.blp, studio_import.blp):
        api.register_blueprint(blueprint, url_prefix=PREFIX)
        csrf.exempt(blueprint)  # token auth (or the studio page's session, CSRF-checked in page_session.py)
    for blueprint in (operate_incidents.blp, operate_corrections.blp, operate_waits.blp, operate_migrations.blp,
                      report_receivables.blp, process_analytics.blp, report_views.blp, price_master.blp,
                      expense_budgets.blp):
        api.register_blueprint(blueprint, url_prefix=PREFIX)
        csrf.exempt(blueprint)
    app.register_blueprint(docs.bp)
    app.before_request(_authenticate_bearer)
