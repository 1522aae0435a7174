"""Invoices: blue from delivered-not-invoiced quantities, red from returns;
each creates its receivable and posts receivables / revenue / output VAT
when it is recognised — at once for the flows that issue and enter in one
step (F02, returns), at the entry into the books for F04 (发票录入 →
形成销售收入)."""
import re
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.catalogue import customer_by_code
from app.ledger.dates import parse_date
from app.ledger.delivery_notes import due_date
from app.ledger.journal import Line, next_number, post
from app.ledger.money import document_totals, exact_qty, line_amounts, money_str
from app.ledger.orders import line_by_no, order_by_number
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.sales_facts import count_invoice
from app.ledger.uninvoiced import invoiceable_qty, picked_line
from app.models import (INVOICE_TYPES, Customer, Invoice, InvoiceLine, LedgerEntry, Receivable, RevenueRecognition,
                        SalesOrder, SalesOrderLine)
from app.actions import ActionCall, BusinessRuleViolation, action

# 8 digits on a paper VAT invoice, 20 on a fully digital one (数电票)
_NUMBER_DIGITS = {"special_vat": 8, "ordinary_vat": 8, "digital_special_vat": 20, "digital_ordinary_vat": 20}


def checked_invoice_type(invoice_type) -> str:
    """``invoice_type`` if it is one of INVOICE_TYPES. Raises
    BusinessRuleViolation ``unknown_invoice_type``."""
    if invoice_type not in INVOICE_TYPES:
        raise BusinessRuleViolation("unknown_invoice_type", f"{invoice_type!r} is not a kind of invoice: "
                                    f"{', '.join(INVOICE_TYPES)}.", field="invoice_type")
    return invoice_type


def checked_tax_invoice_number(invoice_type: str, number) -> str:
    """The printed VAT invoice number, digits only (a leading "No." and
    spaces as printed are dropped): 8 digits on paper, 20 on a digital
    invoice. Raises BusinessRuleViolation ``invalid_tax_invoice_number``."""
    digits = re.sub(r"^\s*No\.?\s*", "", str(number or ""), flags=re.IGNORECASE).replace(" ", "")
    wanted = _NUMBER_DIGITS[invoice_type]
    if not re.fullmatch(rf"[0-9]{{{wanted}}}", digits):
        raise BusinessRuleViolation("invalid_tax_invoice_number", f"A {invoice_type} invoice number has {wanted} digits, "
                                    f"not {number!r}.", field="tax_invoice_number")
    return digits


def _post_invoice(invoice: Invoice, contract_number: str | None, on: date_type) -> Receivable:
    """The receivable and the entries of an invoice (blue or red alike: red
    amounts are negative, 红字), dated ``on``: the day it is recognised."""
    customer = invoice.customer
    receivable = Receivable(invoice=invoice, customer_id=invoice.customer_id, salesperson_id=invoice.salesperson_id,
                            region=invoice.region, contract_number=contract_number, amount=invoice.gross,
                            posting_date=on, due_date=invoice.due_date, created_at=clock.now())
    db.session.add(receivable)
    db.session.flush()
    dims = dict(customer_id=customer.id, salesperson_id=invoice.salesperson_id, region=invoice.region)
    lines = [Line(journal.RECEIVABLES, "D", invoice.gross, **dims)]
    for line in invoice.lines:
        lines.append(Line(journal.REVENUE, "C", line.net, material_class_id=line.material_class_id, **dims))
        lines.append(Line(journal.OUTPUT_VAT, "C", line.tax, material_class_id=line.material_class_id, **dims))
    post("invoice", invoice.id, on, lines, memo=f"{invoice.kind} invoice {invoice.number}")
    return receivable


