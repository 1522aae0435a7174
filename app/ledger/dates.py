"""Dates as the flows send them: ISO strings, today's business date when left out."""
from datetime import date as date_type

from app import clock
from app.actions import BusinessRuleViolation


def parse_date(value: str | None, field: str = "date") -> date_type:
    """An ISO date (default: the business date today). Raises
    BusinessRuleViolation ``invalid_date`` naming ``field``."""
    if not value:
        return clock.today()
    try:
        return date_type.fromisoformat(str(value)[:10])
    except ValueError:
        raise BusinessRuleViolation("invalid_date", f"{field} is not an ISO date: {value!r}", field=field) from None
