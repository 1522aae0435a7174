"""What is still open: receivables, advances, ordered-not-invoiced.
Computed from the posted rows every time (never stored), so they cannot
drift from the documents."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, type_coerce, union_all

from app.extensions import db
from app.ledger.loan_exposure import goods_on_loan_value
from app.ledger.money import ZERO, round_money
from app.models import Allocation, Invoice, Receipt, ReceiptReversal, Receivable, SalesOrder, SalesOrderLine
from app.models.types import Money


def _sum(stmt) -> Decimal:
    value = db.session.scalar(stmt)
    return Decimal(value) if value is not None else ZERO


def allocated_to(receivable_id: int) -> Decimal:
    """Sum of the allocations settling this (blue) receivable."""
    return _sum(select(func.sum(Allocation.amount)).where(Allocation.receivable_id == receivable_id))


def credited_from(receivable_id: int) -> Decimal:
    """Sum this (red) receivable has offset against blue ones."""
    return _sum(select(func.sum(Allocation.amount)).where(Allocation.credit_receivable_id == receivable_id))


def outstanding(receivable: Receivable) -> Decimal:
    """Amount − allocations: ≥ 0 for a blue receivable, ≤ 0 for a red one
    (a red one's allocations count against it with the opposite sign)."""
    return receivable.amount - allocated_to(receivable.id) + credited_from(receivable.id)


def outstanding_as_of(as_of: date):
    """``outstanding`` of every receivable in the books on ``as_of``, as one
    subquery (receivable_id, open): amount − the allocations settling it +
    what it credited as a red receivable, counting only allocations (and
    their reversals) dated on or before ``as_of``; receivables posted
    later are absent. The reports join it instead of asking row by row."""
    moves = union_all(
        select(Allocation.receivable_id.label("rid"), Allocation.amount.label("amount"))
        .where(Allocation.allocation_date <= as_of),
        select(Allocation.credit_receivable_id, -Allocation.amount)
        .where(Allocation.credit_receivable_id.is_not(None), Allocation.allocation_date <= as_of),
    ).subquery()
    settled = select(moves.c.rid, func.sum(moves.c.amount).label("settled")).group_by(moves.c.rid).subquery()
    open_amount = type_coerce(Receivable.amount - func.coalesce(settled.c.settled, 0), Money())
    return (select(Receivable.id.label("receivable_id"), open_amount.label("open"))
            .outerjoin(settled, settled.c.rid == Receivable.id).where(Receivable.posting_date <= as_of).subquery())


def unallocated_as_of(as_of: date):
    """``unallocated`` of every receipt received on or before ``as_of``, as
    one subquery (receipt_id, unallocated): amount − allocations − the part
    a red receipt cancelled, each counted only when dated by ``as_of``."""
    used = union_all(
        select(Allocation.receipt_id.label("rid"), Allocation.amount.label("amount"))
        .where(Allocation.receipt_id.is_not(None), Allocation.allocation_date <= as_of),
        select(ReceiptReversal.receipt_id, -ReceiptReversal.amount).where(ReceiptReversal.reversal_date <= as_of),
    ).subquery()
    totals = select(used.c.rid, func.sum(used.c.amount).label("used")).group_by(used.c.rid).subquery()
    left = type_coerce(Receipt.amount - func.coalesce(totals.c.used, 0), Money())
    return (select(Receipt.id.label("receipt_id"), left.label("unallocated"))
            .outerjoin(totals, totals.c.rid == Receipt.id).where(Receipt.receipt_date <= as_of).subquery())


def reversed_part(receipt_id: int) -> Decimal:
    """What a red receipt cancelled of this receipt (its whole amount, or 0)."""
    return -_sum(select(func.sum(ReceiptReversal.amount)).where(ReceiptReversal.receipt_id == receipt_id))


def unallocated(receipt: Receipt) -> Decimal:
    """The part of a receipt no allocation has used yet and no red receipt
    cancelled: the advance (预收)."""
    used = _sum(select(func.sum(Allocation.amount)).where(Allocation.receipt_id == receipt.id))
    return receipt.amount - used - reversed_part(receipt.id)


def receipt_used_totals() -> dict[int, Decimal]:
    """Per receipt id: allocations + the part a red receipt cancelled, i.e.
    amount − unallocated. Invariants 3 and 4 compare receipts with this (a
    reversed receipt has nothing unallocated: its red receipt used it)."""
    totals: dict[int, Decimal] = {}
    for rid, amount in db.session.execute(select(Allocation.receipt_id, func.sum(Allocation.amount))
                                          .where(Allocation.receipt_id.is_not(None)).group_by(Allocation.receipt_id)):
        totals[rid] = Decimal(amount)
    for rid, amount in db.session.execute(select(ReceiptReversal.receipt_id, ReceiptReversal.amount)):
        totals[rid] = totals.get(rid, ZERO) - amount
    return totals


def live_allocations(receipt_id: int) -> list[Allocation]:
    """The receipt's allocations that are neither reversals nor reversed, oldest first."""
    rows = db.session.scalars(select(Allocation).where(Allocation.receipt_id == receipt_id).order_by(Allocation.id)).all()
    undone = {a.reverses_id for a in rows if a.reverses_id is not None}
    return [a for a in rows if a.reverses_id is None and a.id not in undone]


def open_receivables(customer_id: int) -> list[tuple[Receivable, Decimal]]:
    """The customer's receivables with a non-zero outstanding amount, oldest
    due date first: [(receivable, outstanding)]."""
    rows = db.session.scalars(select(Receivable).where(Receivable.customer_id == customer_id)
                              .order_by(Receivable.due_date, Receivable.id))
    return [(r, o) for r in rows if (o := outstanding(r)) != 0]


def customer_receivables_total(customer_id: int) -> Decimal:
    """Sum of the customer's outstanding receivables (blue less red)."""
    return sum((o for _, o in open_receivables(customer_id)), ZERO)


def open_advances(customer_id: int) -> list[tuple[Receipt, Decimal]]:
    """The customer's receipts with money left, oldest first: [(receipt, unallocated)]."""
    rows = db.session.scalars(select(Receipt).where(Receipt.customer_id == customer_id)
                              .order_by(Receipt.receipt_date, Receipt.id))
    return [(r, u) for r in rows if (u := unallocated(r)) > 0]


def customer_advances_total(customer_id: int) -> Decimal:
    return sum((u for _, u in open_advances(customer_id)), ZERO)


def line_open_qty(line: SalesOrderLine) -> Decimal:
    """Ordered, not yet invoiced and not cancelled by a return: qty − returned
    − net invoiced (a return first reduces the uninvoiced quantity) − lost in
    transit (the company's loss, never invoiced)."""
    return max(line.qty - line.qty_returned - line.qty_lost - line.qty_invoiced, Decimal(0))


def ordered_not_invoiced(customer_id: int, *, extra_order_id: int | None = None) -> Decimal:
    """Gross value of the open quantities of the customer's approved blue
    orders (plus ``extra_order_id``, the order being checked)."""
    status_ok = SalesOrder.status == "approved"
    if extra_order_id is not None:
        status_ok = status_ok | (SalesOrder.id == extra_order_id)
    lines = db.session.scalars(select(SalesOrderLine).join(SalesOrder).where(
        SalesOrder.customer_id == customer_id, SalesOrder.kind == "blue", status_ok))
    total = ZERO
    for line in lines:
        if line.qty:
            total += round_money(line.gross * line_open_qty(line) / line.qty)
    return total


def issued_not_entered(customer_id: int) -> Decimal:
    """Gross of the customer's invoices issued and not yet entered into the
    books (F04): no longer ordered-not-invoiced, not yet a receivable."""
    return _sum(select(func.sum(Invoice.gross)).outerjoin(Receivable, Receivable.invoice_id == Invoice.id).where(
        Invoice.customer_id == customer_id, Receivable.id.is_(None)))


def exposure(customer_id: int, *, extra_order_id: int | None = None) -> Decimal:
    """Credit exposure = open receivables − unallocated advances +
    ordered-not-invoiced (counting invoices not yet entered as not invoiced)
    + goods on loan (F17: lent, not yet converted, returned or lost)."""
    return (customer_receivables_total(customer_id) - customer_advances_total(customer_id)
            + ordered_not_invoiced(customer_id, extra_order_id=extra_order_id) + issued_not_entered(customer_id)
            + goods_on_loan_value(customer_id))
