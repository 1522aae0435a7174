"""What the dealer onboarding flow (F13) leaves besides the customer file:
the recruitment handbook in force, the publication of a recruitment, and the
dealer's approved terms."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.customer import Customer
from app.models.organisation import User
from app.models.posted import Posted
from app.models.types import Money, ScaledDecimal, UTCDateTime, utcnow


class RecruitmentHandbook(Posted, db.Model):
    """One approved version of the recruitment handbook and market policies
    (《招商手册》与各项市场政策): the duties, rights and returns of both sides
    and the qualifications a dealer needs. A version is in force from
    ``effective_from`` until the next version's; a new edition is a new row."""

    __tablename__ = "recruitment_handbook"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    effective_from: Mapped[date] = mapped_column(Date, index=True)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id"))
    approved_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    source_key: Mapped[str] = mapped_column(String(160), unique=True)

    approved_by: Mapped[User] = relationship()


class RecruitmentPublication(Posted, db.Model):
    """The record that a recruitment was published (发布招商信息) under a
    handbook version: where, for which region, from which day."""

    __tablename__ = "recruitment_publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    handbook_id: Mapped[int] = mapped_column(ForeignKey("recruitment_handbook.id"), index=True)
    region: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[date] = mapped_column(Date)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    handbook: Mapped[RecruitmentHandbook] = relationship()


class DealerTerms(Posted, db.Model):
    """One version of a dealer's approved terms (任务、目标与价格待遇): the
    annual target and the special discount off the price lists, and the
    regional manager's on-site re-check they stood on, valid from a date
    until the next version's. Pricing reads the version of the order
    date; a change is a new row."""

    __tablename__ = "dealer_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    annual_target: Mapped[Decimal] = mapped_column(Money())
    special_discount_pct: Mapped[Decimal] = mapped_column(ScaledDecimal(4))
    valid_from: Mapped[date] = mapped_column(Date)
    handbook_id: Mapped[int | None] = mapped_column(ForeignKey("recruitment_handbook.id"))
    contract_number: Mapped[str | None] = mapped_column(String(64))
    # the regional manager's on-site re-check the approval stood on
    recheck_date: Mapped[date | None] = mapped_column(Date)
    recheck_findings: Mapped[str | None] = mapped_column(String(2000))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source_key: Mapped[str] = mapped_column(String(160), unique=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    handbook: Mapped[RecruitmentHandbook | None] = relationship()

