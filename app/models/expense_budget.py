"""Sales expense budgets (销售费用预算, seed L21: 凡记入销售部门的费用，均纳入该管理范畴)
and what is charged against them.

A budget line is (department, region, expense category, year). Finance sets
its amount; a change is a new version, never an update. A charge ties an
advance or a claim's lines to the budget line of the employee it was paid
to, so used = approved claims + what is still open on advances."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.expense import EmployeeAdvance, ExpenseClaim
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class ExpenseBudget(Posted, db.Model):
    """One version of a budget line's amount; the highest version is in force."""

    __tablename__ = "expense_budget"
    __table_args__ = (
        UniqueConstraint("department", "region", "category", "year", "version", name="one_version"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(128), index=True)
    region: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str | None] = mapped_column(String(255))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    set_by: Mapped[User | None] = relationship()


class ExpenseCharge(Posted, db.Model):
    """An advance (its open part counts) or a claim's amount in one category
    charged to a budget line."""

    __tablename__ = "expense_charge"
    __table_args__ = (
        CheckConstraint("(advance_id IS NULL) <> (claim_id IS NULL)", name="one_source"),
        CheckConstraint("amount > 0", name="positive_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    department: Mapped[str] = mapped_column(String(128), index=True)
    region: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer, index=True)
    advance_id: Mapped[int | None] = mapped_column(ForeignKey("employee_advance.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("expense_claim.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    charge_date: Mapped[date] = mapped_column(Date)
    source_key: Mapped[str] = mapped_column(String(160), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    advance: Mapped[EmployeeAdvance | None] = relationship()
    claim: Mapped[ExpenseClaim | None] = relationship()
