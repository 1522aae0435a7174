"""Salesperson assessments: the collection assessment (回款考核), computed
from the allocations it names, and the quarterly performance score."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.assessment_scheme import AssessmentScheme
from app.models.organisation import User
from app.models.posted import Posted
from app.models.receipt import Allocation
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow


class CollectionAssessment(Posted, db.Model):
    """The collection price difference, net of VAT, charged to a salesperson
    as an expense for one month (Dr 6601 / Cr 2241); its lines name the
    allocations it was computed from."""

    __tablename__ = "collection_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    salesperson_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    base_price_list: Mapped[str] = mapped_column(String(32))
    # the scheme version it was computed with (None: charged before schemes were kept)
    scheme_id: Mapped[int | None] = mapped_column(ForeignKey("assessment_scheme.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    posting_date: Mapped[date] = mapped_column(Date)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    salesperson: Mapped[User] = relationship()
    scheme: Mapped[AssessmentScheme | None] = relationship()
    lines: Mapped[list["AssessmentLine"]] = relationship(back_populates="assessment", order_by="AssessmentLine.id")


class AssessmentLine(Posted, db.Model):
    """One allocation's share of the price difference. An allocation is
    assessed once (unique)."""

    __tablename__ = "assessment_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("collection_assessment.id"), index=True)
    allocation_id: Mapped[int] = mapped_column(ForeignKey("allocation.id"), unique=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoice.id"), index=True)
    collected: Mapped[Decimal] = mapped_column(Money())
    difference: Mapped[Decimal] = mapped_column(Money())  # net of VAT

    assessment: Mapped[CollectionAssessment] = relationship(back_populates="lines")
    allocation: Mapped[Allocation] = relationship()


class PerformanceScore(Posted, db.Model):
    """A salesperson's quarterly score and the figures it came from."""

    __tablename__ = "performance_score"
    __table_args__ = (UniqueConstraint("source_key", "salesperson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(7), index=True)  # 2026-Q4
    salesperson_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    invoiced: Mapped[Decimal] = mapped_column(Money())
    collected: Mapped[Decimal] = mapped_column(Money())
    returned: Mapped[Decimal] = mapped_column(Money())
    collection_rate: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    score: Mapped[Decimal] = mapped_column(ScaledDecimal(2))
    source_key: Mapped[str] = mapped_column(String(160))
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    salesperson: Mapped[User] = relationship()
