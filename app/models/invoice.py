"""Invoices (发票), blue or red, and the receivables (应收) they create."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import Material
from app.models.customer import Customer
from app.models.posted import Posted
from app.models.sales_order import SalesOrderLine
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow


# The kinds of VAT invoice (发票种类) a customer may ask for: a closed list.
# Paper invoices carry an 8-digit number, fully digital ones (数电票) 20 digits.
INVOICE_TYPES = ("special_vat", "ordinary_vat", "digital_special_vat", "digital_ordinary_vat")


class Invoice(Posted, db.Model):
    """Made when issued. A red invoice (kind "red", negative amounts)
    references its blue original and reuses its rates. Its receivable and
    entries are posted when it is entered into the books (F04's 发票录入,
    ``RevenueRecognition``), or at once by the flows that issue and enter
    in one step; until then it has neither."""

    __tablename__ = "invoice"
    __table_args__ = (CheckConstraint(f"invoice_type IN ({', '.join(repr(t) for t in INVOICE_TYPES)})",
                                      name="known_invoice_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8), default="blue")
    original_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    region: Mapped[str] = mapped_column(String(64))
    invoice_date: Mapped[date] = mapped_column(Date, index=True)
    due_date: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    exchange_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(6), default=Decimal("1"))
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    invoice_type: Mapped[str | None] = mapped_column(String(24))  # one of INVOICE_TYPES; None: not asked (F02, red)
    tax_invoice_number: Mapped[str | None] = mapped_column(String(20), index=True)  # printed on the VAT invoice
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    lines: Mapped[list["InvoiceLine"]] = relationship(back_populates="invoice", order_by="InvoiceLine.line_no")


class InvoiceLine(Posted, db.Model):
    __tablename__ = "invoice_line"
    __table_args__ = (UniqueConstraint("invoice_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    original_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_line.id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("material.id"))
    material_class_id: Mapped[int] = mapped_column(ForeignKey("material_class.id"))
    qty: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    unit_price: Mapped[Decimal] = mapped_column(ScaledDecimal(8))
    tax_inclusive: Mapped[bool] = mapped_column(Boolean)
    tax_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())

    invoice: Mapped[Invoice] = relationship(back_populates="lines")
    order_line: Mapped[SalesOrderLine] = relationship()
    material: Mapped[Material] = relationship()


class Receivable(Posted, db.Model):
    """What the customer owes for one invoice (negative for a red one).
    Outstanding = amount − allocations against it (app.ledger.collections)."""

    __tablename__ = "receivable"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    region: Mapped[str] = mapped_column(String(64))
    contract_number: Mapped[str | None] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Money())
    posting_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship()
    customer: Mapped[Customer] = relationship()


class RevenueRecognition(Posted, db.Model):
    """The invoice entered into the books (发票录入, F04's last step): who
    entered it and when. Entering it is what recognises the revenue: its
    receivable and entries are posted on ``recognized_on``."""

    __tablename__ = "revenue_recognition"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), unique=True)
    recognized_on: Mapped[date] = mapped_column(Date)
    recognized_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    invoice: Mapped[Invoice] = relationship()
