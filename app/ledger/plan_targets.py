"""Whose targets a month has (F11): the latest issued monthly plan of the
month, else the latest issued annual plan's lines for that month. The
monthly report's achievement, the quarterly review and the plan-versus-
actual review all read targets here."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import MonthlyPlan, SalesPlan


@dataclass(frozen=True)
class MonthTarget:
    region: str
    salesperson_id: int | None
    class_id: int | None
    amount: Decimal
    quantity: Decimal


def latest_plan(year: int) -> SalesPlan | None:
    """The latest issued version of ``year``'s plan, if any."""
    return db.session.scalar(select(SalesPlan).where(SalesPlan.year == year).order_by(SalesPlan.version.desc()).limit(1))


def latest_monthly_plan(year: int, month: int) -> MonthlyPlan | None:
    """The latest issued version of the plan of ``month`` of ``year``, if any."""
    return db.session.scalar(select(MonthlyPlan).where(MonthlyPlan.year == year, MonthlyPlan.month == month)
                             .order_by(MonthlyPlan.version.desc()).limit(1))


def month_targets(year: int, month: int, annual: SalesPlan | None = None) -> list[MonthTarget]:
    """The targets of ``month`` of ``year``: the month's own plan if one was
    issued, else the annual plan's lines of the month (``annual``, or the
    year's latest)."""
    monthly = latest_monthly_plan(year, month)
    if monthly is not None:
        return [MonthTarget(l.region, l.salesperson_id, l.class_id, l.amount, l.quantity) for l in monthly.lines]
    annual = annual if annual is not None else latest_plan(year)
    return [MonthTarget(l.region, l.salesperson_id, l.class_id, l.amount, l.quantity)
            for l in (annual.lines if annual is not None else ()) if l.month == month]
