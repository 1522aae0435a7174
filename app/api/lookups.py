"""/lookups/{ref}: master data for form fields marked ``"x-ref"``."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.services import customer_scope

blp = ApiBlueprint("lookups", __name__, description="Master-data lookups for form fields")


class LookupQuerySchema(Schema):
    q = Text(load_default=None, validate=validate.Length(max=100),
             metadata={"description": "part of the value or label, any case"})


class OptionSchema(Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)
    name = fields.String(metadata={"description": "what the code names, without the code: a customer's name, a material's "
                                              "name and spec, a person's display name, a class's or a price list's name (every lookup "
                                              "but role, region and order_line)"})


@blp.get("/lookups/<ref>")
@blp.arguments(LookupQuerySchema, location="query")
@blp.response(200, OptionSchema(many=True))
def lookup(query, ref):
    """Up to 20 options of ``ref`` (user, customer, role, region, ...) matching ``q``.
    A sales rep's or regional manager's ``customer`` options are the active
    customers of their region and those they serve (app/services/customer_scope.py)."""
    return customer_scope.lookup_for(ref, query["q"], current_user())
