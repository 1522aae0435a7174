"""Postings to the general ledger, accounting periods and document numbers.

Accounts (中国企业会计准则 chart): 1002 bank, 1122 receivables, 2203
advances from customers (预收), 6001 revenue, 222101 output VAT (销项税额),
1405 finished goods, 6401 cost of sales, 1221 other receivables (employee
advances, 备用金), 2241 other payables (owed to employees), 6601 selling
expenses (销售费用). Entries about an employee carry them in the
``salesperson_id`` dimension.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger.money import ZERO
from app.models import AccountingPeriod, LedgerEntry
from app.workflow.actions import BusinessRuleViolation

BANK = "1002"
RECEIVABLES = "1122"
ADVANCES = "2203"
REVENUE = "6001"
OUTPUT_VAT = "222101"
INVENTORY = "1405"
COST_OF_SALES = "6401"
EMPLOYEE_ADVANCES = "1221"
OWED_TO_EMPLOYEES = "2241"
SELLING_EXPENSES = "6601"


@dataclass(frozen=True)
class Line:
    """One side of a posting; ``amount`` is a debit when ``side`` is "D"."""

    account: str
    side: str
    amount: Decimal
    customer_id: int | None = None
    salesperson_id: int | None = None
    region: str | None = None
    material_class_id: int | None = None


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def today() -> date:
    """The business date from the app's clock (tests freeze it)."""
    return clock.now().date()


def ensure_open(day: date) -> None:
    """Raise BusinessRuleViolation ``period_closed`` when ``day`` falls in a
    closed accounting period."""
    status = db.session.scalar(select(AccountingPeriod.status).where(AccountingPeriod.period == period_of(day)))
    if status == "closed":
        raise BusinessRuleViolation("period_closed", f"Accounting period {period_of(day)} is closed; post in an open period.",
                                    {"period": period_of(day)})


def post(source_type: str, source_id: int, posting_date: date, lines: Iterable[Line], memo: str | None = None) -> list[LedgerEntry]:
    """Write one balanced posting for a source document (flushes only).
    Raises BusinessRuleViolation ``period_closed``; ValueError when the
    lines do not balance (a programming error, never a user's)."""
    lines = [line for line in lines if line.amount != 0]
    ensure_open(posting_date)
    debits = sum((line.amount for line in lines if line.side == "D"), ZERO)
    credits = sum((line.amount for line in lines if line.side == "C"), ZERO)
    if debits != credits:
        raise ValueError(f"unbalanced posting for {source_type} {source_id}: {debits} ≠ {credits}")
    entries = [
        LedgerEntry(source_type=source_type, source_id=source_id, account=line.account, customer_id=line.customer_id,
                    salesperson_id=line.salesperson_id, region=line.region, material_class_id=line.material_class_id,
                    debit=line.amount if line.side == "D" else ZERO, credit=line.amount if line.side == "C" else ZERO,
                    posting_date=posting_date, memo=memo, created_at=clock.now())
        for line in lines
    ]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def reverse(source_type: str, source_id: int, reversal_type: str, reversal_id: int, posting_date: date) -> list[LedgerEntry]:
    """Post the mirror image of a source document's entries under a new
    source, each pointing at the entry it reverses. Raises
    BusinessRuleViolation ``period_closed`` for the reversal's date (the
    original's period may be closed: reversals go in an open one)."""
    ensure_open(posting_date)
    originals = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.source_type == source_type, LedgerEntry.source_id == source_id).order_by(LedgerEntry.id)).all()
    entries = [
        LedgerEntry(source_type=reversal_type, source_id=reversal_id, account=e.account, customer_id=e.customer_id,
                    salesperson_id=e.salesperson_id, region=e.region, material_class_id=e.material_class_id,
                    debit=-e.debit, credit=-e.credit, posting_date=posting_date, reverses_entry_id=e.id,
                    memo=f"reverses {source_type} {source_id}", created_at=clock.now())
        for e in originals
    ]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def next_number(model, prefix: str, day: date) -> str:
    """The next document number, e.g. ``SO202611-0007``. Numbers are unique
    by constraint; under concurrency the loser's transaction fails and retries."""
    stem = f"{prefix}{day.year:04d}{day.month:02d}-"
    count = db.session.scalar(select(func.count()).select_from(model).where(model.number.like(f"{stem}%"))) or 0
    return f"{stem}{count + 1:04d}"


def close_period(period: str, closed_by_id: int | None = None) -> AccountingPeriod:
    """Mark ``period`` (YYYY-MM) closed; idempotent. Posts nothing."""
    row = db.session.scalar(select(AccountingPeriod).where(AccountingPeriod.period == period))
    if row is None:
        row = AccountingPeriod(period=period, status="open", created_at=clock.now())
        db.session.add(row)
    if row.status != "closed":
        row.status = "closed"
        row.closed_at = clock.now()
        row.closed_by_id = closed_by_id
    db.session.flush()
    return row
