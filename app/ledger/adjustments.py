"""Price adjustment sheets (价格调整单, F16): approving one closes the old
price item and inserts the new one, so an order's frozen price stays
traceable to the item that was valid on its date."""
from datetime import date as date_type

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger.catalogue import material_by_code, user_by_username
from app.ledger.journal import next_number
from app.ledger.money import round_price, to_decimal
from app.ledger.orders import parse_date
from app.ledger.pricing import apply_price_adjustment as close_and_replace, rule_problems
from app.models import PriceAdjustment, PriceItem, PriceList, User
from app.workflow.actions import ActionCall, BusinessRuleViolation, action


def find_item(price_list: str, material: str, on: date_type, min_qty=0) -> PriceItem:
    """The item of ``price_list`` for ``material`` (its own, not a class
    item) with ``min_qty`` valid on ``on``. Raises BusinessRuleViolation
    ``unknown_price_list``, ``unknown_material``, ``no_price_item``."""
    plist = db.session.scalar(select(PriceList).where(PriceList.code == price_list))
    if plist is None:
        raise BusinessRuleViolation("unknown_price_list", f"No price list has the code {price_list!r}.")
    product = material_by_code(material)
    for item in db.session.scalars(select(PriceItem).where(PriceItem.price_list_id == plist.id,
                                                           PriceItem.material_id == product.id).order_by(PriceItem.id)):
        if item.min_qty == to_decimal(min_qty, "min_qty") and item.valid_from <= on and (item.valid_to is None or on < item.valid_to):
            return item
    raise BusinessRuleViolation("no_price_item", f"{price_list} has no item for {material} valid on {on}.")


def approve_adjustment(item: PriceItem, new_price, effective: date_type, approver: User, *, reason: str | None,
                       source_key: str) -> PriceAdjustment:
    """Record the approved sheet, close ``item`` at ``effective`` and insert
    its successor (flushes). Posts nothing. Raises BusinessRuleViolation
    ``invalid_price``, ``invalid_adjustment``, ``price_rule_tie`` /
    ``nc_class_rule`` when the active rules are misconfigured (an
    adjustment is approved only into a consistent configuration)."""
    price = round_price(new_price)
    if price < 0:
        raise BusinessRuleViolation("invalid_price", "A price may not be negative.")
    problems = rule_problems()
    if problems:
        raise BusinessRuleViolation(problems[0]["code"], problems[0]["message"], {"rule_ids": problems[0]["rule_ids"]})
    old_price = item.unit_price
    successor = close_and_replace(item, price, effective)
    sheet = PriceAdjustment(number=next_number(PriceAdjustment, "PA", effective), old_item=item, new_item=successor,
                            old_price=old_price, new_price=price, effective_date=effective, reason=reason,
                            approved_by_id=approver.id, approved_at=clock.now(), source_key=source_key, created_at=clock.now())
    db.session.add(sheet)
    db.session.flush()
    return sheet


@action("ledger.apply_price_adjustment")
def apply_price_adjustment(call: ActionCall, *, price_list: str, material: str, new_price, effective_date: str,
                           approved_by: str, min_qty=0, reason: str | None = None) -> dict:
    """F16: the approved adjustment of ``material``'s price in ``price_list``
    (the item with ``min_qty`` valid on ``effective_date``) to ``new_price``
    from ``effective_date``. Result {"adjustment_no", "price_list",
    "material", "old_price", "new_price", "effective_date", "old_item_id",
    "new_item_id", "approved_by"}. Idempotent per call. Raises
    ``unknown_price_list``, ``unknown_material``, ``no_price_item``,
    ``invalid_adjustment``, ``invalid_price``, ``unknown_user``."""
    sheet = db.session.scalar(select(PriceAdjustment).where(PriceAdjustment.source_key == call.idempotency_key))
    if sheet is None:
        effective = parse_date(effective_date, "effective_date")
        approver = user_by_username(approved_by)
        if approver is None:
            raise BusinessRuleViolation("unknown_user", "An adjustment needs the approver.")
        sheet = approve_adjustment(find_item(price_list, material, effective, min_qty), new_price, effective, approver,
                                   reason=reason, source_key=call.idempotency_key)
    item = sheet.old_item
    return {"adjustment_no": sheet.number, "price_list": item.price_list.code, "material": item.material.code,
            "old_price": str(sheet.old_price), "new_price": str(sheet.new_price),
            "effective_date": sheet.effective_date.isoformat(), "old_item_id": sheet.old_item_id,
            "new_item_id": sheet.new_item_id, "approved_by": db.session.get(User, sheet.approved_by_id).username}
