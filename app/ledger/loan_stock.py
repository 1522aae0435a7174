"""Goods at location "lent" by loan line (F17): which batches a loan line
still has at the customer, and taking them off "lent" (sold, returned or
lost) at the cost they left at. Every movement of a loan is linked to its
line, so the batches that come back are the batches that went out."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger.money import ZERO, round_money
from app.models import StockLoanLine, StockLoanMovement, StockMovement
from app.actions import BusinessRuleViolation


def link(line: StockLoanLine, movement: StockMovement) -> None:
    db.session.add(StockLoanMovement(loan_line=line, movement=movement))


def lent_batches(line: StockLoanLine) -> list[tuple[str, Decimal, Decimal]]:
    """The line's batches still at "lent", oldest first: [(batch, qty, unit cost)]."""
    rows = db.session.execute(
        select(StockMovement.batch_no, func.sum(StockMovement.qty), func.max(StockMovement.unit_cost), func.min(StockMovement.id))
        .join(StockLoanMovement, StockLoanMovement.movement_id == StockMovement.id)
        .where(StockLoanMovement.loan_line_id == line.id, StockMovement.location == "lent")
        .group_by(StockMovement.batch_no).order_by(func.min(StockMovement.id))).all()
    return [(batch, Decimal(qty), Decimal(cost)) for batch, qty, cost, _ in rows if qty and qty > 0]


def take_from_lent(line: StockLoanLine, qty: Decimal, *, kind: str, on: date_type, source_key: str, seq: int,
                   back_as: str | None = None, shipping_line_id: int | None = None,
                   order_line_id: int | None = None) -> Decimal:
    """Take ``qty`` of the line's goods off location "lent", oldest batch
    first, at the cost they left at (adds the movements, links them to the
    line); ``back_as`` a stock status puts them back in the loan's warehouse.
    Returns their cost. Raises ``over_loan`` when fewer are at "lent"."""
    cost, needed = ZERO, qty
    for batch, available, unit_cost in lent_batches(line):
        take = min(available, needed)
        if take <= 0:
            break
        changes = [(-take, "lent", "saleable")] + ([(take, "warehouse", back_as)] if back_as else [])
        for change, location, status in changes:
            seq += 1
            movement = StockMovement(kind=kind, material_id=line.material_id, qty=change, unit_cost=unit_cost, batch_no=batch,
                                     stock_status=status, movement_date=on, location=location,
                                     warehouse_id=line.loan.warehouse_id, shipping_line_id=shipping_line_id,
                                     order_line_id=order_line_id, source_key=source_key, seq=seq, created_at=clock.now())
            db.session.add(movement)
            link(line, movement)
        db.session.flush()
        cost += round_money(take * unit_cost)
        needed -= take
    if needed > 0:
        raise BusinessRuleViolation("over_loan", f"Line {line.line_no}: only {qty - needed} of {qty} is at the customer.",
                                    {"line_no": line.line_no}, field="lines")
    return cost
