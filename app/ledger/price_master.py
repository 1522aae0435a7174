"""Price master data kept outside the flows (NC manual items 1–7, seed
L92–98): new price lists, price items on lists no customer uses yet, and
matching rules that price what nothing priced before.

A live price changes only through a price adjustment sheet (F16), so no
direct edit bypasses its approval: an item of a list that an active rule
points at (now or from a later date) is live, and so is the price of every
customer × material pair a rule already prices — a new rule that would take
such a pair over is refused. Items are never changed in place: a change
closes one item and opens its successor. Each write flushes; the caller
commits and logs it. Dates come as dates or ISO text, numbers as numbers
or text (a page's form), each checked here and refused naming its field."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import or_, select

from app.extensions import db
from app.ledger.catalogue import (
    customer_by_code, material_by_code, material_class_by_code, price_list_by_code, strategy_by_code,
)
from app.ledger.dates import parse_date
from app.ledger.journal import today
from app.ledger.money import to_decimal
from app.ledger.posting import Source
from app.ledger.pricing import add_price_item, add_price_rule, apply_price_adjustment, taken_over_pairs
from app.models import CustomerClass, PriceItem, PriceList, PriceRule, PricingStrategy
from app.actions import BusinessRuleViolation

CODE_MAX, NAME_MAX = 32, 128


def customer_class_by_code(code: str, field: str = "customer_class") -> CustomerClass:
    """Raises BusinessRuleViolation ``unknown_customer_class``."""
    node = db.session.scalar(select(CustomerClass).where(CustomerClass.code == code))
    if node is None:
        raise BusinessRuleViolation("unknown_customer_class", f"No customer class has the code {code!r}.", field=field)
    return node


def rules_using(plist: PriceList, on: date_type) -> list[PriceRule]:
    """The active rules that price from ``plist`` on ``on`` or later:
    those pointing at it and those pointing at a strategy based on it."""
    based = select(PricingStrategy.id).where(PricingStrategy.base_price_list_id == plist.id)
    return list(db.session.scalars(select(PriceRule).where(
        or_(PriceRule.price_list_id == plist.id, PriceRule.pricing_strategy_id.in_(based)), PriceRule.active.is_(True),
        or_(PriceRule.valid_to.is_(None), PriceRule.valid_to > on)).order_by(PriceRule.id)))


def refuse_live_list(plist: PriceList) -> None:
    """Raises BusinessRuleViolation ``live_price_list`` when a rule prices
    customers from ``plist`` today or later: its prices change through F16."""
    using = rules_using(plist, today())
    if using:
        raise BusinessRuleViolation("live_price_list", f"Customers are priced from {plist.code}: change its prices "
                                    "with a price adjustment sheet.", {"price_list": plist.code,
                                                                       "rule_ids": [rule.id for rule in using]})


def _day(value, field: str) -> date_type | None:
    """A date given as a date or as ISO text (a page's form); None for none."""
    if value in (None, ""):
        return None
    return value if isinstance(value, date_type) else parse_date(value, field)


def _number(value, field: str, places: int) -> Decimal:
    """A non-negative number with at most ``places`` decimal places, below
    10^12 (what the columns hold). Raises BusinessRuleViolation ``invalid_number``."""
    number = to_decimal("" if value is None else value, field)
    if number < 0 or number >= Decimal("1e12") or number.as_tuple().exponent < -places:
        raise BusinessRuleViolation("invalid_number", f"{field}: a number from 0, at most {places} decimal places.",
                                    field=field)
    return number


def _validity(valid_from, valid_to) -> tuple[date_type, date_type | None]:
    """The validity asked for: from today or later, to after from. Raises
    BusinessRuleViolation ``invalid_date``, ``invalid_validity``."""
    valid_from, valid_to = _day(valid_from, "valid_from"), _day(valid_to, "valid_to")
    if valid_from is None:
        raise BusinessRuleViolation("invalid_date", "Give the date the entry applies from.", field="valid_from")
    if valid_from < today():
        raise BusinessRuleViolation("invalid_validity", "Master data applies from today or later.", field="valid_from")
    if valid_to is not None and valid_to <= valid_from:
        raise BusinessRuleViolation("invalid_validity", "valid_to must come after valid_from.", field="valid_to")
    return valid_from, valid_to


def code_and_name(code, name) -> tuple[str, str]:
    """A new entry's code and name, stripped. Raises BusinessRuleViolation
    ``invalid_code``, ``invalid_name``."""
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > CODE_MAX or not code.isascii() or not code.isprintable() or " " in code:
        raise BusinessRuleViolation("invalid_code", "Use 1–32 letters, digits or signs without spaces.", field="code")
    if not name or len(name) > NAME_MAX:
        raise BusinessRuleViolation("invalid_name", "Give it a name of at most 128 characters.", field="name")
    return code, name


def create_price_list_once(source: Source, code: str, name: str, currency: str = "CNY",
                           tax_inclusive: bool = True) -> dict:
    """A new, empty price list (no rule uses it yet). Raises
    BusinessRuleViolation ``invalid_code``, ``invalid_name``,
    ``invalid_currency``, ``duplicate_price_list``."""
    code, name = code_and_name(code, name)
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise BusinessRuleViolation("invalid_currency", "Use a three-letter currency code.", field="currency")
    if db.session.scalar(select(PriceList.id).where(PriceList.code == code)) is not None:
        raise BusinessRuleViolation("duplicate_price_list", f"A price list is already coded {code!r}.", field="code")
    plist = PriceList(code=code, name=name, currency=currency.upper(), tax_inclusive=bool(tax_inclusive))
    db.session.add(plist)
    db.session.flush()
    return price_list_result(plist)


def add_item_once(source: Source, price_list: str, unit_price, valid_from: date_type | str, *, valid_to=None,
                  material: str | None = None, material_class: str | None = None, unit: str | None = None,
                  min_qty=0) -> dict:
    """A price item on a list no customer uses yet. Raises
    BusinessRuleViolation ``unknown_price_list``, ``live_price_list``,
    ``invalid_validity``, ``unknown_material``, ``unknown_material_class``
    and those of ``pricing.add_price_item`` (``price_item_overlap``, …)."""
    plist = price_list_by_code(price_list)
    refuse_live_list(plist)
    valid_from, valid_to = _validity(valid_from, valid_to)
    item = add_price_item(price_list=plist, unit_price=_number(unit_price, "unit_price", 8), valid_from=valid_from,
                          valid_to=valid_to,
                          material=material_by_code(material) if material else None,
                          material_class=material_class_by_code(material_class) if material_class else None,
                          unit=unit or None, min_qty=_number(min_qty or 0, "min_qty", 4))
    return item_result(item)


def change_item_once(source: Source, item: int, unit_price, valid_from: date_type | str) -> dict:
    """Close item ``item`` (of a list no customer uses yet) at
    ``valid_from`` and open its successor at ``unit_price``; the successor.
    Raises BusinessRuleViolation ``unknown_price_item``, ``live_price_list``,
    ``invalid_validity``, ``invalid_adjustment``, ``invalid_price``."""
    found = db.session.get(PriceItem, item)
    if found is None:
        raise BusinessRuleViolation("unknown_price_item", f"No price item has the id {item}.", field="item")
    refuse_live_list(found.price_list)
    valid_from, _ = _validity(valid_from, None)
    return item_result(apply_price_adjustment(found, _number(unit_price, "unit_price", 8), valid_from))


def add_rule_once(source: Source, price_list: str | None = None, valid_from: date_type | str | None = None, *,
                  strategy: str | None = None, valid_to=None,
                  customer: str | None = None, customer_class: str | None = None, material: str | None = None,
                  material_class: str | None = None, priority: int | str = 100) -> dict:
    """A matching rule, checked against the active ones (ties, the NC class
    rule) and refused when it would take over a customer × material pair
    another rule prices (that is a live price: F16). Raises
    BusinessRuleViolation ``unknown_*``, ``invalid_validity``,
    ``price_rule_target``, ``price_rule_tie``, ``nc_class_rule``,
    ``rule_changes_live_price``, ``price_rule_source`` (not exactly one of
    ``price_list`` and ``strategy``)."""
    if bool(price_list) == bool(strategy):
        raise BusinessRuleViolation("price_rule_source", "Name one price list or one pricing strategy.", field="price_list")
    plist = price_list_by_code(price_list) if price_list else None
    chosen = strategy_by_code(strategy) if strategy else None
    valid_from, valid_to = _validity(valid_from, valid_to)
    if isinstance(priority, bool) or not str(priority).strip().isdigit() or int(priority) > 10000:
        raise BusinessRuleViolation("invalid_priority", "The priority is a whole number from 0 to 10000.", field="priority")
    targets = dict(customer=customer_by_code(customer) if customer else None,
                   customer_class=customer_class_by_code(customer_class) if customer_class else None,
                   material=material_by_code(material) if material else None,
                   material_class=material_class_by_code(material_class) if material_class else None)
    rule = add_price_rule(price_list=plist, strategy=chosen, priority=int(priority), valid_from=valid_from, valid_to=valid_to, **targets)
    taken = _taken_over(rule)
    if taken:
        db.session.delete(rule)  # a refused write leaves nothing behind, even before its use case rolls back
        db.session.flush()
        raise BusinessRuleViolation("rule_changes_live_price", f"{taken[0]['customer']} × {taken[0]['material']} already "
                                    "has a price from another rule: change it with a price adjustment sheet.",
                                    {"pairs": taken[:20]})
    return rule_result(rule)


def _taken_over(rule: PriceRule) -> list[dict]:
    """The pairs ``rule`` takes over on its first day or on any later day
    another rule starts within its validity (a later rule may start
    pricing a pair ``rule`` also covers)."""
    starts = {rule.valid_from} | set(db.session.scalars(select(PriceRule.valid_from).where(
        PriceRule.active.is_(True), PriceRule.id != rule.id, PriceRule.valid_from > rule.valid_from,
        *([PriceRule.valid_from < rule.valid_to] if rule.valid_to else []))))
    for day in sorted(starts):
        taken = taken_over_pairs(rule, day)
        if taken:
            return taken
    return []


def price_list_result(plist: PriceList) -> dict:
    return {"code": plist.code, "name": plist.name, "currency": plist.currency, "tax_inclusive": plist.tax_inclusive,
            "in_use": bool(rules_using(plist, today()))}


def item_result(item: PriceItem) -> dict:
    return {"id": item.id, "price_list": item.price_list.code,
            "material": item.material.code if item.material else None,
            "material_class": item.material_class.code if item.material_class else None,
            "unit": item.unit, "min_qty": str(item.min_qty), "unit_price": str(item.unit_price),
            "valid_from": item.valid_from.isoformat(), "valid_to": item.valid_to.isoformat() if item.valid_to else None}


def rule_result(rule: PriceRule) -> dict:
    return {"id": rule.id, "price_list": rule.price_list.code if rule.price_list else None,
            "strategy": rule.pricing_strategy.code if rule.pricing_strategy else None,
            "customer": rule.customer.code if rule.customer else None,
            "customer_class": rule.customer_class.code if rule.customer_class else None,
            "material": rule.material.code if rule.material else None,
            "material_class": rule.material_class.code if rule.material_class else None,
            "priority": rule.priority, "valid_from": rule.valid_from.isoformat(),
            "valid_to": rule.valid_to.isoformat() if rule.valid_to else None, "active": rule.active}
