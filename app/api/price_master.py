"""/price-lists, /price-items, /price-rules, /pricing-strategies,
/price-adjustment-sheets: the price master data (NC manual items 1–7). Read by the sales office,
marketing, the director, the general manager, finance, order clerks and
auditors; kept by sales_admin, marketing and the sales director — new
lists, items on lists no customer uses yet, rules that price what nothing
priced before. Live prices change through the price adjustment flow (F16):
a direct edit of one (a live list's items, a live strategy's rate) is
refused with 409."""
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate

from app.api import current_user
from app.api.ledger import idempotency_key
from app.api.parsing import ApiBlueprint, BusinessDate, Text
from app.bounds import is_ascii_number
from app.services import price_master

blp = ApiBlueprint("price_master", __name__, description="Price lists, items and matching rules")

CODE = "<string(maxlength=32):code>"
ITEM_ID = "<int(max=2147483647):item_id>"
SHEET_NO = "<string(maxlength=32):number>"


class Quantity(fields.Field):
    """A non-negative decimal read through its text (never a binary float),
    with at most ``places`` decimal places: prices to 8, quantity breaks to 4."""

    def __init__(self, *, places: int, **kwargs):
        super().__init__(**kwargs)
        self.places = places

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or not is_ascii_number(str(value)):
            raise ValidationError("Must be a number.")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError("Must be a number.") from None
        if not number.is_finite() or number.as_tuple().exponent < -self.places or number >= Decimal("1e12"):
            raise ValidationError(f"Must be a number with at most {self.places} decimal places.")
        if number < 0:
            raise ValidationError("May not be negative.")
        return number


class PriceListInSchema(Schema):
    code = Text(required=True, validate=validate.Length(min=1, max=32))
    name = Text(required=True, validate=validate.Length(min=1, max=128))
    currency = Text(load_default="CNY", validate=validate.Regexp(r"^[A-Z]{3}$", error="Use a three-letter code."))
    tax_inclusive = fields.Boolean(load_default=True, metadata={"description": "prices include VAT (含税单价)"})


class ItemInSchema(Schema):
    material = Text(load_default=None, validate=validate.Length(min=1, max=32), metadata={"description": "material code"})
    material_class = Text(load_default=None, validate=validate.Length(min=1, max=64),
                          metadata={"description": "or a material class code (with unit)"})
    unit = Text(load_default=None, validate=validate.Length(min=1, max=16))
    min_qty = Quantity(places=4, load_default=Decimal("0"), metadata={"description": "quantity break"})
    unit_price = Quantity(places=8, required=True)
    valid_from = BusinessDate(required=True)
    valid_to = BusinessDate(load_default=None, metadata={"description": "exclusive; none = open"})


class ItemChangeInSchema(Schema):
    unit_price = Quantity(places=8, required=True)
    valid_from = BusinessDate(required=True, metadata={"description": "the old item closes, the new one opens"})


class RuleInSchema(Schema):
    price_list = Text(load_default=None, validate=validate.Length(min=1, max=32),
                      metadata={"description": "the list it prices from; or give strategy"})
    strategy = Text(load_default=None, validate=validate.Length(min=1, max=32),
                    metadata={"description": "or the pricing strategy it prices by (exactly one of the two)"})
    customer = Text(load_default=None, validate=validate.Length(min=1, max=32))
    customer_class = Text(load_default=None, validate=validate.Length(min=1, max=64))
    material = Text(load_default=None, validate=validate.Length(min=1, max=32))
    material_class = Text(load_default=None, validate=validate.Length(min=1, max=64))
    priority = fields.Integer(load_default=100, strict=True, validate=validate.Range(min=0, max=10000),
                              metadata={"description": "lower wins among equally specific rules"})
    valid_from = BusinessDate(required=True)
    valid_to = BusinessDate(load_default=None)


class StrategyRateInSchema(Schema):
    method = Text(required=True, validate=validate.OneOf(("discount", "markup")))
    rate = Quantity(places=4, required=True, metadata={"description": "percent: a discount below 100, a markup to 1000"})


