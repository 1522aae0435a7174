"""The sales summary the reports read (a read model, not a ledger record):
the shipped, invoiced (red negative) and received amounts summed per day,
salesperson, customer, region and material class, and the same per month
without the customer. Kept current in the unit of work that posts each
document (app/ledger/sales_facts.py) by an atomic upsert, so rows are
incremented, never rewritten from the documents.

No dimension is NULL, so the unique keys the upserts conflict on hold on
both databases (NULLs never conflict): a document without a salesperson
counts under ``NO_ONE`` (0), without a region under ``''``, a receipt
(no product) under class ``NO_CLASS`` (0)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import Money

NO_ONE = 0
NO_CLASS = 0


class SalesFactDaily(db.Model):
    """One day's amount of one measure (shipped, invoiced, received) for one
    salesperson, customer, region and material class."""

    __tablename__ = "sales_fact_daily"
    __table_args__ = (
        UniqueConstraint("day", "measure", "salesperson_id", "customer_id", "region", "class_id", name="uq_sales_fact_daily_key"),
        Index("ix_sales_fact_daily_customer_day", "customer_id", "day"),
        Index("ix_sales_fact_daily_salesperson_day", "salesperson_id", "day"),
        Index("ix_sales_fact_daily_region_day", "region", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(8))
    salesperson_id: Mapped[int] = mapped_column(Integer)
    customer_id: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(64))
    class_id: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())


class SalesFactMonthly(db.Model):
    """One month's amount of one measure for one salesperson, region and
    material class (``month`` is its first day): what the report's totals,
    salesperson, region, series and month tables add up."""

    __tablename__ = "sales_fact_monthly"
    __table_args__ = (
        UniqueConstraint("month", "measure", "salesperson_id", "region", "class_id", name="uq_sales_fact_monthly_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(8))
    salesperson_id: Mapped[int] = mapped_column(Integer)
    region: Mapped[str] = mapped_column(String(64))
    class_id: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
