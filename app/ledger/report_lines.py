"""The monthly report's lines (F07, seed §七 "导出明细"): each shipping line,
invoice line, receipt and receipt reversal (negative) of the month, with the dimensions the report is
divided by (salesperson, customer, region, product series), so the report
can be filtered (筛选), totalled by series (系列汇总) and exported. Read-only.

A product series is the top of the material's class tree (存货分类). A
receipt has no product, so it has no series; the region of a receipt is the
one frozen on its posting."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger import journal
from app.ledger.months import month_bounds
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.ownership import OUTSIDE_FLOWS
from app.ledger.report_facts import Narrowing
from app.ledger.report_figures import series_of_classes
from app.models import (Customer, Invoice, InvoiceLine, LedgerEntry, Material, Receipt, ReceiptReversal, SalesOrder,
                        SalesOrderLine, ShippingLine, ShippingNote, User)

FILTERS = ("region", "salesperson", "customer", "series")
COLUMNS = ("measure", "date", "document", "line_no", "customer", "customer_name", "salesperson", "region", "material",
           "series", "qty", "amount")


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _raw_lines(month: str, narrowing: Narrowing):
    start, end = month_bounds(month)
    within = narrowing.conditions
    for day, number, line_no, rep, customer, region, material, class_id, qty, line_qty, gross, key in db.session.execute(
            select(ShippingNote.posted_date, ShippingNote.number, ShippingLine.line_no, SalesOrder.salesperson_id,
                   SalesOrder.customer_id, SalesOrder.region, Material.code, Material.class_id, ShippingLine.qty,
                   SalesOrderLine.qty, SalesOrderLine.gross, ShippingNote.source_key)
            .join(ShippingNote, ShippingLine.note_id == ShippingNote.id).join(SalesOrder, ShippingNote.order_id == SalesOrder.id)
            .join(SalesOrderLine, ShippingLine.order_line_id == SalesOrderLine.id)
            .join(Material, ShippingLine.material_id == Material.id)
            .where(ShippingNote.status == "posted", ShippingNote.posted_date >= start, ShippingNote.posted_date < end,
                   *within(SalesOrder.salesperson_id, SalesOrder.customer_id, SalesOrder.region, None))):
        amount = round_money(gross * qty / line_qty) if line_qty else ZERO
        yield "shipped", day, number, line_no, rep, customer, region, material, class_id, qty, amount, key
    for day, number, line_no, rep, customer, region, material, class_id, qty, gross, key in db.session.execute(
            select(Invoice.invoice_date, Invoice.number, InvoiceLine.line_no, Invoice.salesperson_id, Invoice.customer_id,
                   Invoice.region, Material.code, InvoiceLine.material_class_id, InvoiceLine.qty, InvoiceLine.gross,
                   Invoice.source_key)
            .join(Invoice, InvoiceLine.invoice_id == Invoice.id).join(Material, InvoiceLine.material_id == Material.id)
            .where(Invoice.invoice_date >= start, Invoice.invoice_date < end,
                   *within(Invoice.salesperson_id, Invoice.customer_id, Invoice.region, None))):
        yield "invoiced", day, number, line_no, rep, customer, region, material, class_id, qty, gross, key
    for day, number, rep, customer, region, amount, key in db.session.execute(
            select(Receipt.receipt_date, Receipt.number, Receipt.salesperson_id, Receipt.customer_id, LedgerEntry.region,
                   Receipt.amount, Receipt.source_key)
            .join(LedgerEntry, (LedgerEntry.source_type == "receipt") & (LedgerEntry.source_id == Receipt.id)
                  & (LedgerEntry.account == journal.BANK))
            .where(Receipt.receipt_date >= start, Receipt.receipt_date < end,
                   *within(Receipt.salesperson_id, Receipt.customer_id, LedgerEntry.region, None))):
        yield "received", day, number, None, rep, customer, region, None, None, None, amount, key
    for day, number, rep, customer, region, amount, key in db.session.execute(
            select(ReceiptReversal.reversal_date, ReceiptReversal.number, Receipt.salesperson_id, ReceiptReversal.customer_id,
                   LedgerEntry.region, ReceiptReversal.amount, ReceiptReversal.source_key)
            .join(Receipt, ReceiptReversal.receipt_id == Receipt.id)
            .join(LedgerEntry, (LedgerEntry.source_type == "receipt_reversal") & (LedgerEntry.source_id == ReceiptReversal.id)
                  & (LedgerEntry.account == journal.BANK))
            .where(ReceiptReversal.reversal_date >= start, ReceiptReversal.reversal_date < end,
                   *within(Receipt.salesperson_id, ReceiptReversal.customer_id, LedgerEntry.region, None))):
        yield "received", day, number, None, rep, customer, region, None, None, None, amount, key


def instance_of(source_key: str | None) -> int | None:
    """The request (process instance) whose step made a document, from the
    key it was posted under ("<instance>:<task>:<operation>"); None for a
    document made outside the flows (instance 0) or under another key."""
    head = (source_key or "").split(":", 1)[0]
    return int(head) if head.isdigit() and int(head) != OUTSIDE_FLOWS else None


def report_lines(month: str, filters: dict | None = None, scope=None, narrowing: Narrowing | None = None) -> list[dict]:
    """Every line of ``month`` behind the report inside ``scope`` (a
    ReportScope; None: everything), narrowed by ``filters``
    ({"region", "salesperson" (username), "customer" (code), "series"};
    empty values ignored), ordered by measure, date and document. Amounts
    and quantities as strings. ``narrowing`` (the same scope and filters by
    ids) lets the database leave out the other lines before they are read.
    Raises BusinessRuleViolation ``invalid_month``."""
    wanted = {key: value for key, value in (filters or {}).items() if key in FILTERS and value}
    raw = list(_raw_lines(month, narrowing or Narrowing(scope=scope)))
    series = series_of_classes()
    reps = dict(db.session.execute(select(User.id, User.username).where(User.id.in_({r[4] for r in raw if r[4]}))).all())
    customers = {ident: (code, name) for ident, code, name in db.session.execute(
        select(Customer.id, Customer.code, Customer.name).where(Customer.id.in_({r[5] for r in raw})))}
    lines = []
    for measure, day, number, line_no, rep, customer, region, material, class_id, qty, amount, key in raw:
        line = {"measure": measure, "date": day.isoformat(), "document": number, "line_no": line_no,
                "customer": customers[customer][0], "customer_name": customers[customer][1],
                "salesperson": reps.get(rep, ""), "region": region or "", "material": material or "",
                "series": series.get(class_id, "") if class_id else "", "qty": _qty(qty) if qty is not None else "",
                "amount": money_str(amount), "instance_id": instance_of(key)}
        if all(line[key] == value for key, value in wanted.items()):
            lines.append(line)
    order = {"shipped": 0, "invoiced": 1, "received": 2}
    return sorted(lines, key=lambda l: (order[l["measure"]], l["date"], l["document"], l["line_no"] or 0))


def series_totals(lines: list[dict]) -> list[dict]:
    """Shipped and invoiced amounts per product series of ``lines``
    (receipts carry no series), by series name."""
    sums: dict = defaultdict(lambda: {"shipped": ZERO, "invoiced": ZERO})
    for line in lines:
        if line["measure"] in ("shipped", "invoiced"):
            sums[line["series"]][line["measure"]] += Decimal(line["amount"])
    return [{"series": name, **{m: money_str(v) for m, v in figures.items()}} for name, figures in sorted(sums.items())]


def totals(lines: list[dict]) -> dict:
    """Shipped, invoiced and received amounts of ``lines``."""
    sums = {"shipped": ZERO, "invoiced": ZERO, "received": ZERO}
    for line in lines:
        sums[line["measure"]] += Decimal(line["amount"])
    return {m: money_str(v) for m, v in sums.items()}
