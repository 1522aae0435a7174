"""Working time: weekdays 09:00–18:00 in the business's time zone, less the
holidays in the ``holiday`` table. Task due dates count in it."""
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Holiday

_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


class WorkingCalendar:
    def __init__(self, zone: str = "Asia/Shanghai", opens: time = time(9), closes: time = time(18),
                 holidays: set[date] = frozenset()):
        self.zone = ZoneInfo(zone)
        self.opens, self.closes = opens, closes
        self.holidays = set(holidays)

    @property
    def day_length(self) -> timedelta:
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add(self, start: datetime, work: timedelta) -> datetime:
        """The moment ``work`` of working time after ``start`` (aware, UTC)."""
        moment = start.astimezone(self.zone)
        remaining = work
        while True:
            day = moment.date()
            opens = datetime.combine(day, self.opens, self.zone)
            closes = datetime.combine(day, self.closes, self.zone)
            if not self.is_working_day(day) or moment >= closes:
                moment = datetime.combine(day + timedelta(days=1), self.opens, self.zone)
                continue
            moment = max(moment, opens)
            if moment + remaining <= closes:
                return (moment + remaining).astimezone(start.tzinfo)
            remaining -= closes - moment
            moment = datetime.combine(day + timedelta(days=1), self.opens, self.zone)

    def working_seconds(self, start: datetime, end: datetime) -> int:
        """How much working time lies between two aware moments, in seconds (0 when ``end`` is not after ``start``)."""
        first, last = start.astimezone(self.zone), end.astimezone(self.zone)
        total, day = timedelta(0), first.date()
        while day <= last.date():
            if self.is_working_day(day):
                opens = max(first, datetime.combine(day, self.opens, self.zone))
                closes = min(last, datetime.combine(day, self.closes, self.zone))
                total += max(closes - opens, timedelta(0))
            day += timedelta(days=1)
        return int(total.total_seconds())

    def start_of_day(self, day: date) -> datetime:
        """Midnight of ``day`` in the business's time zone."""
        return datetime.combine(day, time(0), self.zone)

    def parse(self, duration: str | None) -> timedelta | None:
        """``PT48H`` is 48 working hours, ``P2D`` two working days."""
        match = _DURATION.match((duration or "").strip().upper())
        if not duration or not match or not any(match.groups()):
            return None
        days, hours, minutes = (int(part or 0) for part in match.groups())
        return days * self.day_length + timedelta(hours=hours, minutes=minutes)


def _hours(text: str) -> tuple[time, time]:
    opens, closes = text.split("-")
    return time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())


def current_calendar() -> WorkingCalendar:
    """The configured calendar with the holidays stored in the database."""
    opens, closes = _hours(current_app.config.get("BUSINESS_HOURS", "09:00-18:00"))
    holidays = set(db.session.scalars(select(Holiday.day)))
    return WorkingCalendar(current_app.config.get("BUSINESS_TIMEZONE", "Asia/Shanghai"), opens, closes, holidays)
