"""The red receipt (红字收款单) that cancels a receipt entered by mistake."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.posted import Posted
from app.models.receipt import Receipt
from app.models.types import Money, UTCDateTime, utcnow


class ReceiptReversal(Posted, db.Model):
    """Cancels the whole of one receipt: ``amount`` is its negative. The
    receipt's allocations are undone first by reversing allocations, and
    its entries by reversing entries (source ``receipt_reversal``), so the
    receipt keeps nothing unallocated: amount = allocations + reversed +
    unallocated, with unallocated 0."""

    __tablename__ = "receipt_reversal"
    __table_args__ = (CheckConstraint("amount < 0", name="red_amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipt.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    reversal_date: Mapped[date] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(String(255))
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    receipt: Mapped[Receipt] = relationship()
