"""A month as the ledger names it, "YYYY-MM": the days it covers and the
month before a given day. The checks, the assessment, the monthly report and
the period close all read months this one way."""
from datetime import date

from app.actions import BusinessRuleViolation
from app.bounds import FIRST_DAY, LAST_DAY


def month_bounds(month: str) -> tuple[date, date]:
    """[first day, first day of the next month) of ``month`` ("YYYY-MM").
    Raises BusinessRuleViolation ``invalid_month``, also for a month outside
    the business dates (app/bounds.py)."""
    try:
        year, mon = (int(part) for part in month.split("-"))
        start = date(year, mon, 1)
    except (ValueError, TypeError, AttributeError):
        raise BusinessRuleViolation("invalid_month", f"Not a month (YYYY-MM): {month!r}",
                                    field="month") from None
    if not FIRST_DAY <= start <= LAST_DAY:
        raise BusinessRuleViolation("invalid_month", f"Not a month between {FIRST_DAY:%Y-%m} and {LAST_DAY:%Y-%m}: "
                                    f"{month!r}", field="month")
    return start, date(year + mon // 12, mon % 12 + 1, 1)


def previous_month(day: date) -> str:
    """The calendar month before the one ``day`` falls in: the last month that has ended."""
    return f"{day.year - 1:04d}-12" if day.month == 1 else f"{day.year:04d}-{day.month - 1:02d}"
