"""Reading the report filters' dates and instants: a date is a business
day (BUSINESS_TIMEZONE), a date-time without a zone is business time."""
from datetime import date, datetime, time, timedelta

from app import clock
from app.errors import ValidationFailed

_EARLIEST, _LATEST = 1970, 2200


def _parsed(text: str, field: str) -> datetime | date:
    text = text.strip()
    try:
        value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.for_fields({field: ["Use a date (YYYY-MM-DD) or a date and time (ISO 8601)."]}) from None
    if not _EARLIEST <= value.year <= _LATEST:
        raise ValidationFailed.for_fields({field: [f"Give a year between {_EARLIEST} and {_LATEST}."]})
    return value


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=clock.business_timezone()) if value.tzinfo is None else value


def period(start: str | None, end: str | None) -> tuple[datetime | None, datetime | None]:
    """The instants ``[from, to)`` of a ``from``/``to`` filter: a ``to``
    date counts its whole day. Blank is open. Raises ValidationFailed
    naming ``from`` or ``to`` (not a date; ``to`` before ``from``)."""
    bounds = []
    for text, field, whole_day in ((start, "from", False), (end, "to", True)):
        if not text or not text.strip():
            bounds.append(None)
            continue
        value = _parsed(text, field)
        if isinstance(value, datetime):
            bounds.append(_aware(value))
        else:
            day = value + timedelta(days=1) if whole_day else value
            bounds.append(datetime.combine(day, time(), clock.business_timezone()))
    if bounds[0] is not None and bounds[1] is not None and bounds[1] < bounds[0]:
        raise ValidationFailed.for_fields({"to": ["The end comes before the start."]})
    return bounds[0], bounds[1]


def as_of(text: str | None) -> datetime:
    """The instant of an ``as_of`` filter: a date means the end of that
    business day, blank means now. Raises ValidationFailed naming ``as_of``."""
    if not text or not text.strip():
        return clock.now()
    value = _parsed(text, "as_of")
    if isinstance(value, datetime):
        return _aware(value)
    return datetime.combine(value + timedelta(days=1), time(), clock.business_timezone()) - timedelta(microseconds=1)
