"""Postings to the general ledger, accounting periods and document numbers.

Accounts (中国企业会计准则 chart): 1002 bank, 1122 receivables, 2203
advances from customers (预收), 6001 revenue, 222101 output VAT (销项税额),
1405 finished goods, 6401 cost of sales, 1221 other receivables (employee
advances, 备用金), 2241 other payables (owed to employees), 6601 selling
expenses (销售费用). Entries about an employee carry them in the
``salesperson_id`` dimension; a presales project's selling expenses carry
its number in the ``project_code`` dimension. Internal trade between the group's
organisations (issue 22): 112201 internal receivable (应收账款-内部单位),
220201 internal payable (应付账款-内部单位), 600102 internal revenue
(主营业务收入-内部), 640102 internal purchases (cost of goods bought from
another organisation of the group), 222102 input VAT (进项税额); those
entries carry whose books they are in ``org_unit_id``.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger.money import ZERO
from app.models import AccountingPeriod, DocumentCounter, LedgerEntry
from app.actions import BusinessRuleViolation

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
INTERNAL_RECEIVABLE = "112201"
INTERNAL_PAYABLE = "220201"
INTERNAL_REVENUE = "600102"
INTERNAL_PURCHASES = "640102"
INPUT_VAT = "222102"


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
    # named, never by position: dimensions added later must not shift callers' values
    project_code: str | None = field(default=None, kw_only=True)
    org_unit_id: int | None = field(default=None, kw_only=True)  # whose books, on internal trade; None: the head company's


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def today() -> date:
    """The business date (``app.clock.today``), kept here because the ledger
    reads it everywhere under this name."""
    return clock.today()


def ensure_open(day: date, field: str = "date") -> None:
    """Raise BusinessRuleViolation ``period_closed`` when ``day`` falls in a
    closed accounting period."""
    status = db.session.scalar(select(AccountingPeriod.status).where(AccountingPeriod.period == period_of(day)))
    if status == "closed":
        raise BusinessRuleViolation("period_closed", f"Accounting period {period_of(day)} is closed; post in an open period.",
                                    {"period": period_of(day)}, field=field)


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
                    project_code=line.project_code, org_unit_id=line.org_unit_id,
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
                    project_code=e.project_code, org_unit_id=e.org_unit_id,
                    debit=-e.debit, credit=-e.credit, posting_date=posting_date, reverses_entry_id=e.id,
                    memo=f"reverses {source_type} {source_id}", created_at=clock.now())
        for e in originals
    ]
    db.session.add_all(entries)
    db.session.flush()
    return entries


def _highest_suffix(column, stem: str, width: int) -> int:
    """The largest number already stored after ``stem`` (0 when none): longer
    numbers first, so 10000 sorts above 9999."""
    found = db.session.scalar(select(column).where(column.like(f"{stem}%"), func.length(column) >= len(stem) + width)
                              .order_by(func.length(column).desc(), column.desc()).limit(1))
    suffix = found[len(stem):] if found else ""
    return int(suffix) if suffix.isdigit() else 0


def take_number(series: str, period: str, column, stem: str, width: int) -> int:
    """The next value of counter (``series``, ``period``), taken inside the
    caller's transaction (flushes nothing else).

    One atomic upsert: insert the counter, or bump it if it exists. On
    PostgreSQL the bumped row stays locked until the caller commits or rolls
    back, so a concurrent writer waits on it and then gets the next value:
    no duplicate, no unique-constraint failure, no retry loop. On SQLite the
    upsert is a write, so it runs under the database's single writer lock.
    A rolled-back transaction gives its number back (numbers stay gap-free,
    which a database SEQUENCE would not). The value is never below the
    highest number already stored + 1, so a fresh counter continues an
    existing series and a number written some other way is never reissued."""
    table = DocumentCounter.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
        larger = func.greatest
    else:
        from sqlalchemy.dialects.sqlite import insert
        larger = func.max  # SQLite's two-argument max() is a scalar function
    floor = _highest_suffix(column, stem, width) + 1
    stmt = insert(table).values(series=series, period=period, last_value=floor)
    stmt = stmt.on_conflict_do_update(index_elements=[table.c.series, table.c.period],
                                      set_={"last_value": larger(table.c.last_value + 1, stmt.excluded.last_value)})
    return db.session.execute(stmt.returning(table.c.last_value)).scalar_one()


def next_number(model, prefix: str, day: date) -> str:
    """The next document number of ``prefix`` in ``day``'s month, e.g.
    ``SO202611-0007``, from the counter (``take_number``): unique and
    gap-free even when two transactions number documents at once."""
    stem = f"{prefix}{day.year:04d}{day.month:02d}-"
    return f"{stem}{take_number(prefix, period_of(day), model.number, stem, 4):04d}"


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
