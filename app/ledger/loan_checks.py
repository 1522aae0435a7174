"""Invariants of goods on loan (F17 borrow_to_sale), run by
app.ledger.checks.run_all, and the overdue loans the monthly
reconciliation lists."""
from collections import defaultdict
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.stock_loans import GOODS_LENT_OUT
from app.models import LedgerEntry, StockLoan, StockLoanEvent, StockLoanLine, StockLoanMovement, StockMovement

ZERO = Decimal(0)
# event kind → the running total of the loan line it adds to (and with which sign)
_EVENT_TOTALS = {"lent": ("qty_lent", 1), "converted": ("qty_converted", 1), "unconverted": ("qty_converted", -1),
                 "returned": ("qty_returned", 1), "lost": ("qty_lost", 1)}


def _result(name: str, violations: list) -> dict:
    return {"name": name, "ok": not violations, "violations": violations}


def stock_loans() -> dict:
    """11. Per loan line: lent = converted + returned + lost + still out,
    still out ≥ 0, each running total equal to its events; the goods at
    location "lent" of the line = still out + converted and not yet
    back-filled (≥ 0), where back-filled is the line's outbound movements
    (counted once: a conversion's outbound is the only movement of its
    shipping line); and the ledger's goods lent out 1406 = the cost of all
    goods at "lent" on loans."""
    totals: dict = defaultdict(lambda: ZERO)
    for line_id, kind, qty in db.session.execute(select(StockLoanEvent.loan_line_id, StockLoanEvent.kind, StockLoanEvent.qty)):
        if kind in _EVENT_TOTALS:
            column, sign = _EVENT_TOTALS[kind]
            totals[(line_id, column)] += sign * qty
    at_lent: dict = defaultdict(lambda: ZERO)
    shipped: dict = defaultdict(lambda: ZERO)
    cost_at_lent = ZERO
    for line_id, kind, location, qty, unit_cost in db.session.execute(
            select(StockLoanMovement.loan_line_id, StockMovement.kind, StockMovement.location, StockMovement.qty,
                   StockMovement.unit_cost).join(StockMovement, StockLoanMovement.movement_id == StockMovement.id)):
        if location == "lent":
            at_lent[line_id] += qty
            cost_at_lent += qty * unit_cost
        if kind == "outbound":
            shipped[line_id] -= qty
    violations = []
    for line, number in db.session.execute(select(StockLoanLine, StockLoan.number).join(StockLoan)):
        lent_out = line.qty_lent if line.loan.status != "requested" else ZERO
        expected_at_lent = line.still_out + line.qty_converted - shipped[line.id] if lent_out else ZERO
        ok = (line.still_out >= 0 and line.qty_converted >= shipped[line.id] >= 0
              and all(getattr(line, column) == totals[(line.id, column)] for column in ("qty_converted", "qty_returned",
                                                                                      "qty_lost"))
              and lent_out == totals[(line.id, "qty_lent")] and at_lent[line.id] == expected_at_lent)
        if not ok:
            violations.append({"loan": number, "line_no": line.line_no, "lent": str(line.qty_lent),
                               "converted": str(line.qty_converted), "returned": str(line.qty_returned),
                               "lost": str(line.qty_lost), "at_lent": str(at_lent[line.id]), "shipped": str(shipped[line.id])})
    booked = db.session.scalar(select(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit))
                               .where(LedgerEntry.account == GOODS_LENT_OUT)) or ZERO
    # each posting rounds per batch; allow the cent each batch may round
    if abs(booked - cost_at_lent) > Decimal("0.01") * max(len(at_lent), 1):
        violations.append({"account": GOODS_LENT_OUT, "ledger": str(booked), "cost_at_lent": str(cost_at_lent)})
    return _result("stock_loans", violations)


def overdue_loans(as_of: date_type) -> list[dict]:
    """Loans with goods still at the customer after their expected date
    (the monthly reconciliation lists them): [{"loan", "customer",
    "salesperson", "expected_date", "days_overdue", "value_out"}], most
    overdue first."""
    found = []
    for loan in db.session.scalars(select(StockLoan).where(StockLoan.status.in_(("lent", "delivered")),
                                                           StockLoan.expected_date < as_of).order_by(StockLoan.expected_date)):
        out = sum((line.gross * line.still_out / line.qty_lent for line in loan.lines if line.qty_lent), ZERO)
        if out > 0:
            found.append({"loan": loan.number, "customer": loan.customer.code, "salesperson": loan.salesperson.username,
                          "expected_date": loan.expected_date.isoformat(), "days_overdue": (as_of - loan.expected_date).days,
                          "value_out": str(out.quantize(Decimal("0.01")))})
    return found
