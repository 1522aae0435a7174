"""What a price adjustment sheet (F16) would change, for the approvers to
read before they decide, and the check after it is approved that every
customer still finds one price (LEDGER.md "Price matching"). A sheet with
new items or rule lines is played through on stand-ins (nothing is
written): the customers whose prices move and the pairs that would lose
their price (a coverage gap the check after approval turns into a task)."""
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from sqlalchemy import select

from app.extensions import db
from app.ledger.adjustments import sheet_by_number
from app.ledger.catalogue import class_chain, class_parents
from app.ledger.dates import parse_date
from app.ledger.ownership import ensure_of_this_request
from app.ledger.pricing import coverage_gaps, pair_prices
from app.ledger.sheet_lines import CLOSING, line_result
from app.models import Customer, CustomerClass, PriceAdjustmentSheet, PriceRule, PricingStrategy, SalesOrder, SalesOrderLine, User
from app.actions import ActionCall, action

LISTED = 50  # the longest list of orders a task shows; the counts say how many there are in all
CUSTOMERS_LISTED = 20  # a class rule puts every customer of the class on a list: the first ones and the count


def change_pct(old: Decimal, new: Decimal) -> Decimal | None:
    """(new − old) / old in percent, half up to 0.01; None for an old price of 0."""
    if old == 0:
        return None
    return ((new - old) * 100 / old).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rules_on(sheet: PriceAdjustmentSheet) -> list[PriceRule]:
    """The active rules that price from this sheet's list on its effective
    date: those that pick it and those that pick a strategy based on it."""
    day = sheet.effective_date
    based = select(PricingStrategy.id).where(PricingStrategy.base_price_list_id == sheet.price_list_id)
    return list(db.session.scalars(select(PriceRule).where(
        (PriceRule.price_list_id == sheet.price_list_id) | PriceRule.pricing_strategy_id.in_(based),
        PriceRule.active.is_(True), PriceRule.valid_from <= day,
        (PriceRule.valid_to.is_(None)) | (PriceRule.valid_to > day)).order_by(PriceRule.id)))


def customers_on_list(sheet: PriceAdjustmentSheet) -> tuple[list[Customer], list[str]]:
    """The active customers whose rules (their own, or their class's or an
    ancestor class's) point at the sheet's list on its effective date, by
    code; and the customer classes those rules name."""
    rules = _rules_on(sheet)
    own = {rule.customer_id for rule in rules if rule.customer_id}
    classes = {rule.customer_class_id for rule in rules if rule.customer_class_id}
    parents = class_parents(CustomerClass)
    found = [customer for customer in db.session.scalars(select(Customer).where(Customer.active.is_(True))
                                                          .order_by(Customer.code))
             if customer.id in own or classes.intersection(class_chain(CustomerClass, customer.class_id, parents))]
    class_codes = sorted(db.session.scalars(select(CustomerClass.code).where(CustomerClass.id.in_(classes)))) if classes else []
    return found, class_codes


def customers_of_rule_lines(sheet: PriceAdjustmentSheet) -> list[Customer]:
    """The active customers a rule line of the sheet names, by themselves or
    by their class or an ancestor class, by code."""
    named = [line for line in sheet.lines if line.kind in ("add_rule",) + CLOSING]
    own = {line.customer_id for line in named if line.customer_id}
    classes = {line.customer_class_id for line in named if line.customer_class_id}
    if not (own or classes):
        return []
    parents = class_parents(CustomerClass)
    return [customer for customer in db.session.scalars(select(Customer).where(Customer.active.is_(True))
                                                         .order_by(Customer.code))
            if customer.id in own or classes.intersection(class_chain(CustomerClass, customer.class_id, parents))]

