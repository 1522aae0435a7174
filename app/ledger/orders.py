"""Sales orders: priced by the matching rules, VAT per line, credit checked."""
from datetime import date as date_type

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger.contracts import check_order_against_contract
from app.ledger.catalogue import customer_by_code, material_by_code, user_by_username
from app.ledger.credit import credit_position
from app.ledger.journal import next_number, today
from app.ledger.money import document_totals, exact_qty, line_amounts, money_str, qty_str, round_price
from app.ledger.pricing import resolve_price
from app.models import Customer, SalesOrder, SalesOrderLine
from app.workflow.actions import ActionCall, BusinessRuleViolation, action


def parse_date(value: str | None, field: str = "date") -> date_type:
    """An ISO date (default: today). Raises BusinessRuleViolation ``invalid_date``."""
    if not value:
        return today()
    try:
        return date_type.fromisoformat(str(value)[:10])
    except ValueError:
        raise BusinessRuleViolation("invalid_date", f"{field} is not an ISO date: {value!r}") from None


def order_by_number(number: str) -> SalesOrder:
    """Raises BusinessRuleViolation ``unknown_order``."""
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == number))
    if order is None:
        raise BusinessRuleViolation("unknown_order", f"No order is numbered {number!r}.")
    return order


def line_by_no(order: SalesOrder, line_no) -> SalesOrderLine:
    """Raises BusinessRuleViolation ``unknown_line``."""
    for line in order.lines:
        if line.line_no == int(line_no):
            return line
    raise BusinessRuleViolation("unknown_line", f"Order {order.number} has no line {line_no}.")


def create_order(customer: Customer, lines: list[dict], *, on: date_type, source_key: str, contract_number: str | None = None,
                 created_by_id: int | None = None) -> SalesOrder:
    """Create a blue order (flushes). Each line {"material", "qty"} is priced
    by the matching rules, or {"unit_price", "price_approved_by"} for a
    manual price somebody approved; the price and its origin are frozen.
    Over the credit limit (or the customer on hold) the order is saved
    "held". Posts nothing to the ledger (an order is a commitment, not a
    transaction). Raises BusinessRuleViolation ``empty_order``,
    ``contract_customer``, ``contract_expired``, ``contract_cap_exceeded``,
    ``invalid_quantity``, ``no_price``, ``unknown_material``."""
    if not lines:
        raise BusinessRuleViolation("empty_order", "An order needs at least one line.")
    built = []
    for number, entry in enumerate(lines, start=1):
        material = material_by_code(entry.get("material"))
        qty = exact_qty(entry.get("qty"), material.qty_scale)
        if qty <= 0:
            raise BusinessRuleViolation("invalid_quantity", f"Line {number}: the quantity must be positive.")
        if entry.get("unit_price") is not None:
            approver = user_by_username(entry.get("price_approved_by"))
            if approver is None:
                raise BusinessRuleViolation("price_not_approved", f"Line {number}: a manual price needs its approver.")
            unit_price, inclusive, item, rule = round_price(entry["unit_price"]), bool(entry.get("tax_inclusive", True)), None, None
        else:
            approver = None
            price = resolve_price(customer, material, on, qty)
            unit_price, inclusive, item, rule = price.unit_price, price.tax_inclusive, price.item, price.rule
        amounts = line_amounts(qty, unit_price, material.tax_rate, tax_inclusive=inclusive)
        built.append(SalesOrderLine(
            line_no=number, material=material, unit=material.unit, qty=qty, unit_price=unit_price, tax_inclusive=inclusive,
            tax_rate=material.tax_rate, net=amounts.net, tax=amounts.tax, gross=amounts.gross, price_item=item, price_rule=rule,
            price_override_by_id=approver.id if approver else None))
    totals = document_totals(built)
    check_order_against_contract(customer, contract_number, totals.gross, on)
    order = SalesOrder(number=next_number(SalesOrder, "SO", on), kind="blue", customer=customer,
                       salesperson_id=customer.salesperson_id, region=customer.region, contract_number=contract_number,
                       order_date=on, status="approved", net=totals.net, tax=totals.tax, gross=totals.gross,
                       source_key=source_key, created_by_id=created_by_id, created_at=clock.now(), lines=built)
    db.session.add(order)
    db.session.flush()
    position = credit_position(customer, order=order)
    if position["over"]:
        order.status = "held"
        order.hold_reason = "customer on hold" if customer.on_hold else f"exposure {position['exposure']} > limit {position['limit']}"
        db.session.flush()
    return order


def order_result(order: SalesOrder) -> dict:
    """The JSON the diagrams get for an order."""
    position = credit_position(order.customer, order=order)
    return {
        "order_no": order.number, "status": order.status, "held": order.status == "held", "hold_reason": order.hold_reason,
        "net": money_str(order.net), "tax": money_str(order.tax), "gross": money_str(order.gross),
        "exposure": money_str(position["exposure"]), "credit_limit": money_str(position["limit"]),
        "lines": [{"line_no": line.line_no, "material": line.material.code, "qty": qty_str(line.qty, line.material.qty_scale),
                   "unit_price": str(line.unit_price), "gross": money_str(line.gross)} for line in order.lines],
    }


@action("ledger.create_sales_order")
def create_sales_order(call: ActionCall, *, customer: str, lines: list, date: str | None = None,
                       contract_number: str | None = None) -> dict:
    """F01/F02: make a sales order for ``customer`` from ``lines``
    [{"material", "qty", optional "unit_price" + "price_approved_by"}] on
    ``date`` (ISO, default today). Result: {"order_no", "status", "held",
    "hold_reason", "net", "tax", "gross", "exposure", "credit_limit", "lines"}.
    A held order is a result, not an error: the diagram routes it to an
    override. Idempotent per call. Raises (as results) ``unknown_customer``,
    ``unknown_material``, ``no_price``, ``invalid_quantity``, ``empty_order``."""
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.source_key == call.idempotency_key))
    if order is None:
        order = create_order(customer_by_code(customer), lines, on=parse_date(date), source_key=call.idempotency_key,
                             contract_number=contract_number, created_by_id=call.actor_id)
    return order_result(order)