class StrategyInSchema(StrategyRateInSchema):
    code = Text(required=True, validate=validate.Length(min=1, max=32))
    name = Text(required=True, validate=validate.Length(min=1, max=128))
    base_price_list = Text(required=True, validate=validate.Length(min=1, max=32))
    valid_from = BusinessDate(required=True)
    valid_to = BusinessDate(load_default=None, metadata={"description": "exclusive; none = open"})


class StrategyOutSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    base_price_list = fields.String(required=True)
    method = fields.String(required=True)
    rate = fields.String(required=True, metadata={"description": "percent"})
    valid_from = fields.String(required=True)
    valid_to = fields.String(allow_none=True)
    active = fields.Boolean(required=True)
    in_use = fields.Boolean(required=True, metadata={"description": "a rule prices customers by it: its rate is live"})
    rules = fields.Integer(metadata={"description": "active rules using it"})


class StrategyDetailSchema(StrategyOutSchema):
    rules = fields.List(fields.Dict(), required=True)


class PriceListOutSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    currency = fields.String(required=True)
    tax_inclusive = fields.Boolean(required=True)
    in_use = fields.Boolean(required=True, metadata={"description": "a rule prices customers from it: change via F16"})
    rules = fields.Integer(metadata={"description": "active rules using it"})


class PriceListDetailSchema(PriceListOutSchema):
    rules = fields.List(fields.Dict(), required=True)
    items = fields.List(fields.Dict(), required=True, metadata={"description": "every item, closed ones too, "
                                                                              "with sheet_no: the sheet that made it"})


class ItemOutSchema(Schema):
    id = fields.Integer(required=True)
    price_list = fields.String(required=True)
    material = fields.String(allow_none=True)
    material_class = fields.String(allow_none=True)
    unit = fields.String(required=True)
    min_qty = fields.String(required=True)
    unit_price = fields.String(required=True)
    valid_from = fields.String(required=True)
    valid_to = fields.String(allow_none=True)


class ItemTraceSchema(ItemOutSchema):
    made_by = fields.Dict(allow_none=True, metadata={"description": "adjustment_no, sheet_no, request (instance id)"})
    replaces_item_id = fields.Integer(allow_none=True)
    replaced_by = fields.Dict(allow_none=True)


class RuleOutSchema(Schema):
    id = fields.Integer(required=True)
    price_list = fields.String(allow_none=True)
    strategy = fields.String(allow_none=True)
    customer = fields.String(allow_none=True)
    customer_class = fields.String(allow_none=True)
    material = fields.String(allow_none=True)
    material_class = fields.String(allow_none=True)
    priority = fields.Integer(required=True)
    valid_from = fields.String(required=True)
    valid_to = fields.String(allow_none=True)
    active = fields.Boolean(required=True)


class SheetLineOutSchema(Schema):
    """An item line (reprice, new_item) has the item keys, a rule line the rule keys."""
    line_no = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "reprice | new_item | add_rule | end_rule | retarget_rule"})
    material = fields.String(allow_none=True)
    material_class = fields.String(allow_none=True)
    unit = fields.String(allow_none=True, metadata={"description": "None on a rule line"})
    min_qty = fields.String()
    old_price = fields.String(allow_none=True, metadata={"description": "reprice: the item's price when drafted"})
    new_price = fields.String(allow_none=True, metadata={"description": "reprice and new_item"})
    old_item_id = fields.Integer(allow_none=True, metadata={"description": "reprice: the item closed"})
    new_item_id = fields.Integer(allow_none=True, metadata={"description": "the item the approval made"})
    adjustment_no = fields.String(allow_none=True)
    customer = fields.String(allow_none=True)
    customer_class = fields.String(allow_none=True)
    rule_id = fields.Integer(allow_none=True, metadata={"description": "end_rule, retarget_rule: the rule closed"})
    old_target = fields.String(allow_none=True, metadata={"description": "the list or strategy that rule points at"})
    to_price_list = fields.String(allow_none=True)
    to_strategy = fields.String(allow_none=True)
    priority = fields.Integer(allow_none=True)
    new_rule_id = fields.Integer(allow_none=True, metadata={"description": "add_rule, retarget_rule: the rule the approval made"})