def _blue_invoice(customer: Customer, order: SalesOrder, wanted: list, *, on: date_type, source_key: str,
                  invoice_type: str | None = None, tax_invoice_number: str | None = None) -> Invoice:
    """A blue invoice of ``wanted`` [(order line, qty)] at the frozen order
    prices, attributed as ``order`` (salesperson, region); the lines' invoiced
    quantities grow (flushes; posts nothing). Raises ``over_invoicing``."""
    built = []
    for number, (line, qty) in enumerate(wanted, start=1):
        if qty <= 0 or qty > invoiceable_qty(line):
            raise BusinessRuleViolation("over_invoicing", f"Line {line.line_no}: {qty} exceeds delivered-not-invoiced.",
                                        {"line_no": line.line_no, "invoiceable": str(invoiceable_qty(line))}, field="lines")
        amounts = line_amounts(qty, line.unit_price, line.tax_rate, tax_inclusive=line.tax_inclusive)
        built.append(InvoiceLine(line_no=number, order_line=line, material_id=line.material_id,
                                 material_class_id=line.material.class_id, qty=qty, unit_price=line.unit_price,
                                 tax_inclusive=line.tax_inclusive, tax_rate=line.tax_rate, net=amounts.net, tax=amounts.tax,
                                 gross=amounts.gross))
        line.qty_invoiced = line.qty_invoiced + qty
    totals = document_totals(built)
    invoice = Invoice(number=next_number(Invoice, "IV", on), kind="blue", customer=customer,
                      salesperson_id=order.salesperson_id, region=order.region, invoice_date=on,
                      due_date=due_date(order, on), net=totals.net, tax=totals.tax,
                      gross=totals.gross, invoice_type=invoice_type, tax_invoice_number=tax_invoice_number,
                      source_key=source_key, created_at=clock.now(), lines=built)
    db.session.add(invoice)
    db.session.flush()
    count_invoice(invoice)
    return invoice


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
    if any(qty < 0 for _, qty in wanted):
        raise BusinessRuleViolation("over_invoicing", "An invoiced quantity cannot be negative.", field="lines")
    invoice = _blue_invoice(order.customer, order, wanted, on=on, source_key=source_key)
    _post_invoice(invoice, order.contract_number, on)
    return invoice


def invoice_picked_lines(customer: Customer, picked: list[dict], *, on: date_type, source_key: str, invoice_type: str,
                         tax_invoice_number: str) -> Invoice:
    """F04: a blue invoice of the order lines a person picked (``picked``
    [{"order_line": "SO…/n", "qty"?}], the whole shipped-not-invoiced
    quantity when no qty), all the customer's and of one salesperson,
    region and contract (flushes). Recognises nothing: its receivable and
    entries wait for the entry into the books (``recognize``). Raises
    BusinessRuleViolation ``no_lines``, ``unknown_line``,
    ``wrong_customer``, ``nothing_to_invoice``, ``duplicate_line``,
    ``mixed_orders``, ``over_invoicing``, ``unknown_invoice_type``,
    ``invalid_tax_invoice_number``, ``period_closed``."""
    invoice_type = checked_invoice_type(invoice_type)
    tax_invoice_number = checked_tax_invoice_number(invoice_type, tax_invoice_number)
    journal.ensure_open(on)
    if not picked:
        raise BusinessRuleViolation("no_lines", "Pick at least one shipped line to invoice.", field="lines")
    wanted, seen = [], set()
    for index, entry in enumerate(picked):
        field = f"lines.{index}.order_line"
        ref = entry.get("order_line") if isinstance(entry, dict) else None
        line = picked_line(ref, customer, field)
        if line.id in seen:
            raise BusinessRuleViolation("duplicate_line", f"Order line {ref} is picked twice.", {"line": ref}, field=field)
        seen.add(line.id)
        qty = invoiceable_qty(line) if entry.get("qty") in (None, "") else exact_qty(entry["qty"], line.material.qty_scale)
        wanted.append((line, qty))
    orders = {line.order.id: line.order for line, _ in wanted}
    if len({(o.salesperson_id, o.region, o.contract_number) for o in orders.values()}) > 1:
        raise BusinessRuleViolation("mixed_orders", "The picked lines belong to orders of different salespeople, regions "
                                    "or contracts; invoice them separately.", field="lines")
    return _blue_invoice(customer, next(iter(orders.values())), wanted, on=on, source_key=source_key,
                         invoice_type=invoice_type, tax_invoice_number=tax_invoice_number)


def recognized(invoice: Invoice) -> bool:
    """Whether the invoice's receivable and entries are posted."""
    return db.session.scalar(select(Receivable.id).where(Receivable.invoice_id == invoice.id)) is not None


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
        count_invoice(red)
        _post_invoice(red, None, on)
        red_invoices.append(red)
        qty -= take
    if qty > 0:
        raise ValueError(f"blue invoices of order line {order_line.id} do not cover the return")
    return red_invoices


def invoice_result(invoice: Invoice) -> dict:
    return {"invoice_no": invoice.number, "kind": invoice.kind, "invoice_type": invoice.invoice_type,
            "tax_invoice_number": invoice.tax_invoice_number, "net": money_str(invoice.net), "tax": money_str(invoice.tax),
            "gross": money_str(invoice.gross), "due_date": invoice.due_date.isoformat(),
            "lines": [{"order_line": f"{line.order_line.order.number}/{line.order_line.line_no}",
                       "material": line.material.code, "qty": str(line.qty), "gross": money_str(line.gross)}
                      for line in invoice.lines]}


