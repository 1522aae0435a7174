"""Statement files as the inventory and finance systems export them, made
from the sales system's own documents (so they match), then changed the way
a test needs; and their import for flow tests."""
import csv
import io

from sqlalchemy import select

from app.extensions import db
from app.ledger import statement_import
from app.ledger.months import month_bounds
from app.models import Customer, Invoice, Material, ShippingLine, ShippingNote

OUTBOUND_HEADER = ["出库日期", "发货单号", "行号", "物料编码", "出库数量", "仓库"]  # 仓库: a column the import ignores
RECEIVABLE_HEADER = ["日期", "发票号", "客户编码", "应收金额"]


def outbound_rows(month: str) -> list[list[str]]:
    """One row per posted shipping line of ``month``, as the warehouse has it."""
    start, end = month_bounds(month)
    rows = db.session.execute(
        select(ShippingNote.posted_date, ShippingNote.number, ShippingLine.line_no, Material.code, ShippingLine.qty)
        .join(ShippingNote, ShippingLine.note_id == ShippingNote.id).join(Material, ShippingLine.material_id == Material.id)
        .where(ShippingNote.status == "posted", ShippingNote.posted_date >= start, ShippingNote.posted_date < end)
        .order_by(ShippingNote.number, ShippingLine.line_no))
    return [[day.isoformat(), number, str(line_no), code, f"{qty.normalize():f}", "成品库"]
            for day, number, line_no, code, qty in rows]


def receivable_rows(month: str) -> list[list[str]]:
    """One row per invoice of ``month``, as finance has it."""
    start, end = month_bounds(month)
    rows = db.session.execute(select(Invoice.invoice_date, Invoice.number, Customer.code, Invoice.gross)
                              .join(Customer, Invoice.customer_id == Customer.id)
                              .where(Invoice.invoice_date >= start, Invoice.invoice_date < end).order_by(Invoice.number))
    return [[day.isoformat(), number, code, str(gross)] for day, number, code, gross in rows]


def csv_bytes(header: list[str], rows: list[list[str]], *, bom: bool = True) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def import_matching_statements(month: str) -> None:
    """Both statements of ``month``, exactly as the sales system has it."""
    statement_import.import_statement("inventory_outbound", month, f"出库明细{month}.csv",
                                      csv_bytes(OUTBOUND_HEADER, outbound_rows(month)), None)
    statement_import.import_statement("finance_receivables", month, f"应收明细{month}.csv",
                                      csv_bytes(RECEIVABLE_HEADER, receivable_rows(month)), None)
