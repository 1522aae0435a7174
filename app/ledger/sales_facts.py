"""The sales summary kept current as documents are posted (a read model,
DESIGN.md): each posting of a shipping note, an invoice (blue or red), a
receipt or a receipt's reversal adds its amounts to ``sales_fact_daily``
and ``sales_fact_monthly`` in the same unit of work, by an atomic upsert
(INSERT … ON CONFLICT DO UPDATE amount = amount + excluded.amount), so two
postings for the same day and customer at once both count. The report
(report_figures) sums these rows; the drill-down still reads the documents.

The amounts are the ones report_facts reads from the documents: a shipping
line at its share of the order line's gross, an invoice line's gross (red
negative), a receipt's amount (its reversal's negative) under the region
frozen on its bank entry."""
from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.ledger import journal
from app.ledger.money import ZERO, round_money
from app.models import Invoice, LedgerEntry, Receipt, ReceiptReversal, SalesFactDaily, SalesFactMonthly, ShippingNote
from app.models.sales_fact import NO_CLASS, NO_ONE

KEY_DAILY = ("day", "measure", "salesperson_id", "customer_id", "region", "class_id")
KEY_MONTHLY = ("month", "measure", "salesperson_id", "region", "class_id")


def _upsert(model, key: tuple, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(rows)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=list(key), set_={"amount": model.__table__.c.amount + statement.excluded.amount}))


def add_facts(measure: str, day: date, salesperson_id: int | None, customer_id: int, region: str | None,
              amounts: dict) -> None:
    """Add ``amounts`` ({material class id or None: Decimal}) of ``measure``
    on ``day`` to the summary; several classes in one statement per table."""
    common = {"measure": measure, "salesperson_id": salesperson_id or NO_ONE, "region": region or ""}
    daily = [{"day": day, "customer_id": customer_id, "class_id": class_id or NO_CLASS, "amount": amount, **common}
             for class_id, amount in sorted(amounts.items(), key=lambda item: item[0] or NO_CLASS)]
    _upsert(SalesFactDaily, KEY_DAILY, daily)
    _upsert(SalesFactMonthly, KEY_MONTHLY, [
        {key: row[key] for key in KEY_MONTHLY[1:] + ("amount",)} | {"month": day.replace(day=1)} for row in daily])


def _by_class(pairs) -> dict:
    sums: dict = defaultdict(lambda: ZERO)
    for class_id, amount in pairs:
        sums[class_id] += amount
    return sums


def count_shipping_note(note: ShippingNote) -> None:
    """A note just posted: each line at its share of the order line's gross."""
    order = note.order
    add_facts("shipped", note.posted_date, order.salesperson_id, order.customer_id, order.region, _by_class(
        (line.material.class_id,
         round_money(line.order_line.gross * line.qty / line.order_line.qty) if line.order_line.qty else ZERO)
        for line in note.lines))


def count_invoice(invoice: Invoice) -> None:
    """An invoice just issued, blue or red (its lines' gross is negative)."""
    add_facts("invoiced", invoice.invoice_date, invoice.salesperson_id, invoice.customer_id, invoice.region,
              _by_class((line.material_class_id, line.gross) for line in invoice.lines))


def _bank_region(source_type: str, source_id: int) -> str | None:
    return db.session.scalar(select(LedgerEntry.region).where(
        LedgerEntry.source_type == source_type, LedgerEntry.source_id == source_id, LedgerEntry.account == journal.BANK))


def count_receipt(receipt: Receipt) -> None:
    """A receipt just posted, under the region of its bank entry."""
    add_facts("received", receipt.receipt_date, receipt.salesperson_id, receipt.customer_id,
              _bank_region("receipt", receipt.id), {None: receipt.amount})


def count_receipt_reversal(red: ReceiptReversal) -> None:
    """A receipt reversed: its negative amount on the reversal's date, for the
    receipt's salesperson and the region its reversing bank entry carries."""
    add_facts("received", red.reversal_date, red.receipt.salesperson_id, red.customer_id,
              _bank_region("receipt_reversal", red.id), {None: red.amount})
