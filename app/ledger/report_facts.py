"""The facts the monthly report adds up (F07), as SQL: one row per shipping
line (gross value at the frozen order price, pro rata of the line shipped),
invoice line (gross, red negative), receipt and receipt reversal (negative), with the dimensions the
report divides them by. The report groups these rows in the database
(GROUP BY) instead of reading every document of the year into Python, so
it answers in the same time however many documents the year holds. The
report itself reads the summary the postings keep (app/ledger/sales_facts.py);
these facts are what that summary must always equal.

Scope and filters are conditions on the salesperson, region, customer and
material class columns of each kind of document; a receipt has no material
class, so a series filter leaves receipts out."""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Date, Integer, String, and_, cast, literal, null, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.ledger import journal
from app.models import (Invoice, InvoiceLine, LedgerEntry, Material, Receipt, ReceiptReversal, SalesOrder, SalesOrderLine, ShippingLine,
                        ShippingNote)
from app.models.types import Money

MEASURES = ("shipped", "invoiced", "received")


class prorated(FunctionElement):  # noqa: N801  (an SQL function, named like one)
    """round(gross × shipped qty / line qty, 2), exact on both databases: on
    SQLite money and quantities are integer counts of their smallest unit,
    so the division is done in floating point on cents and rounded to whole
    cents (half away from zero, as PostgreSQL's NUMERIC round)."""

    type = Money()
    inherit_cache = True


@compiles(prorated)
def _prorated_numeric(element, compiler, **kw):
    gross, qty, line_qty = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"ROUND({gross} * {qty} / NULLIF({line_qty}, 0), 2)"


@compiles(prorated, "sqlite")
def _prorated_sqlite(element, compiler, **kw):
    gross, qty, line_qty = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(ROUND(CAST({gross} AS REAL) * {qty} / NULLIF({line_qty}, 0)) AS INTEGER)"


@dataclass(frozen=True)
class Narrowing:
    """Which facts count: ``scope`` (a ReportScope or None for everything)
    and filters by ids (``salesperson_id``, ``customer_id``), ``region`` and
    ``class_ids`` (the material classes of a product series)."""

    scope: object = None
    salesperson_id: int | None = None
    customer_id: int | None = None
    region: str | None = None
    class_ids: frozenset | None = field(default=None)

    def conditions(self, salesperson, customer, region, class_id) -> list:
        found = []
        if self.scope is not None:
            clause = self.scope.clause(salesperson, region)
            if clause is not None:
                found.append(clause)
        if self.salesperson_id is not None:
            found.append(salesperson == self.salesperson_id)
        if self.customer_id is not None:
            found.append(customer == self.customer_id)
        if self.region is not None:
            found.append(region == self.region)
        if self.class_ids is not None:
            found.append(class_id.in_(sorted(self.class_ids)) if class_id is not None else literal(False))
        return found


COLUMNS = ("day", "salesperson_id", "customer_id", "region", "class_id", "amount")


def _fact(measure: str, *columns):
    return select(literal(measure, String).label("measure"), *(c.label(n) for c, n in zip(columns, COLUMNS)))


def facts(start: date, end: date, narrowing: Narrowing = Narrowing(), measures=MEASURES):
    """A subquery of (measure, day, salesperson_id, customer_id, region,
    class_id, amount) for the documents dated in [start, end)."""
    parts = []
    if "shipped" in measures:
        parts.append(
            _fact("shipped", ShippingNote.posted_date, SalesOrder.salesperson_id, SalesOrder.customer_id,
                  SalesOrder.region, Material.class_id, prorated(SalesOrderLine.gross, ShippingLine.qty, SalesOrderLine.qty))
            .select_from(ShippingLine).join(ShippingNote, ShippingLine.note_id == ShippingNote.id)
            .join(SalesOrder, ShippingNote.order_id == SalesOrder.id)
            .join(SalesOrderLine, ShippingLine.order_line_id == SalesOrderLine.id)
            .join(Material, ShippingLine.material_id == Material.id)
            .where(ShippingNote.status == "posted", ShippingNote.posted_date >= start, ShippingNote.posted_date < end,
                   *narrowing.conditions(SalesOrder.salesperson_id, SalesOrder.customer_id, SalesOrder.region,
                                         Material.class_id)))
    if "invoiced" in measures:
        parts.append(
            _fact("invoiced", Invoice.invoice_date, Invoice.salesperson_id, Invoice.customer_id, Invoice.region,
                  InvoiceLine.material_class_id, InvoiceLine.gross)
            .select_from(InvoiceLine).join(Invoice, InvoiceLine.invoice_id == Invoice.id)
            .where(Invoice.invoice_date >= start, Invoice.invoice_date < end,
                   *narrowing.conditions(Invoice.salesperson_id, Invoice.customer_id, Invoice.region,
                                         InvoiceLine.material_class_id)))
    if "received" in measures and narrowing.class_ids is None:
        # The region a receipt counts for is the one frozen on its posting
        # (the customer's file on the receipt date), not the customer's today.
        parts.append(
            _fact("received", Receipt.receipt_date, Receipt.salesperson_id, Receipt.customer_id, LedgerEntry.region,
                  cast(null(), Integer), Receipt.amount)
            .select_from(Receipt).join(LedgerEntry, and_(LedgerEntry.source_type == "receipt", LedgerEntry.source_id == Receipt.id,
                                    LedgerEntry.account == journal.BANK))
            .where(Receipt.receipt_date >= start, Receipt.receipt_date < end,
                   *narrowing.conditions(Receipt.salesperson_id, Receipt.customer_id, LedgerEntry.region, None)))
        # A reversed receipt counts again, negative, on the reversal's date.
        parts.append(
            _fact("received", ReceiptReversal.reversal_date, Receipt.salesperson_id, ReceiptReversal.customer_id,
                  LedgerEntry.region, cast(null(), Integer), ReceiptReversal.amount)
            .select_from(ReceiptReversal).join(Receipt, ReceiptReversal.receipt_id == Receipt.id)
            .join(LedgerEntry, and_(LedgerEntry.source_type == "receipt_reversal", LedgerEntry.source_id == ReceiptReversal.id,
                                    LedgerEntry.account == journal.BANK))
            .where(ReceiptReversal.reversal_date >= start, ReceiptReversal.reversal_date < end,
                   *narrowing.conditions(Receipt.salesperson_id, ReceiptReversal.customer_id, LedgerEntry.region, None)))
    if not parts:
        parts.append(_fact("shipped", cast(null(), Date), cast(null(), Integer), cast(null(), Integer),
                           cast(null(), String), cast(null(), Integer), cast(null(), Money())).where(literal(False)))
    return union_all(*parts).subquery("facts")
