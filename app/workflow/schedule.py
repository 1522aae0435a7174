"""When a process with a timer start event should start: the next
occurrence of its ``timeDate`` or ``timeCycle`` after a moment.

Months and years step on the calendar from the cycle's first date (the 1st
stays the 1st, the 31st becomes the 30th in June and the 31st again in
December), not by a fixed number of days."""
import calendar
from datetime import datetime, timedelta, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.workflow.sandbox import RestrictedEnvironment

_MAX_STEPS = 100_000


def _add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _occurrence(start: datetime, step: dict, count: int) -> datetime:
    months = step.get("years", 0) * 12 + step.get("months", 0)
    fixed = timedelta(weeks=step.get("weeks", 0), days=step.get("days", 0), hours=step.get("hours", 0),
                      minutes=step.get("minutes", 0), seconds=step.get("seconds", 0))
    return _add_months(start, months * count) + fixed * count


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def next_start(kind: str, expression: str, after: datetime) -> datetime | None:
    """The first start strictly after ``after``; None when there is none
    (a past date, a finished cycle, or a bare duration)."""
    value = RestrictedEnvironment().evaluate(expression, {})
    if kind == "timeDate":
        moment = _aware(TimerEventDefinition.get_datetime(str(value)))
        return moment if moment > after else None
    if kind != "timeCycle":
        return None
    parts = str(value).upper().strip("R").split("/")
    cycles = int(parts[0]) if parts[0] else -1
    if len(parts) != 3 or parts[1].startswith("P"):
        raise ValueError("A start cycle needs a first date: R[n]/2026-01-01T01:00:00+08:00/P1M")
    start = _aware(TimerEventDefinition.get_datetime(parts[1]))
    step = TimerEventDefinition.parse_iso_duration(parts[2])
    if not any(step.values()):
        raise ValueError("A start cycle needs a non-zero interval.")
    for count in range(_MAX_STEPS if cycles < 0 else min(cycles, _MAX_STEPS)):
        moment = _occurrence(start, step, count)
        if moment > after:
            return moment
    return None
