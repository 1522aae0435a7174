"""Type-ahead for master-data fields (``x-ref``): the same lookups as the
API's /api/v1/lookups, for signed-in pages (session, not token),
scoped to the person the same way (customer_scope.lookup_for)."""
from flask import jsonify, request
from flask_login import current_user, login_required

from app.services.customer_scope import lookup_for
from app.web import bp

MAX_QUERY = 100


@bp.get("/lookups/<ref>")
@login_required
def lookup(ref: str):
    query = (request.args.get("q") or "")[:MAX_QUERY]
    return jsonify(lookup_for(ref, query, current_user))
