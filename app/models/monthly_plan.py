"""The issued monthly sales plan (月度销售计划, F11): one row per issued
version of a month's plan and its targets by region, salesperson and
material class. Insert-only like the annual plan: a re-issued month is a
new version, the earlier one stays as it was issued; the latest version of
a month replaces the annual plan's lines for that month."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.catalogue import MaterialClass
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow


class MonthlyPlan(Posted, db.Model):
    """One issued version of a month's plan, approved by the director."""

    __tablename__ = "monthly_plan"
    __table_args__ = (UniqueConstraint("year", "month", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # MP2027-01-1
    year: Mapped[int] = mapped_column(Integer, index=True)
    month: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    issued_on: Mapped[date] = mapped_column(Date)
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    approved_by: Mapped[User] = relationship()
    lines: Mapped[list["MonthlyPlanLine"]] = relationship(back_populates="plan", order_by="MonthlyPlanLine.seq")


class MonthlyPlanLine(Posted, db.Model):
    """One target of an issued monthly plan: an amount (gross of VAT) and a
    quantity for a region, optionally one salesperson and one material class."""

    __tablename__ = "monthly_plan_line"
    __table_args__ = (UniqueConstraint("plan_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("monthly_plan.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(64))
    salesperson_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("material_class.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    quantity: Mapped[Decimal] = mapped_column(ScaledDecimal(4))

    plan: Mapped[MonthlyPlan] = relationship(back_populates="lines")
    salesperson: Mapped[User | None] = relationship()
    material_class: Mapped[MaterialClass | None] = relationship()