class SheetOutSchema(Schema):
    sheet_no = fields.String(required=True)
    price_list = fields.String(required=True)
    effective_date = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    request = fields.Integer(allow_none=True, metadata={"description": "the F16 request (instance id)"})
    lines = fields.List(fields.Nested(SheetLineOutSchema), required=True)


@blp.get("/price-lists")
@blp.response(200, PriceListOutSchema(many=True))
def price_lists():
    """Every price list, whether customers use it and how many rules point at it."""
    return price_master.price_lists(current_user())


@blp.post("/price-lists")
@blp.arguments(PriceListInSchema)
@blp.response(201, PriceListOutSchema)
def create_price_list(body):
    """A new, empty price list (sales_admin, marketing, sales director)."""
    return price_master.create_price_list(current_user(), body, idempotency_key())


@blp.get(f"/price-lists/{CODE}")
@blp.response(200, PriceListDetailSchema)
def price_list(code):
    """A price list with all its items (each with the sheet that made it) and its rules."""
    return price_master.price_list(current_user(), code)


@blp.post(f"/price-lists/{CODE}/items")
@blp.arguments(ItemInSchema)
@blp.response(201, ItemOutSchema)
def add_item(body, code):
    """A price item on a list no customer uses yet; a live list answers 409 ``live_price_list``."""
    return price_master.add_item(current_user(), code, body, idempotency_key())


@blp.get(f"/price-items/{ITEM_ID}")
@blp.response(200, ItemTraceSchema)
def item(item_id):
    """An item and its trace: the sheet and request that made it (调价单号联查)."""
    return price_master.item_trace(current_user(), item_id)


@blp.post(f"/price-items/{ITEM_ID}/changes")
@blp.arguments(ItemChangeInSchema)
@blp.response(201, ItemOutSchema)
def change_item(body, item_id):
    """Close an item of a list no customer uses yet and open its successor."""
    return price_master.change_item(current_user(), item_id, body, idempotency_key())


@blp.post("/price-rules")
@blp.arguments(RuleInSchema)
@blp.response(201, RuleOutSchema)
def add_rule(body):
    """A matching rule to a price list or a pricing strategy; ties, the NC
    class rule and taking over a live price are refused."""
    return price_master.add_rule(current_user(), body, idempotency_key())


@blp.get("/pricing-strategies")
@blp.response(200, StrategyOutSchema(many=True))
def pricing_strategies():
    """Every pricing strategy (定价策略), whether customers are priced by it."""
    return price_master.pricing_strategies(current_user())


@blp.post("/pricing-strategies")
@blp.arguments(StrategyInSchema)
@blp.response(201, StrategyOutSchema)
def create_pricing_strategy(body):
    """A new pricing strategy: its base list's price less a discount or plus a markup (keepers only)."""
    return price_master.create_strategy(current_user(), body, idempotency_key())


@blp.get(f"/pricing-strategies/{CODE}")
@blp.response(200, StrategyDetailSchema)
def pricing_strategy(code):
    """A pricing strategy with the rules that point at it."""
    return price_master.pricing_strategy(current_user(), code)


@blp.post(f"/pricing-strategies/{CODE}/rate")
@blp.arguments(StrategyRateInSchema)
@blp.response(201, StrategyOutSchema)
def change_pricing_strategy(body, code):
    """A new method and rate for a strategy no rule uses yet; a live one answers 409 ``live_pricing_strategy``."""
    return price_master.change_strategy(current_user(), code, body, idempotency_key())


@blp.get(f"/price-adjustment-sheets/{SHEET_NO}")
@blp.response(200, SheetOutSchema)
def sheet(number):
    """A price adjustment sheet with its lines and the items its approval made."""
    return price_master.sheet_items(current_user(), number)
