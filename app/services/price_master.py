"""Price master data (价目表, 价格项, 价格匹配规则, 定价策略) for the API and the pages:
who may keep it, the writes it allows outside the flows (each one use case,
logged in the ledger chain with its actor like finance's writes), and the
reading side — lists with their items and rules, and the trace from an
item to the adjustment sheet and request that made it (调价单号联查) and
from a sheet to its items.

Who keeps it: the sales office (``sales_admin``), marketing and the sales
director. Live prices are not theirs to edit here: app/ledger/price_master.py
refuses, and the price adjustment flow (F16) changes them with approval."""
from decimal import Decimal

from sqlalchemy import select

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.ledger import price_master as master, pricing_strategies as strategies
from app.ledger.catalogue import price_list_by_code, strategy_by_code
from app.ledger.journal import today
from app.ledger.adjustments import sheet_by_number, sheet_result
from app.ledger.ownership import instance_of
from app.models import (
    PriceAdjustment, PriceAdjustmentSheet, PriceAdjustmentSheetLine, PriceItem, PriceList, PriceRule, PricingStrategy, User,
)
from app.actions import BusinessRuleViolation
from app.services.ledger_commands import earlier_result, logged_write
from app.services.permissions import require_role
from app.services.unit_of_work import use_case

KEEPERS = ("sales_admin", "marketing", "sales_director")
READERS = KEEPERS + ("general_manager", "finance", "order_clerk", "auditor")


def may_read(user: User) -> bool:
    return any(user.has_role(code) for code in READERS)


def may_keep(user: User) -> bool:
    """Whether ``user`` may enter price master data (auditors change nothing)."""
    return not user.has_role("auditor") and any(user.has_role(code) for code in KEEPERS)


def require_reader(user: User) -> None:
    """Raises Forbidden unless ``user`` may read the price master data."""
    if not may_read(user):
        raise Forbidden(f"Only {' or '.join(READERS)} may read price lists.")


def _once(actor: User, operation: str, key: str | None, write, path_field: str | None = None, **params) -> dict:
    """``write`` logged as ``operation``; a request retried under its key
    answers what the first one made instead of making it twice."""
    earlier = earlier_result(actor, operation, key, **params)
    if earlier is not None:
        return earlier
    return logged_write(actor, operation, key, write, path_field, **params)


@use_case
def create_price_list(actor: User, data: dict, key: str | None = None) -> dict:
    """A new price list (价目表), empty and used by no rule yet."""
    require_role(actor, KEEPERS, "keep price lists")
    return _once(actor, "prices.create_price_list", key, master.create_price_list_once,
                 **{name: data.get(name) for name in ("code", "name", "currency", "tax_inclusive") if name in data})


@use_case
def add_item(actor: User, code: str, data: dict, key: str | None = None) -> dict:
    """A price item on list ``code``, which no customer may use yet (409 ``live_price_list``)."""
    require_role(actor, KEEPERS, "keep price lists")
    return _once(actor, "prices.add_price_item", key, master.add_item_once, "price_list", price_list=code,
                 **{name: data.get(name) for name in ("unit_price", "valid_from", "valid_to", "material",
                                                      "material_class", "unit", "min_qty")})


@use_case
def change_item(actor: User, item_id: int, data: dict, key: str | None = None) -> dict:
    """Close item ``item_id`` of a list no customer uses and open its successor."""
    require_role(actor, KEEPERS, "keep price lists")
    return _once(actor, "prices.change_price_item", key, master.change_item_once, "item", item=item_id,
                 unit_price=data.get("unit_price"), valid_from=data.get("valid_from"))


@use_case
def add_rule(actor: User, data: dict, key: str | None = None) -> dict:
    """A matching rule (价格匹配): customer or customer class × material or
    material class → price list, with a priority; ties and the NC class
    rule refused, as is a rule that would re-price what another prices."""
    require_role(actor, KEEPERS, "keep price rules")
    return _once(actor, "prices.add_price_rule", key, master.add_rule_once,
                 **{name: data.get(name) for name in ("price_list", "strategy", "valid_from", "valid_to", "customer",
                                                      "customer_class", "material", "material_class", "priority")
                    if name in data})


@use_case
def create_strategy(actor: User, data: dict, key: str | None = None) -> dict:
    """A new pricing strategy (定价策略) on a base list, used by no rule yet."""
    require_role(actor, KEEPERS, "keep pricing strategies")
    return _once(actor, "prices.create_pricing_strategy", key, strategies.create_strategy_once,
                 **{name: data.get(name) for name in ("code", "name", "base_price_list", "method", "rate", "valid_from",
                                                      "valid_to")})


@use_case
def change_strategy(actor: User, code: str, data: dict, key: str | None = None) -> dict:
    """A new method and rate for strategy ``code``, which no rule may use yet (409 ``live_pricing_strategy``)."""
    require_role(actor, KEEPERS, "keep pricing strategies")
    return _once(actor, "prices.change_pricing_strategy", key, strategies.change_rate_once, "strategy", strategy=code,
                 method=data.get("method"), rate=data.get("rate"))


