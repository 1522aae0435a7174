"""Reconciling the sales system line by line with the statements imported
from the inventory and the finance systems (F06, seed §六): every posted
shipping line of the month against the inventory system's outbound row for
it, every invoice of the month against the finance system's receivable.
Each difference is listed: missing on either side, or the material,
quantity, customer or amount differs."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.months import month_bounds
from app.models import (Customer, ExternalStatement, Invoice, Material, ShippingLine, ShippingNote)
from app.models.external_statement import FINANCE_RECEIVABLES, INVENTORY_OUTBOUND


def latest_statement(kind: str, month: str) -> ExternalStatement | None:
    """The last import of ``kind`` for ``month``: the one reconciled against."""
    return db.session.scalars(select(ExternalStatement).where(ExternalStatement.kind == kind, ExternalStatement.month == month)
                              .order_by(ExternalStatement.id.desc()).limit(1)).first()


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _missing(kind: str, month: str) -> list[dict]:
    return [{"mismatch": "statement_missing", "statement": kind, "month": month}]


def _sales_shipping_lines(month: str) -> dict:
    start, end = month_bounds(month)
    rows = db.session.execute(
        select(ShippingNote.number, ShippingLine.line_no, Material.code, ShippingLine.qty, ShippingNote.posted_date)
        .join(ShippingNote, ShippingLine.note_id == ShippingNote.id).join(Material, ShippingLine.material_id == Material.id)
        .where(ShippingNote.status == "posted", ShippingNote.posted_date >= start, ShippingNote.posted_date < end))
    return {(number, line_no): (code, qty, day) for number, line_no, code, qty, day in rows}


def outbound_differences(month: str) -> list[dict]:
    """Every difference between the month's posted shipping lines and the
    latest inventory outbound statement: ``missing_in_inventory``,
    ``missing_in_sales``, ``material_differs``, ``qty_differs`` (quantities
    as strings), or ``statement_missing`` when none was imported."""
    statement = latest_statement(INVENTORY_OUTBOUND, month)
    if statement is None:
        return _missing(INVENTORY_OUTBOUND, month)
    sales = _sales_shipping_lines(month)
    found = {(line.document, line.line_no): line for line in statement.lines}
    differences = []
    for key in sorted(set(sales) | set(found)):
        number, line_no = key
        ours, theirs = sales.get(key), found.get(key)
        where = {"shipping_note": number, "line_no": line_no}
        if theirs is None:
            differences.append({"mismatch": "missing_in_inventory", **where, "material": ours[0], "sales_qty": _qty(ours[1])})
        elif ours is None:
            differences.append({"mismatch": "missing_in_sales", **where, "row": theirs.row_no, "material": theirs.material,
                                "inventory_qty": _qty(theirs.qty)})
        elif ours[0] != theirs.material:
            differences.append({"mismatch": "material_differs", **where, "row": theirs.row_no, "sales_material": ours[0],
                                "inventory_material": theirs.material})
        elif ours[1] != theirs.qty:
            differences.append({"mismatch": "qty_differs", **where, "row": theirs.row_no, "material": ours[0],
                                "sales_qty": _qty(ours[1]), "inventory_qty": _qty(theirs.qty)})
    return differences


def _sales_invoices(month: str) -> dict:
    start, end = month_bounds(month)
    rows = db.session.execute(select(Invoice.number, Customer.code, Invoice.gross)
                              .join(Customer, Invoice.customer_id == Customer.id)
                              .where(Invoice.invoice_date >= start, Invoice.invoice_date < end))
    return {number: (code, gross) for number, code, gross in rows}


def receivable_differences(month: str) -> list[dict]:
    """Every difference between the month's invoices (their receivables)
    and the latest finance receivables statement: ``missing_in_finance``,
    ``missing_in_sales``, ``customer_differs``, ``amount_differs`` (amounts
    as strings), or ``statement_missing`` when none was imported."""
    statement = latest_statement(FINANCE_RECEIVABLES, month)
    if statement is None:
        return _missing(FINANCE_RECEIVABLES, month)
    sales = _sales_invoices(month)
    found = {line.document: line for line in statement.lines}
    differences = []
    for number in sorted(set(sales) | set(found)):
        ours, theirs = sales.get(number), found.get(number)
        if theirs is None:
            differences.append({"mismatch": "missing_in_finance", "invoice": number, "customer": ours[0],
                                "sales_amount": str(ours[1])})
        elif ours is None:
            differences.append({"mismatch": "missing_in_sales", "invoice": number, "row": theirs.row_no,
                                "customer": theirs.customer, "finance_amount": str(theirs.amount)})
        elif ours[0] != theirs.customer:
            differences.append({"mismatch": "customer_differs", "invoice": number, "row": theirs.row_no,
                                "sales_customer": ours[0], "finance_customer": theirs.customer})
        elif ours[1] != theirs.amount:
            differences.append({"mismatch": "amount_differs", "invoice": number, "row": theirs.row_no,
                                "sales_amount": str(ours[1]), "finance_amount": str(theirs.amount)})
    return differences


def statement_results(month: str) -> list[dict]:
    """The two statement comparisons as check results ({"name", "ok",
    "violations"}), like the invariants in ``app.ledger.checks``."""
    return [{"name": name, "ok": not found, "violations": found}
            for name, found in (("inventory_statement", outbound_differences(month)),
                                ("finance_statement", receivable_differences(month)))]


def statement_figures(month: str) -> dict:
    """Which imports were compared: {kind: "file (rows rows)" or ""}."""
    figures = {}
    for kind in (INVENTORY_OUTBOUND, FINANCE_RECEIVABLES):
        statement = latest_statement(kind, month)
        figures[kind] = f"{statement.file_name} ({statement.line_count})" if statement else ""
    return figures
