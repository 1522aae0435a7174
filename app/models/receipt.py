"""Receipts (收款), allocations (核销) and the advance (预收) they leave."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.invoice import Receivable
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class Receipt(Posted, db.Model):
    """Money received. Amount = allocations + unallocated; the unallocated
    part is the customer's advance (预收), consumed by later allocations."""

    __tablename__ = "receipt"
    __table_args__ = (CheckConstraint("amount > 0", name="positive_amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    receipt_date: Mapped[date] = mapped_column(Date, index=True)
    bank_reference: Mapped[str | None] = mapped_column(String(64))
    invoice_reference: Mapped[str | None] = mapped_column(String(32))  # an explicit reference wins (rule 2)
    contract_reference: Mapped[str | None] = mapped_column(String(64))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(16), default="receipt")  # receipt | advance (paid before goods)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()


class Allocation(Posted, db.Model):
    """Settles ``amount`` of a blue receivable from a receipt (or its advance)
    or from a red receivable (rule 5). Undoing one is a new allocation with
    the negative amount that ``reverses_id`` the original."""

    __tablename__ = "allocation"
    __table_args__ = (
        UniqueConstraint("source_key", "seq"),
        CheckConstraint("(receipt_id IS NULL) <> (credit_receivable_id IS NULL)", name="one_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    receivable_id: Mapped[int] = mapped_column(ForeignKey("receivable.id"), index=True)
    receipt_id: Mapped[int | None] = mapped_column(ForeignKey("receipt.id"), index=True)
    credit_receivable_id: Mapped[int | None] = mapped_column(ForeignKey("receivable.id"), index=True)
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    allocation_date: Mapped[date] = mapped_column(Date, index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("allocation.id"), unique=True)
    source_key: Mapped[str] = mapped_column(String(160))
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    receivable: Mapped[Receivable] = relationship(foreign_keys=[receivable_id])
    credit_receivable: Mapped[Receivable | None] = relationship(foreign_keys=[credit_receivable_id])
    receipt: Mapped[Receipt | None] = relationship()
