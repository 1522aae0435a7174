"""The issued annual sales plan (年度销售计划, F11): one row per issued version
and its target lines by region, salesperson, customer, material class and
month. Insert-only: a re-issued plan of the same year is a new version, the
earlier one stays as it was issued."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import MaterialClass
from app.models.customer import Customer
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow


class SalesPlan(Posted, db.Model):
    """One issued version of a year's plan (销售计划下达), approved by the
    director and the general manager; the latest version of a year counts."""

    __tablename__ = "sales_plan"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # SP2027-1
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    strategy: Mapped[str] = mapped_column(Text)
    forecast: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money())
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    issued_on: Mapped[date] = mapped_column(Date)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    approved_by: Mapped[User] = relationship()
    lines: Mapped[list["SalesPlanLine"]] = relationship(back_populates="plan", order_by="SalesPlanLine.seq")


class SalesPlanLine(Posted, db.Model):
    """One target of an issued plan: an amount (gross of VAT) and a quantity
    for a region's salesperson, optionally one customer, one material class
    and one month of the plan's year."""

    __tablename__ = "sales_plan_line"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("sales_plan.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(64))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("material_class.id"))
    month: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(4))

    plan: Mapped[SalesPlan] = relationship(back_populates="lines")
    salesperson: Mapped[User | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    material_class: Mapped[MaterialClass | None] = relationship()
