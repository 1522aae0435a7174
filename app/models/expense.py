"""Employee advances (借支), expense claims against them (报销单) and the
reimbursements that pay out what an employee is owed."""
from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, UTCDateTime, utcnow


class EmployeeAdvance(Posted, db.Model):
    """Cash paid to an employee before the expense (Dr 1221 / Cr 1002).
    Paid = claimed against it + returned + outstanding (invariant 8)."""

    __tablename__ = "employee_advance"
    __table_args__ = (CheckConstraint("amount > 0", name="positive_amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    purpose: Mapped[str] = mapped_column(String(255))
    advance_date: Mapped[date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[User] = relationship()


class ExpenseClaim(Posted, db.Model):
    """An expense claim: ``claimed`` (sum of its lines) of which ``applied``
    settles the advance and the rest (``payable``) is owed to the employee;
    ``returned`` is cash the employee brought back."""

    __tablename__ = "expense_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    advance_id: Mapped[int | None] = mapped_column(ForeignKey("employee_advance.id"), index=True)
    claim_date: Mapped[date] = mapped_column(Date, index=True)
    claimed: Mapped[Decimal] = mapped_column(Money())
    applied: Mapped[Decimal] = mapped_column(Money())
    returned: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    payable: Mapped[Decimal] = mapped_column(Money())
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[User] = relationship()
    advance: Mapped[EmployeeAdvance | None] = relationship()
    lines: Mapped[list["ExpenseClaimLine"]] = relationship(back_populates="claim", order_by="ExpenseClaimLine.line_no")


class ExpenseClaimLine(Posted, db.Model):
    __tablename__ = "expense_claim_line"
    __table_args__ = (UniqueConstraint("claim_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("expense_claim.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Money())

    claim: Mapped[ExpenseClaim] = relationship(back_populates="lines")


class Reimbursement(Posted, db.Model):
    """Money paid to an employee for what the ledger owes them (Dr 2241 /
    Cr 1002): the payable part of an expense claim or a collection assessment."""

    __tablename__ = "reimbursement"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive_amount"),
        CheckConstraint("(claim_id IS NULL) <> (assessment_id IS NULL)", name="one_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("expense_claim.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("collection_assessment.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    pay_date: Mapped[date] = mapped_column(Date, index=True)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[User] = relationship()