def _orders_priced_after(sheet: PriceAdjustmentSheet) -> list[dict]:
    """Order lines dated on or after the effective date already priced by an
    item the sheet closes or a rule it ends or re-targets: approval would
    leave them without a valid price."""
    old_items = {line.old_item_id: line.line_no for line in sheet.lines if line.old_item_id}
    old_rules = {line.rule_id: line.line_no for line in sheet.lines if line.kind in CLOSING}
    rows = db.session.execute(select(SalesOrder.number, SalesOrder.order_date, SalesOrderLine.price_item_id,
                                     SalesOrderLine.price_rule_id).join(SalesOrderLine)
                              .where(SalesOrderLine.price_item_id.in_(list(old_items))
                                     | SalesOrderLine.price_rule_id.in_(list(old_rules)),
                                     SalesOrder.order_date >= sheet.effective_date)
                              .order_by(SalesOrder.order_date, SalesOrder.number).limit(LISTED))
    return [{"order": number, "order_date": day.isoformat(),
             "sheet_line": old_items[item] if item in old_items else old_rules[rule]} for number, day, item, rule in rows]


def _stand_in_rules(sheet: PriceAdjustmentSheet) -> list:
    """The rules valid on the effective date as the sheet would leave them."""
    day = sheet.effective_date
    closed = {line.rule_id for line in sheet.lines if line.kind in CLOSING}
    rules = [rule for rule in db.session.scalars(select(PriceRule).where(
        PriceRule.active.is_(True), PriceRule.valid_from <= day, (PriceRule.valid_to.is_(None)) | (PriceRule.valid_to > day))
        .order_by(PriceRule.id)) if rule.id not in closed]
    for line in sheet.lines:
        if line.kind in ("add_rule", "retarget_rule"):
            rules.append(SimpleNamespace(id=-line.line_no, customer_id=line.customer_id, customer_class_id=line.customer_class_id,
                                         material_id=line.material_id, material_class_id=line.material_class_id,
                                         priority=line.priority, price_list=line.target_list, price_list_id=line.target_list_id,
                                         pricing_strategy=line.target_strategy, pricing_strategy_id=line.target_strategy_id))
    return rules


def _stand_in_items(sheet: PriceAdjustmentSheet):
    """``items_of`` for ``pair_prices``: the sheet's list with its re-priced and new items."""
    repriced = {line.old_item_id: line for line in sheet.lines if line.kind == "reprice"}

    def items_of(list_id: int, unit: str, items: list) -> list:
        if list_id != sheet.price_list_id:
            return items
        items = [SimpleNamespace(id=item.id, material_id=item.material_id, material_class_id=item.material_class_id,
                                 min_qty=item.min_qty, unit_price=repriced[item.id].new_price)
                 if item.id in repriced else item for item in items]
        return items + [SimpleNamespace(id=-line.line_no, material_id=line.material_id, material_class_id=line.material_class_id,
                                        min_qty=line.min_qty, unit_price=line.new_price)
                        for line in sheet.lines if line.kind == "new_item" and line.unit == unit]
    return items_of


def rule_impact(sheet: PriceAdjustmentSheet) -> tuple[dict, list[Decimal]]:
    """For a sheet with new items or rule lines: the pairs whose price on the
    effective date moves, those that would get one, and those that would
    lose it (a coverage gap), with the customer classes that lose a price;
    and the % change of every pair that moves (a re-targeted rule may cut
    prices as deep as a re-priced item: the decision table reads both)."""
    day = sheet.effective_date
    before, after = pair_prices(day), pair_prices(day, _stand_in_rules(sheet), _stand_in_items(sheet))
    moved, gained, lost = [], [], []
    for pair, now in before.items():
        then, entry = after[pair], {"customer": pair[0], "material": pair[1]}
        if isinstance(now, tuple) and isinstance(then, tuple):
            if now[0] != then[0] or now[1].id != then[1].id:
                moved.append({**entry, "old_price": str(now[0]), "new_price": str(then[0])})
        elif isinstance(now, tuple):
            lost.append({**entry, "old_price": str(now[0]), "code": then})
        elif isinstance(then, tuple):
            gained.append({**entry, "new_price": str(then[0])})
    losing = {entry["customer"] for entry in lost}
    classes = sorted(set(db.session.scalars(select(CustomerClass.code).join(Customer, Customer.class_id == CustomerClass.id)
                                            .where(Customer.code.in_(losing))))) if losing else []
    pcts = [change_pct(Decimal(entry["old_price"]), Decimal(entry["new_price"])) for entry in moved]
    return {"price_moves": moved[:LISTED], "price_move_count": len(moved),
            "moved_customers": sorted({entry["customer"] for entry in moved})[:CUSTOMERS_LISTED],
            "priced_anew": gained[:LISTED], "priced_anew_count": len(gained),
            "coverage_losses": lost[:LISTED], "coverage_loss_count": len(lost), "classes_losing_price": classes}, \
        [pct for pct in pcts if pct is not None]


