"""Shipped and not yet invoiced (已发货未开票): the order lines of a customer
an invoice may still cover, and the references people pick them by
("SO202612-0001/2": the order's number and the line's number)."""
import re
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.catalogue import customer_by_code
from app.ledger.money import money_str, qty_str, round_money
from app.models import Customer, SalesOrder, SalesOrderLine
from app.actions import ActionCall, BusinessRuleViolation, action

LINE_REF = re.compile(r"^(SO[0-9]{6}-[0-9]{4,})/([0-9]{1,4})$")


def invoiceable_qty(line: SalesOrderLine) -> Decimal:
    """Delivered, not returned, not lost in transit (the company's loss,
    on a signed receipt), not yet invoiced."""
    return line.qty_delivered - line.qty_returned - line.qty_lost - line.qty_invoiced


def line_ref(line: SalesOrderLine) -> str:
    return f"{line.order.number}/{line.line_no}"


def uninvoiced_lines(customer_id: int) -> list[SalesOrderLine]:
    """The customer's blue order lines with something delivered and not
    invoiced, oldest order first."""
    rows = db.session.scalars(select(SalesOrderLine).join(SalesOrder).where(
        SalesOrder.customer_id == customer_id, SalesOrder.kind == "blue",
        SalesOrderLine.qty_delivered - SalesOrderLine.qty_returned - SalesOrderLine.qty_invoiced > 0)
        .order_by(SalesOrder.order_date, SalesOrder.id, SalesOrderLine.line_no))
    return list(rows)


def line_problem(ref, customer_code: str | None) -> str | None:
    """Why ``ref`` may not be invoiced for the customer ``customer_code``
    (unknown, another customer's, nothing left to invoice), or None."""
    match = LINE_REF.match(ref.strip()) if isinstance(ref, str) else None
    if match is None:
        return "Not an order line reference such as SO202612-0001/1."
    line = db.session.scalar(select(SalesOrderLine).join(SalesOrder).where(
        SalesOrder.number == match.group(1), SalesOrderLine.line_no == int(match.group(2))))
    if line is None:
        return f"No order line {ref}."
    if line.order.customer.code != customer_code or line.order.kind != "blue":
        return f"Order line {ref} belongs to another customer."
    if invoiceable_qty(line) <= 0:
        return f"Order line {ref} has nothing shipped and not yet invoiced."
    return None


def picked_line(ref: str, customer: Customer, field: str) -> SalesOrderLine:
    """The order line ``ref`` names, if the customer's and still invoiceable.
    Raises BusinessRuleViolation ``unknown_line``, ``wrong_customer``,
    ``nothing_to_invoice`` naming ``field``."""
    problem = line_problem(ref, customer.code)
    if problem is None:
        match = LINE_REF.match(ref.strip())
        return db.session.scalar(select(SalesOrderLine).join(SalesOrder).where(
            SalesOrder.number == match.group(1), SalesOrderLine.line_no == int(match.group(2))))
    code = ("wrong_customer" if "another customer" in problem else
            "nothing_to_invoice" if "nothing shipped" in problem else "unknown_line")
    raise BusinessRuleViolation(code, problem, {"line": ref}, field=field)


def line_row(line: SalesOrderLine) -> dict:
    """What a person reads of a shipped-not-invoiced line."""
    left = invoiceable_qty(line)
    scale = line.material.qty_scale
    share = round_money(line.gross * left / line.qty) if line.qty else Decimal(0)
    return {"order_line": line_ref(line), "material": line.material.code, "material_name": line.material.name,
            "qty_delivered": qty_str(line.qty_delivered, scale), "qty_invoiced": qty_str(line.qty_invoiced, scale),
            "qty": qty_str(left, scale), "unit_price": str(line.unit_price), "gross": money_str(share)}


@action("ledger.list_uninvoiced_lines")
def list_uninvoiced_lines(call: ActionCall, *, customer: str) -> dict:
    """F04: the customer's shipped-not-invoiced lines, for the person who
    checks an invoice request to pick from. Posts nothing. Result
    {"customer", "lines": [{"order_line", "material", "material_name",
    "qty_delivered", "qty_invoiced", "qty", "unit_price", "gross"}],
    "gross"}. Raises ``unknown_customer``."""
    found = customer_by_code(customer)
    rows = [line_row(line) for line in uninvoiced_lines(found.id)]
    return {"customer": found.code, "lines": rows,
            "gross": money_str(sum((Decimal(row["gross"]) for row in rows), Decimal(0)))}
