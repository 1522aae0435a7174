"""/audit/instances: every request, filtered, sorted and paged, for auditors
and process admins (the find page's filter, app/services/audit_search.py).
A filter argument that is not valid is a 400 naming it."""
from marshmallow import EXCLUDE, Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.services import audit_search

blp = ApiBlueprint("audit", __name__, description="Auditors: find any request")

_ARGUMENTS = {
    "process_key": "a process key", "version": "a version number of the process",
    "status": "running, completed, cancelled or error",
    "started_from": "business date YYYY-MM-DD, inclusive", "started_to": "business date YYYY-MM-DD, inclusive",
    "ended_from": "business date YYYY-MM-DD, inclusive", "ended_to": "business date YYYY-MM-DD, inclusive",
    "starter": "username of who started it", "actor": "username of anyone who acted in it or was acted for",
    "business_key": "the business key", "customer": "a customer code, or part of a customer's name",
    "amount_min": "the request's amount at least", "amount_max": "the request's amount at most",
    "exception": "1: has a credit override; 0: has none",
    "admin_action": "1: an administrator retried, reassigned or cancelled it; 0: none did",
    "error": "1: was ever in error; 0: never was",
    "sort": "one of " + ", ".join(audit_search.SORTS), "page": "from 1",
    "per_page": f"1 to {audit_search.MAX_PER_PAGE}",
}


class _LenientQuery(Schema):
    class Meta:
        unknown = EXCLUDE


# Every argument is read as text and checked by the filter itself, so a bad
# one is a 400 naming it, as on the find page.
FindQuerySchema = _LenientQuery.from_dict(
    {name: fields.String(metadata={"description": text}) for name, text in _ARGUMENTS.items()}, name="FindQuery")


class FoundSchema(Schema):
    id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    process_name = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True)
    business_key = fields.String(required=True, allow_none=True)
    customer_code = fields.String(required=True, allow_none=True)
    customer_name = fields.String(required=True, allow_none=True)
    amount = fields.Decimal(required=True, allow_none=True, as_string=True)
    starter = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    ended_at = fields.DateTime(required=True, allow_none=True)
    exception = fields.Boolean(required=True)
    admin_action = fields.Boolean(required=True)
    error = fields.Boolean(required=True)


class FoundPageSchema(Schema):
    filter = fields.Dict(required=True, metadata={"description": "the criteria applied (only those set)"})
    items = fields.List(fields.Nested(FoundSchema), required=True)
    total = fields.Integer(required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                         metadata={"description": "per status, the requests matching every other criterion"})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


@blp.get("/audit/instances")
@blp.arguments(FindQuerySchema, location="query")
@blp.response(200, FoundPageSchema)
def find_instances(query):
    """Every request matching the filter, one page, with the total and the
    counts per status (auditors and process admins)."""
    audit_search.ensure_may_search(current_user())
    flt = audit_search.parse_filter(query)
    page = audit_search.search(flt, current_user())
    return {"filter": audit_search.describe(flt), "items": page.rows, "total": page.total, "counts": page.counts,
            "page": page.page, "per_page": page.per_page, "pages": page.pages}
