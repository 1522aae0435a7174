"""Statements imported from the systems the sales ledger is reconciled with
(F06, seed §六): the inventory system's outbound details (库存系统出库明细)
and the finance system's receivables (财务系统应收帐款明细)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow

INVENTORY_OUTBOUND = "inventory_outbound"
FINANCE_RECEIVABLES = "finance_receivables"
STATEMENT_KINDS = (INVENTORY_OUTBOUND, FINANCE_RECEIVABLES)


class ExternalStatement(Posted, db.Model):
    """One imported file for one month, as it was read. Never replaced: a
    corrected file is a new import, and the month is reconciled against the
    latest import of each kind."""

    __tablename__ = "external_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # inventory_outbound | finance_receivables
    month: Mapped[str] = mapped_column(String(7), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    line_count: Mapped[int] = mapped_column(Integer)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    imported_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    imported_by: Mapped[User | None] = relationship()
    lines: Mapped[list["ExternalStatementLine"]] = relationship(back_populates="statement",
                                                                 order_by="ExternalStatementLine.row_no")


class ExternalStatementLine(Posted, db.Model):
    """One data row of an imported statement. Outbound rows name a shipping
    note line, material and quantity; receivable rows an invoice, customer
    and gross amount."""

    __tablename__ = "external_statement_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("external_statement.id"), index=True)
    row_no: Mapped[int] = mapped_column(Integer)  # the file's line number, header = 1
    document: Mapped[str] = mapped_column(String(32))  # shipping note or invoice number
    line_no: Mapped[int | None] = mapped_column(Integer)
    entry_date: Mapped[date] = mapped_column(Date)
    material: Mapped[str | None] = mapped_column(String(32))
    customer: Mapped[str | None] = mapped_column(String(32))
    qty: Mapped[Decimal | None] = mapped_column(ScaledDecimal(4))
    amount: Mapped[Decimal | None] = mapped_column(Money())

    statement: Mapped[ExternalStatement] = relationship(back_populates="lines")
