"""Customers (master data). Created by the dealer onboarding flow and the demo."""
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.types import Money, UTCDateTime, utcnow


class Customer(db.Model):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    customer_class: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))  # direct | dealer | mail_order
    region: Mapped[str] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(64))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    payment_days: Mapped[int] = mapped_column(Integer, default=30)
    credit_limit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    contract_number: Mapped[str | None] = mapped_column(String(64))
    source_key: Mapped[str | None] = mapped_column(String(160), unique=True)  # idempotency key of the posting action
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    salesperson: Mapped[User | None] = relationship()
