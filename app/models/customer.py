"""Customers (master data). Created by the dealer and customer onboarding flows and the demo."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import CustomerClass
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class Customer(db.Model):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    customer_class: Mapped[str] = mapped_column(String(64))  # the label the onboarding flow gave; class_id is the tree node
    class_id: Mapped[int | None] = mapped_column(ForeignKey("customer_class.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # direct | dealer | mail_order
    region: Mapped[str] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(64))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    payment_days: Mapped[int] = mapped_column(Integer, default=30)
    # The current credit limit and rating; every change is a CustomerCredit row.
    credit_limit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    credit_rating: Mapped[str | None] = mapped_column(String(8))
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    contract_number: Mapped[str | None] = mapped_column(String(64))
    # As the customer onboarding flow (F13 for dealers excepted) records them: the duplicate check reads tax_id.
    tax_id: Mapped[str | None] = mapped_column(String(32), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(255))
    source_key: Mapped[str | None] = mapped_column(String(160), unique=True)  # idempotency key of the posting action
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    salesperson: Mapped[User | None] = relationship()
    class_node: Mapped[CustomerClass | None] = relationship()


class CustomerCredit(Posted, db.Model):
    """One version of a customer's credit limit and rating (信用额度/等级),
    valid from a date; never overwritten — a new decision is a new row."""

    __tablename__ = "customer_credit"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    credit_limit: Mapped[Decimal] = mapped_column(Money())
    rating: Mapped[str | None] = mapped_column(String(8))
    valid_from: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(255))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()


class CustomerProfile(Posted, db.Model):
    """One version of a customer's master data (客户档案): class, region,
    channel, salesperson, payment terms and the hold flag, valid from a date
    until the next version's ``valid_from``. Never overwritten — a change is
    a new row (LEDGER.md "Master data"). The ``Customer`` row carries the
    version effective today as a snapshot for the documents that copy it;
    ``app.ledger.customers.customer_as_of`` reads any other day."""

    __tablename__ = "customer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    customer_class: Mapped[str] = mapped_column(String(64))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("customer_class.id"))
    channel: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(64))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    payment_days: Mapped[int] = mapped_column(Integer)
    on_hold: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(255))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    salesperson: Mapped[User | None] = relationship(foreign_keys=[salesperson_id])
    class_node: Mapped[CustomerClass | None] = relationship()
