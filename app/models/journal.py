"""The general-ledger side: entries every posted document writes, and
accounting periods."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class LedgerEntry(Posted, db.Model):
    """One side of a posting. Red documents post negative amounts on the
    same side (红字冲销), so a document's debits still equal its credits."""

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(16), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    region: Mapped[str | None] = mapped_column(String(64))
    material_class_id: Mapped[int | None] = mapped_column(ForeignKey("material_class.id"))
    # the project dimension: a presales project's number (F21) its selling expenses are booked to
    project_code: Mapped[str | None] = mapped_column(String(32), index=True)
    # whose books: set on internal trade between the group's organisations; None: the head company's
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    debit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    credit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    posting_date: Mapped[date] = mapped_column(Date, index=True)
    reverses_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"))
    memo: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (db.Index("ix_ledger_entry_source", "source_type", "source_id"),)


class AccountingPeriod(db.Model):
    """A month ("2026-11"). No row means open; once closed, nothing may be
    posted with a date inside it."""

    __tablename__ = "accounting_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), unique=True)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    closed_at: Mapped[object | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
