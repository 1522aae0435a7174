"""Type-ahead for master-data fields (``x-ref``): the same lookups as the
API's /api/v1/lookups, for signed-in pages (session, not token)."""
from flask import jsonify, request
from flask_login import login_required

from app.services.queries import lookup_values
from app.web import bp

MAX_QUERY = 100


@bp.get("/lookups/<ref>")
@login_required
def lookup(ref: str):
    query = (request.args.get("q") or "")[:MAX_QUERY]
    return jsonify(lookup_values(ref, query))