BOOKKEEPING = ("adjustment_no", "old_item_id", "new_item_id", "rule_id", "new_rule_id", "priority")
OPTIONAL = ("customer", "customer_class", "to_price_list", "to_strategy")


def _brief(line: dict) -> dict:
    """A line as the approvers weigh it: without the numbers of records
    (the sheet above lists them) and without the empty one of customer or
    class, list or strategy, so the table of lines stays narrow."""
    return {key: value for key, value in line.items()
            if key not in BOOKKEEPING and not (key in OPTIONAL and value is None)}

def impact(sheet: PriceAdjustmentSheet) -> dict:
    """% change per re-priced line, the orders priced after the effective
    date on an item or rule the sheet closes, the customers whose rules use
    the list, and for new items and rule lines ``rule_impact``."""
    lines, changes = [], []
    for line in sheet.lines:
        pct = change_pct(line.old_price, line.new_price) if line.kind == "reprice" else None
        if line.kind == "reprice":
            changes.append(pct if pct is not None else Decimal("0"))
        lines.append({**_brief(line_result(line)), **({"change_pct": str(pct) if pct is not None else None}
                                                       if line.kind in ("reprice", "new_item") else {})})
    played, moves = rule_impact(sheet) if any(line.kind != "reprice" for line in sheet.lines) else ({}, [])
    changes += moves
    customers, classes = customers_on_list(sheet)
    orders = _orders_priced_after(sheet)
    # the decision table compares numbers: the largest cut and rise as plain numbers
    return {"sheet_no": sheet.number, "price_list": sheet.price_list.code, "effective_date": sheet.effective_date.isoformat(),
            "lines": lines, "largest_cut_pct": float(max([-c for c in changes if c < 0], default=0)),
            "largest_rise_pct": float(max([c for c in changes if c > 0], default=0)),
            "orders_priced_after": orders, "order_count": len(orders),
            "customers": [c.code for c in customers[:CUSTOMERS_LISTED]], "customer_count": len(customers),
            "customer_classes": classes, **played}


def salespeople_of(customers: list[Customer]) -> list[User]:
    """The salespeople looking after ``customers``, each once, by username."""
    ids = {c.salesperson_id for c in customers if c.salesperson_id}
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.username))) if ids else []


@action("ledger.price_adjustment_impact")
def price_adjustment_impact(call: ActionCall, *, sheet: str) -> dict:
    """F16: what the draft ``sheet`` of this request would change (see
    ``impact``). Reads only. Raises ``unknown_sheet``, ``not_this_request``."""
    draft = sheet_by_number(sheet)
    ensure_of_this_request(call, draft, kind="price adjustment sheet")
    return impact(draft)


@action("ledger.price_coverage")
def price_coverage(call: ActionCall, *, on: str) -> dict:
    """Every active (customer, saleable material) pair that does not resolve
    to exactly one price on ``on``: {"gap_count", "gaps": the first 50
    [{"customer", "material", "code"}]}. Reads only. Raises ``invalid_date``."""
    gaps = coverage_gaps(parse_date(on, "on"))
    return {"on": on, "gap_count": len(gaps), "gaps": gaps[:LISTED]}
