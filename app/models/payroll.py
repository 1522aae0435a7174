"""What the quarterly performance review (绩效考核, F09) stores beside the
scores: the per-person sales target of a quarter, where no sales plan gives
one, and the approved rewards and penalties handed to payroll."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class SalesTarget(Posted, db.Model):
    """A field person's sales target (销售目标) for one quarter, gross of VAT.
    Never changed: a revised target is a new row, and the latest counts."""

    __tablename__ = "sales_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)  # 2026-Q4
    amount: Mapped[Decimal] = mapped_column(Money())
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[User] = relationship()


class PayrollAdjustment(Posted, db.Model):
    """The approved rewards and penalties of one review (奖惩单), posted once
    when the general manager approves: rewards Dr 6601 / Cr 2211 (应付职工薪酬,
    paid with the wages), penalties Dr 2211 / Cr 6601 (deducted from them)."""

    __tablename__ = "payroll_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)
    rewards: Mapped[Decimal] = mapped_column(Money())
    penalties: Mapped[Decimal] = mapped_column(Money())
    posting_date: Mapped[date] = mapped_column(Date)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    approved_by: Mapped[User | None] = relationship()
    lines: Mapped[list["PayrollAdjustmentLine"]] = relationship(back_populates="adjustment",
                                                                 order_by="PayrollAdjustmentLine.id")


class PayrollAdjustmentLine(Posted, db.Model):
    """One reward or penalty of a payroll adjustment, with its reason."""

    __tablename__ = "payroll_adjustment_line"
    __table_args__ = (UniqueConstraint("adjustment_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    adjustment_id: Mapped[int] = mapped_column(ForeignKey("payroll_adjustment.id"), index=True)
    seq: Mapped[int] = mapped_column()
    employee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # reward | penalty
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(String(500))

    adjustment: Mapped[PayrollAdjustment] = relationship(back_populates="lines")
    employee: Mapped[User] = relationship()