@action("ledger.issue_invoice")
def issue_invoice(call: ActionCall, *, order: str, lines: list | None = None, date: str | None = None) -> dict:
    """F02: invoice what ``order`` has delivered and not yet invoiced
    (``lines`` [{"line_no", "qty"}], default all), issued and recognised
    at once: receivable, revenue and output VAT posted. Result
    {"invoice_no", "kind", "invoice_type", "tax_invoice_number", "net",
    "tax", "gross", "due_date", "lines"}. Idempotent per call. Raises
    ``nothing_to_invoice``, ``over_invoicing``, ``period_closed``,
    ``not_this_request`` (an order neither this request made nor one of its
    people named)."""
    def invoice() -> Invoice:
        found = order_by_number(order)
        ensure_of_this_request(call, found, kind="order", requested=True)
        return make_invoice(found, lines, on=parse_date(date), source_key=call.idempotency_key)

    return invoice_result(posted_once(Invoice, call.idempotency_key, invoice))


@action("ledger.invoice_shipped_lines")
def invoice_shipped_lines(call: ActionCall, *, customer: str, lines: list, invoice_type: str,
                          tax_invoice_number: str, date: str | None = None) -> dict:
    """F04: the billing clerk issues the invoice of the shipped-not-invoiced
    lines the supervisor picked for ``customer``; its revenue waits for the
    entry (``ledger.recognize_revenue``), so nothing is posted to the
    ledger here. Result as ``ledger.issue_invoice``'s. Idempotent per call.
    Raises as ``invoice_picked_lines``, and ``unknown_customer``,
    ``invalid_date``."""
    def invoice() -> Invoice:
        return invoice_picked_lines(customer_by_code(customer), lines, on=parse_date(date),
                                    source_key=call.idempotency_key, invoice_type=invoice_type,
                                    tax_invoice_number=tax_invoice_number)

    return invoice_result(posted_once(Invoice, call.idempotency_key, invoice))


def recognize(invoice: Invoice, *, on: date_type, source_key: str, recognized_by_id: int | None) -> RevenueRecognition:
    """Enter an issued invoice into the books (flushes): a RevenueRecognition
    record and, unless the invoice was recognised when issued, its
    receivable and entries Dr 1122 / Cr 6001, 222101 dated ``on``. Entering
    it again returns the first record and posts nothing. Raises
    BusinessRuleViolation ``period_closed``."""
    record = db.session.scalar(select(RevenueRecognition).where(RevenueRecognition.invoice_id == invoice.id))
    if record is not None:
        return record
    posting = not recognized(invoice)
    if posting:
        journal.ensure_open(on)
    record = RevenueRecognition(invoice=invoice, recognized_on=on, recognized_by_id=recognized_by_id,
                                source_key=source_key, created_at=clock.now())
    db.session.add(record)
    db.session.flush()
    if posting:
        _post_invoice(invoice, invoice.lines[0].order_line.order.contract_number, on)
    return record


@action("ledger.recognize_revenue")
def recognize_revenue(call: ActionCall, *, invoice: str, date: str | None = None) -> dict:
    """F04: the issued ``invoice`` (its number) is entered into the books on
    ``date`` (default today), which recognises its revenue: receivable,
    revenue and output VAT are posted then (``recognize``); entering it
    again returns the first record. Result {"invoice_no", ...,
    "recognized_on", "revenue_entries"}. Raises ``unknown_invoice``,
    ``not_this_request``, ``period_closed``, ``invalid_date``."""
    found = db.session.scalar(select(Invoice).where(Invoice.number == invoice))
    if found is None:
        raise BusinessRuleViolation("unknown_invoice", f"No invoice is numbered {invoice!r}.", field="invoice")
    ensure_of_this_request(call, found, kind="invoice")
    record = recognize(found, on=parse_date(date), source_key=call.idempotency_key, recognized_by_id=call.actor_id)
    booked = db.session.scalar(select(func.sum(LedgerEntry.credit - LedgerEntry.debit)).where(
        LedgerEntry.source_type == "invoice", LedgerEntry.source_id == found.id, LedgerEntry.account == journal.REVENUE))
    return {**invoice_result(found), "recognized_on": record.recognized_on.isoformat(),
            "revenue_entries": money_str(booked if booked is not None else 0)}
