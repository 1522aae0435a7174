"""The returns report (退货分析): the returns posted in a range of months —
each a red order the warehouse's receipt (or the ledger's return) posted —
their count and amount by reason, customer, salesperson and product, and
the list of them linked to the request that made them.

A return authorised by F03 but whose goods have not arrived yet has no red
order and is not counted: it has not reduced anyone's account. Amounts are
what the customer is credited, tax included, as positive figures. The
reader's report scope narrows every figure, whatever the filters say."""
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from app import clock
from app.actions import BusinessRuleViolation
from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.months import month_bounds
from app.ledger.money import qty_str
from app.ledger.ownership import instance_of
from app.models import Customer, ReturnReceipt, SalesOrder, SalesOrderLine, SalesReturn, User
from app.services.report_access import report_scope

FILTERS = ("from", "to", "region", "reason")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ZERO = Decimal("0.00")


def _month(value, field: str, default: str) -> tuple[str, date, date]:
    month = (value or "").strip() or default
    try:
        if not MONTH.match(month):
            raise BusinessRuleViolation("invalid_month", "Use YYYY-MM.")
        start, end = month_bounds(month)
    except BusinessRuleViolation as refused:
        raise ValidationFailed.for_fields({field: [refused.message]}) from None
    return month, start, end


def month_range(filters: dict) -> tuple[str, str, date, date]:
    """(from month, to month, first day, day after the last) of ``filters``
    "from" and "to" (YYYY-MM, default the business month today). Raises
    ValidationFailed naming ``from`` or ``to`` (not a month, or before ``from``)."""
    this_month = clock.today().strftime("%Y-%m")
    first, start, _ = _month(filters.get("from"), "from", this_month)
    last, _, end = _month(filters.get("to"), "to", max(first, this_month))
    if last < first:
        raise ValidationFailed.for_fields({"to": ["The last month comes after the first."]})
    return first, last, start, end


def _grouped(rows: list[dict], key: str, label: str) -> list[dict]:
    groups: dict = defaultdict(lambda: {"count": 0, "amount": ZERO})
    for row in rows:
        group = groups[row[key]]
        group.update(key=row[key], name=row[label])
        group["count"] += 1
        group["amount"] += row["amount"]
    return sorted(groups.values(), key=lambda g: (-g["amount"], str(g["key"])))


def _by_product(orders: list[SalesOrder]) -> list[dict]:
    groups: dict = {}
    for order in orders:
        for line in order.lines:
            group = groups.setdefault(line.material.code, {"key": line.material.code, "name": line.material.name,
                                                           "qty": Decimal(0), "amount": ZERO, "returns": set(),
                                                           "scale": line.material.qty_scale})
            group["qty"] += -line.qty
            group["amount"] += -line.gross
            group["returns"].add(order.id)
    return sorted(({**g, "count": len(g.pop("returns")), "qty_text": qty_str(g["qty"], g["scale"])} for g in groups.values()),
                  key=lambda g: (-g["amount"], g["key"]))


def returns_report(user: User, filters: dict) -> dict:
    """The returns posted from month ``filters["from"]`` to ``filters["to"]``
    inside ``user``'s report scope, narrowed by ``region`` and ``reason``
    (the code F03 records, or the text a ledger return was given). Raises
    Forbidden (no report reader), ValidationFailed naming ``from`` or ``to``."""
    scope = report_scope(user)
    first, last, start, end = month_range(filters)
    salesperson, original = aliased(User), aliased(SalesOrder)
    query = (select(SalesOrder, Customer, salesperson, SalesReturn, original.number)
             .join(Customer, Customer.id == SalesOrder.customer_id)
             .outerjoin(original, original.id == SalesOrder.original_order_id)
             .outerjoin(salesperson, salesperson.id == SalesOrder.salesperson_id)
             .outerjoin(ReturnReceipt, ReturnReceipt.red_order_id == SalesOrder.id)
             .outerjoin(SalesReturn, SalesReturn.id == ReturnReceipt.return_id)
             .where(SalesOrder.kind == "red", SalesOrder.order_date >= start, SalesOrder.order_date < end)
             .options(selectinload(SalesOrder.lines).selectinload(SalesOrderLine.material))
             .order_by(SalesOrder.order_date, SalesOrder.id))
    if (clause := scope.clause(SalesOrder.salesperson_id, SalesOrder.region)) is not None:
        query = query.where(clause)
    kept = {"from": first, "to": last}
    for name, column in (("region", SalesOrder.region), ("reason", SalesOrder.hold_reason)):
        if (value := (filters.get(name) or "").strip()):
            query = query.where(column == value)
            kept[name] = value
    rows, orders = [], []
    for order, customer, person, document, original_number in db.session.execute(query).all():
        orders.append(order)
        rows.append({"number": document.number if document else order.number, "red_order": order.number,
                     "date": order.order_date, "customer": customer.code, "customer_name": customer.name,
                     "salesperson": person.username if person else "", "salesperson_name": person.display_name if person else "",
                     "region": order.region or "", "reason": order.hold_reason or "", "reason_name": order.hold_reason or "",
                     "disposition": document.disposition if document else None, "original_order": original_number, "net": -order.net, "amount": -order.gross,
                     "instance_id": instance_of(document.source_key if document else order.source_key)})
    return {"filters": kept, "rows": rows,
            "total": {"count": len(rows), "net": sum((r["net"] for r in rows), ZERO),
                      "amount": sum((r["amount"] for r in rows), ZERO)},
            "by_reason": _grouped(rows, "reason", "reason_name"),
            "by_customer": _grouped(rows, "customer", "customer_name"),
            "by_salesperson": _grouped(rows, "salesperson", "salesperson_name"),
            "by_product": _by_product(orders)}
