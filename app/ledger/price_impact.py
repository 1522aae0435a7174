"""What a price adjustment sheet (F16) would change, for the approvers to
read before they decide, and the check after it is approved that every
customer still finds one price (LEDGER.md "Price matching")."""
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.adjustments import sheet_by_number
from app.ledger.catalogue import class_chain, class_parents
from app.ledger.dates import parse_date
from app.ledger.ownership import ensure_of_this_request
from app.ledger.pricing import coverage_gaps
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


def _orders_priced_after(sheet: PriceAdjustmentSheet) -> list[dict]:
    """Order lines dated on or after the effective date already priced by an
    item the sheet closes: approval would leave them without a valid price."""
    old_items = {line.old_item_id: line.line_no for line in sheet.lines}
    rows = db.session.execute(select(SalesOrder.number, SalesOrder.order_date, SalesOrderLine.price_item_id).join(SalesOrderLine)
                              .where(SalesOrderLine.price_item_id.in_(list(old_items)),
                                     SalesOrder.order_date >= sheet.effective_date)
                              .order_by(SalesOrder.order_date, SalesOrder.number).limit(LISTED))
    return [{"order": number, "order_date": day.isoformat(), "sheet_line": old_items[item]} for number, day, item in rows]


def impact(sheet: PriceAdjustmentSheet) -> dict:
    """% change per line, the orders priced after the effective date on an
    item the sheet closes, and the customers whose rules use the list."""
    lines, changes = [], []
    for line in sheet.lines:
        pct = change_pct(line.old_price, line.new_price)
        changes.append(pct if pct is not None else Decimal("0"))
        lines.append({"line_no": line.line_no, "material": line.material.code if line.material else None,
                      "material_class": line.material_class.code if line.material_class else None,
                      "unit": line.unit, "min_qty": str(line.min_qty), "old_price": str(line.old_price),
                      "new_price": str(line.new_price), "change_pct": str(pct) if pct is not None else None})
    customers, classes = customers_on_list(sheet)
    orders = _orders_priced_after(sheet)
    # the decision table compares numbers: the largest cut and rise as plain numbers
    return {"sheet_no": sheet.number, "price_list": sheet.price_list.code, "effective_date": sheet.effective_date.isoformat(),
            "lines": lines, "largest_cut_pct": float(max([-c for c in changes if c < 0], default=0)),
            "largest_rise_pct": float(max([c for c in changes if c > 0], default=0)),
            "orders_priced_after": orders, "order_count": len(orders),
            "customers": [c.code for c in customers[:CUSTOMERS_LISTED]], "customer_count": len(customers),
            "customer_classes": classes}


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