def pricing_strategies(actor: User) -> list[dict]:
    """Every pricing strategy, whether customers are priced by it and how many rules use it."""
    require_reader(actor)
    return [{**strategies.strategy_result(found), "rules": len(strategies.rules_using_strategy(found, today()))}
            for found in db.session.scalars(select(PricingStrategy).order_by(PricingStrategy.code))]


def pricing_strategy(actor: User, code: str) -> dict:
    """Strategy ``code`` with the rules that point at it."""
    require_reader(actor)
    try:
        found = strategy_by_code(code, "code")
    except BusinessRuleViolation as unknown:
        raise NotFound(unknown.message, code=unknown.code) from None
    rules = db.session.scalars(select(PriceRule).where(PriceRule.pricing_strategy_id == found.id).order_by(
        PriceRule.priority, PriceRule.id))
    return {**strategies.strategy_result(found), "rules": [master.rule_result(rule) for rule in rules]}


def price_lists(actor: User) -> list[dict]:
    """Every price list with its counts of items valid today and of rules using it."""
    require_reader(actor)
    return [{**master.price_list_result(plist), "rules": len(master.rules_using(plist, today()))}
            for plist in db.session.scalars(select(PriceList).order_by(PriceList.code))]


def _price_list(code: str) -> PriceList:
    try:
        return price_list_by_code(code)
    except BusinessRuleViolation as unknown:
        raise NotFound(unknown.message, code=unknown.code) from None


def price_list(actor: User, code: str) -> dict:
    """List ``code`` with every item it ever had (closed ones too, by target
    and validity; each with the sheet that made it) and the rules pointing at it."""
    require_reader(actor)
    plist = _price_list(code)
    rules = db.session.scalars(select(PriceRule).where(PriceRule.price_list_id == plist.id).order_by(
        PriceRule.priority, PriceRule.id))
    made = _sheet_numbers()
    items = [{**master.item_result(item), "sheet_no": made.get(item.id)} for item in db.session.scalars(
        select(PriceItem).where(PriceItem.price_list_id == plist.id).order_by(PriceItem.id))]
    items.sort(key=lambda e: (e["material"] or "", e["material_class"] or "", e["unit"], Decimal(e["min_qty"]),
                              e["valid_from"]))
    return {**master.price_list_result(plist), "items": items, "rules": [master.rule_result(rule) for rule in rules]}


def _sheet_numbers() -> dict[int, str]:
    """New item id → the number of the sheet whose approval made it (a
    re-priced item's successor or a new item)."""
    rows = db.session.execute(select(PriceAdjustment.new_item_id, PriceAdjustmentSheet.number)
                              .join(PriceAdjustmentSheetLine, PriceAdjustmentSheetLine.adjustment_id == PriceAdjustment.id)
                              .join(PriceAdjustmentSheet, PriceAdjustmentSheet.id == PriceAdjustmentSheetLine.sheet_id))
    made = {item_id: number for item_id, number in rows}
    made.update(db.session.execute(select(PriceAdjustmentSheetLine.new_item_id, PriceAdjustmentSheet.number)
                                   .join(PriceAdjustmentSheet, PriceAdjustmentSheet.id == PriceAdjustmentSheetLine.sheet_id)
                                   .where(PriceAdjustmentSheetLine.new_item_id.is_not(None))).all())
    return made


def _made_by(adjustment: PriceAdjustment | None) -> dict | None:
    """The adjustment, its sheet and the sheet's request (None when outside any flow)."""
    if adjustment is None:
        return None
    line = db.session.scalar(select(PriceAdjustmentSheetLine).where(PriceAdjustmentSheetLine.adjustment_id == adjustment.id))
    sheet = line.sheet if line is not None else None
    return {"adjustment_no": adjustment.number, "sheet_no": sheet.number if sheet else None,
            "request": instance_of(sheet.source_key if sheet else adjustment.source_key),
            "old_price": str(adjustment.old_price), "new_price": str(adjustment.new_price),
            "effective_date": adjustment.effective_date.isoformat()}


def item_trace(actor: User, item_id: int) -> dict:
    """Item ``item_id`` and where it came from: the adjustment sheet and
    request that made it (``made_by``; None for an item entered as master
    data), the item it replaced and the one that replaced it."""
    require_reader(actor)
    item = db.session.get(PriceItem, item_id)
    if item is None:
        raise NotFound(f"No price item has the id {item_id}.", code="unknown_price_item")
    made = db.session.scalar(select(PriceAdjustment).where(PriceAdjustment.new_item_id == item.id))
    replaced = db.session.scalar(select(PriceAdjustment).where(PriceAdjustment.old_item_id == item.id))
    return {**master.item_result(item), "made_by": _made_by(made), "replaces_item_id": made.old_item_id if made else None,
            "replaced_by": {**_made_by(replaced), "item_id": replaced.new_item_id} if replaced else None}


def sheet_items(actor: User, number: str) -> dict:
    """Sheet ``number`` with its lines, each naming the item it closed and
    the item its approval made, and the request the sheet belongs to."""
    require_reader(actor)
    try:
        sheet = sheet_by_number(number)
    except BusinessRuleViolation as unknown:
        raise NotFound(unknown.message, code=unknown.code) from None
    return {**sheet_result(sheet), "request": instance_of(sheet.source_key)}
