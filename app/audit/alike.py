"""Comparing what a history records with what re-executing it gives."""
from datetime import datetime, timedelta

# The log records the moment each command began; a timer's due moment or a
# script's "now" is read a few milliseconds later within the command.
# Moments closer than this count as the same.
TIMER_SLACK = timedelta(seconds=5)


def alike(recorded, fresh) -> bool:
    """Equal, except that two moments (ISO date-times) closer than
    TIMER_SLACK count as the same: the log records when each command
    began, not the instant a script read the clock within it."""
    if recorded == fresh:
        return True
    if isinstance(recorded, dict) and isinstance(fresh, dict):
        return recorded.keys() == fresh.keys() and all(alike(recorded[key], fresh[key]) for key in recorded)
    if isinstance(recorded, list) and isinstance(fresh, list):
        return len(recorded) == len(fresh) and all(alike(a, b) for a, b in zip(recorded, fresh))
    if isinstance(recorded, str) and isinstance(fresh, str) and len(recorded) >= 16 and len(fresh) >= 16:
        try:
            first, second = datetime.fromisoformat(recorded), datetime.fromisoformat(fresh)
            return (first.tzinfo is None) == (second.tzinfo is None) and abs(first - second) <= TIMER_SLACK
        except ValueError:
            return False
    return False
