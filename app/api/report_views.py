"""/reports/views: saved views of the report pages — the caller's own,
those shared with a role they hold or with them — saved and deleted. A view
keeps only the filters its page accepts; only its owner deletes it."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID
from app.services import saved_views

blp = ApiBlueprint("report-views", __name__, description="Saved views of the report pages")


class ViewFieldsSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=saved_views.NAME_LENGTH))
    endpoint = Text(required=True, validate=validate.Length(max=80),
                    metadata={"description": "the report page, e.g. web.report_returns"})
    filters = fields.Dict(keys=fields.String(), load_default=dict,
                          metadata={"description": "query arguments of the page; those it does not accept are dropped"})
    share = Text(load_default=None, validate=validate.OneOf(saved_views.SHARES))
    share_role = Text(load_default=None, validate=validate.Length(max=64), metadata={"description": "a role code"})
    share_user = Text(load_default=None, validate=validate.Length(max=64), metadata={"description": "a user name"})


class ViewQuerySchema(Schema):
    endpoint = Text(load_default=None, validate=validate.Length(max=80))


class ViewSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    endpoint = fields.String(required=True)
    filters = fields.Dict(required=True)
    page = fields.String(allow_none=True)
    owner = fields.String(required=True)
    owner_name = fields.String(required=True)
    mine = fields.Boolean(required=True)
    shared_role = fields.String(allow_none=True)
    shared_user = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)


@blp.get("/reports/views")
@blp.arguments(ViewQuerySchema, location="query")
@blp.response(200, ViewSchema(many=True))
def list_views(query):
    """The views open to the caller, of the report pages they may open (of one page with ``endpoint``)."""
    user = current_user()
    return [saved_views.described(v, user) for v in saved_views.visible_views(user, query["endpoint"])]


@blp.post("/reports/views")
@blp.arguments(ViewFieldsSchema)
@blp.response(201, ViewSchema)
def create_view(body):
    """Save a view; 422 naming the field (name, endpoint, filters.<name>, share, share_role, share_user)."""
    user = current_user()
    view = saved_views.create_view(user, body["name"], body["endpoint"], body["filters"], share=body["share"],
                                   share_role=body["share_role"], share_user=body["share_user"])
    return saved_views.described(view, user)


@blp.delete(f"/reports/views/<int(max={MAX_ID}):view_id>")
@blp.response(204)
def delete_view(view_id):
    """Delete one of the caller's own views; 403 for someone else's, 404 for one the caller does not see."""
    saved_views.delete_view(current_user(), view_id)
