"""Invoices: blue from delivered-not-invoiced quantities, red from returns;
each creates its receivable and posts receivables / revenue / output VAT."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.dates import parse_date
from app.ledger.delivery_notes import due_date
from app.ledger.journal import Line, next_number, post
from app.ledger.money import document_totals, exact_qty, line_amounts, money_str
from app.ledger.orders import line_by_no, order_by_number
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.models import Invoice, InvoiceLine, LedgerEntry, Receivable, RevenueRecognition, SalesOrder, SalesOrderLine
from app.actions import ActionCall, BusinessRuleViolation, action


def invoiceable_qty(line: SalesOrderLine) -> Decimal:
    """Delivered, not returned, not yet invoiced."""
    return line.qty_delivered - line.qty_returned - line.qty_invoiced


def _post_invoice(invoice: Invoice, contract_number: str | None) -> Receivable:
    """The receivable and the entries of an invoice (blue or red alike: red
    amounts are negative, 红字)."""
    customer = invoice.customer
    receivable = Receivable(invoice=invoice, customer_id=invoice.customer_id, salesperson_id=invoice.salesperson_id,
                            region=invoice.region, contract_number=contract_number, amount=invoice.gross,
                            posting_date=invoice.invoice_date, due_date=invoice.due_date, created_at=clock.now())
    db.session.add(receivable)
    db.session.flush()
    dims = dict(customer_id=customer.id, salesperson_id=invoice.salesperson_id, region=invoice.region)
    lines = [Line(journal.RECEIVABLES, "D", invoice.gross, **dims)]
    for line in invoice.lines:
        lines.append(Line(journal.REVENUE, "C", line.net, material_class_id=line.material_class_id, **dims))
        lines.append(Line(journal.OUTPUT_VAT, "C", line.tax, material_class_id=line.material_class_id, **dims))
    post("invoice", invoice.id, invoice.invoice_date, lines, memo=f"{invoice.kind} invoice {invoice.number}")
    return receivable


def make_invoice(order: SalesOrder, lines: list[dict] | None, *, on: date_type, source_key: str) -> Invoice:
    """A blue invoice for delivered-not-invoiced quantities of ``order``
    (``lines`` [{"line_no", "qty"}], default all), priced at the frozen order
    prices, VAT per line; creates the receivable (due after the customer's
    payment days) and posts Dr 1122 / Cr 6001, 222101 (flushes). Raises
    BusinessRuleViolation ``red_order``, ``over_invoicing``,
    ``nothing_to_invoice``, ``period_closed``."""
    if order.kind != "blue":
        raise BusinessRuleViolation("red_order", "Red orders are invoiced by their return.")
    journal.ensure_open(on)
    if lines:
        wanted = []
        for entry in lines:
            line = line_by_no(order, entry["line_no"])
            wanted.append((line, exact_qty(entry["qty"], line.material.qty_scale)))
    else:
        wanted = [(line, invoiceable_qty(line)) for line in order.lines]
    wanted = [(line, qty) for line, qty in wanted if qty != 0]
    if not wanted:
        raise BusinessRuleViolation("nothing_to_invoice", f"Order {order.number} has nothing delivered to invoice.")
    built = []
    for number, (line, qty) in enumerate(wanted, start=1):
        if qty < 0 or qty > invoiceable_qty(line):
            raise BusinessRuleViolation("over_invoicing", f"Line {line.line_no}: {qty} exceeds delivered-not-invoiced.",
                                        {"line_no": line.line_no, "invoiceable": str(invoiceable_qty(line))}, field="lines")
        amounts = line_amounts(qty, line.unit_price, line.tax_rate, tax_inclusive=line.tax_inclusive)
        built.append(InvoiceLine(line_no=number, order_line=line, material_id=line.material_id,
                                 material_class_id=line.material.class_id, qty=qty, unit_price=line.unit_price,
                                 tax_inclusive=line.tax_inclusive, tax_rate=line.tax_rate, net=amounts.net, tax=amounts.tax,
                                 gross=amounts.gross))
        line.qty_invoiced = line.qty_invoiced + qty
    totals = document_totals(built)
    invoice = Invoice(number=next_number(Invoice, "IV", on), kind="blue", customer=order.customer,
                      salesperson_id=order.salesperson_id, region=order.region, invoice_date=on,
                      due_date=due_date(order, on), net=totals.net, tax=totals.tax,
                      gross=totals.gross, source_key=source_key, created_at=clock.now(), lines=built)
    db.session.add(invoice)
    db.session.flush()
    _post_invoice(invoice, order.contract_number)
    return invoice


def credited_qty(invoice_line_id: int) -> Decimal:
    """How much of a blue invoice line red invoices have already reversed (≥ 0)."""
    value = db.session.scalar(select(func.sum(InvoiceLine.qty)).where(InvoiceLine.original_line_id == invoice_line_id))
    return -Decimal(value) if value is not None else Decimal(0)


def make_red_invoices(order_line: SalesOrderLine, qty: Decimal, unit_price: Decimal, *, on: date_type,
                      source_key: str) -> list[Invoice]:
    """Red invoices for ``qty`` returned of an invoiced ``order_line``, at
    ``unit_price`` (≤ the original) and the original's rate, against its blue
    invoice lines newest first; one red invoice per original (flushes).
    Raises BusinessRuleViolation ``period_closed``; ValueError if the blue
    invoices do not cover ``qty`` (callers check first)."""
    originals = db.session.scalars(select(InvoiceLine).join(Invoice).where(
        InvoiceLine.order_line_id == order_line.id, Invoice.kind == "blue").order_by(InvoiceLine.id.desc())).all()
    red_invoices = []
    for original in originals:
        if qty <= 0:
            break
        take = min(qty, original.qty - credited_qty(original.id))
        if take <= 0:
            continue
        amounts = line_amounts(-take, unit_price, original.tax_rate, tax_inclusive=original.tax_inclusive)
        red_line = InvoiceLine(line_no=1, order_line_id=order_line.id, original_line_id=original.id,
                               material_id=original.material_id, material_class_id=original.material_class_id, qty=-take,
                               unit_price=unit_price, tax_inclusive=original.tax_inclusive, tax_rate=original.tax_rate,
                               net=amounts.net, tax=amounts.tax, gross=amounts.gross)
        blue = original.invoice
        red = Invoice(number=next_number(Invoice, "RV", on), kind="red", original_invoice_id=blue.id, customer_id=blue.customer_id,
                      salesperson_id=blue.salesperson_id, region=blue.region, invoice_date=on, due_date=on, net=amounts.net,
                      tax=amounts.tax, gross=amounts.gross, source_key=f"{source_key}#red{len(red_invoices) + 1}",
                      created_at=clock.now(), lines=[red_line])
        db.session.add(red)
        db.session.flush()
        _post_invoice(red, None)
        red_invoices.append(red)
        qty -= take
    if qty > 0:
        raise ValueError(f"blue invoices of order line {order_line.id} do not cover the return")
    return red_invoices


def invoice_result(invoice: Invoice) -> dict:
    return {"invoice_no": invoice.number, "kind": invoice.kind, "net": money_str(invoice.net), "tax": money_str(invoice.tax),
            "gross": money_str(invoice.gross), "due_date": invoice.due_date.isoformat()}


@action("ledger.issue_invoice")
def issue_invoice(call: ActionCall, *, order: str, lines: list | None = None, date: str | None = None) -> dict:
    """F04: invoice what ``order`` has delivered and not yet invoiced
    (``lines`` [{"line_no", "qty"}], default all). Result {"invoice_no",
    "kind", "net", "tax", "gross", "due_date"}. Idempotent per call. Raises
    ``nothing_to_invoice``, ``over_invoicing``, ``period_closed``,
    ``not_this_request`` (an order neither this request made nor one of its
    people named)."""
    def invoice() -> Invoice:
        found = order_by_number(order)
        ensure_of_this_request(call, found, kind="order", requested=True)
        return make_invoice(found, lines, on=parse_date(date), source_key=call.idempotency_key)

    return invoice_result(posted_once(Invoice, call.idempotency_key, invoice))


@action("ledger.recognize_revenue")
def recognize_revenue(call: ActionCall, *, invoice: str, date: str | None = None) -> dict:
    """F04: the issued ``invoice`` (its number) is entered into the books.
    Its revenue and VAT were posted when it was issued, so this records the
    confirmation (who, when) and posts nothing; confirming an invoice again
    returns the first record. Result {"invoice_no", "kind", "net", "tax",
    "gross", "due_date", "recognized_on", "revenue_entries"}. Raises
    ``unknown_invoice``, ``not_this_request``."""
    found = db.session.scalar(select(Invoice).where(Invoice.number == invoice))
    if found is None:
        raise BusinessRuleViolation("unknown_invoice", f"No invoice is numbered {invoice!r}.", field="invoice")
    ensure_of_this_request(call, found, kind="invoice")
    record = db.session.scalar(select(RevenueRecognition).where(RevenueRecognition.invoice_id == found.id))
    if record is None:
        record = RevenueRecognition(invoice=found, recognized_on=parse_date(date), recognized_by_id=call.actor_id,
                                    source_key=call.idempotency_key, created_at=clock.now())
        db.session.add(record)
        db.session.flush()
    booked = db.session.scalar(select(func.sum(LedgerEntry.credit - LedgerEntry.debit)).where(
        LedgerEntry.source_type == "invoice", LedgerEntry.source_id == found.id, LedgerEntry.account == journal.REVENUE))
    return {**invoice_result(found), "recognized_on": record.recognized_on.isoformat(),
            "revenue_entries": money_str(booked if booked is not None else 0)}
