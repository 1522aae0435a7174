"""The monthly report (F07): shipments, invoices and receipts of a month and
of the year to date, by salesperson, customer and region. Read-only."""
from collections import defaultdict
from datetime import date as date_type

from sqlalchemy import select

from app.extensions import db
from app.ledger import journal, periods, report_lines
from app.ledger.months import month_bounds
from app.ledger.money import ZERO, money_str, round_money
from app.models import Customer, Invoice, LedgerEntry, Receipt, SalesOrder, SalesOrderLine, ShippingLine, ShippingNote, User
from app.actions import ActionCall, BusinessRuleViolation, action

MEASURES = ("shipped", "invoiced", "received")


def _facts(start: date_type, end: date_type):
    """(measure, salesperson_id, customer_id, region, day, amount) of every
    shipment (gross value at the frozen order price), invoice (gross, red
    negative) and receipt between ``start`` and ``end``."""
    for day, rep, customer, region, qty, line_qty, gross in db.session.execute(
            select(ShippingNote.posted_date, SalesOrder.salesperson_id, SalesOrder.customer_id, SalesOrder.region,
                   ShippingLine.qty, SalesOrderLine.qty, SalesOrderLine.gross)
            .join(ShippingNote, ShippingLine.note_id == ShippingNote.id).join(SalesOrder, ShippingNote.order_id == SalesOrder.id)
            .join(SalesOrderLine, ShippingLine.order_line_id == SalesOrderLine.id)
            .where(ShippingNote.status == "posted", ShippingNote.posted_date >= start, ShippingNote.posted_date < end)):
        yield "shipped", rep, customer, region, day, round_money(gross * qty / line_qty) if line_qty else ZERO
    for day, rep, customer, region, gross in db.session.execute(
            select(Invoice.invoice_date, Invoice.salesperson_id, Invoice.customer_id, Invoice.region, Invoice.gross)
            .where(Invoice.invoice_date >= start, Invoice.invoice_date < end)):
        yield "invoiced", rep, customer, region, day, gross
    # The region a receipt counts for is the one frozen on its posting (the
    # customer's file on the receipt date), not the customer's region today.
    for day, rep, customer, region, amount in db.session.execute(
            select(Receipt.receipt_date, Receipt.salesperson_id, Receipt.customer_id, LedgerEntry.region, Receipt.amount)
            .join(LedgerEntry, (LedgerEntry.source_type == "receipt") & (LedgerEntry.source_id == Receipt.id)
                  & (LedgerEntry.account == journal.BANK))
            .where(Receipt.receipt_date >= start, Receipt.receipt_date < end)):
        yield "received", rep, customer, region, day, amount


def monthly_report(month: str) -> dict:
    """The figures of ``month`` and the year to date: {"month", "totals":
    {"month": {measure: amount}, "ytd": {...}}, "by_salesperson",
    "by_customer", "by_region": [{"key", "name", "month": {...}, "ytd": {...}}],
    "by_series": the month's shipped and invoiced per product series}.
    Amounts are strings. Raises BusinessRuleViolation ``invalid_month``."""
    start, end = month_bounds(month)
    year_start = date_type(start.year, 1, 1)
    zero = lambda: {m: ZERO for m in MEASURES}  # noqa: E731
    totals = {"month": zero(), "ytd": zero()}
    groups = {dim: defaultdict(lambda: {"month": zero(), "ytd": zero()}) for dim in ("salesperson", "customer", "region")}
    for measure, rep, customer, region, day, amount in _facts(year_start, end):
        scopes = ("ytd", "month") if day >= start else ("ytd",)
        for scope in scopes:
            totals[scope][measure] += amount
            for dim, key in (("salesperson", rep), ("customer", customer), ("region", region)):
                groups[dim][key][scope][measure] += amount
    reps = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([k for k in groups["salesperson"] if k])))}
    customers = {c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(list(groups["customer"]))))}
    names = {
        "salesperson": lambda k: (reps[k].username, reps[k].display_name) if k in reps else ("", "(none)"),
        "customer": lambda k: (customers[k].code, customers[k].name),
        "region": lambda k: (k, k),
    }

    def text(figures):
        return {m: money_str(v) for m, v in figures.items()}

    result = {"month": month, "totals": {scope: text(v) for scope, v in totals.items()},
              "by_series": report_lines.series_totals(report_lines.report_lines(month))}
    for dim, rows in groups.items():
        listed = []
        for key, figures in rows.items():
            code, name = names[dim](key)
            listed.append({"key": code, "name": name, "month": text(figures["month"]), "ytd": text(figures["ytd"])})
        result[f"by_{dim}"] = sorted(listed, key=lambda r: r["key"])
    return result


@action("ledger.build_monthly_report")
def build_monthly_report(call: ActionCall, *, month: str | None = None) -> dict:
    """F07: the month and year-to-date report of shipments, invoices and
    receipts by salesperson, customer and region (see ``monthly_report``);
    empty ``month``: the month before business today. Only a month whose
    reconciliation finance has confirmed (closed) is reported, so the
    figures submitted upward are the reconciled ones. Saves nothing, so it
    is naturally idempotent. Raises ``invalid_month``, ``future_month``,
    ``month_not_reconciled``."""
    month = periods.month_or_previous(month)
    if month > journal.period_of(journal.today()):
        raise BusinessRuleViolation("future_month", f"{month} has not begun yet.", {"month": month}, field="month")
    periods.require_reconciled(month)
    return monthly_report(month)

