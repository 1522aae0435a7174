"""Keeps the heatmap's summary rows (app/models/step_summary.py) current in
the command that changes a visit or an instance, and reads percentiles back
from their histograms. Nothing here commits.

Buckets (a duration of s whole seconds counts in the bucket starting at
``bucket(s)``):

    s < 60 s            exact seconds
    s < 48 h            whole minutes
    s < 30 days         6 minutes (0.1 h)
    beyond              whole hours

Bucketing is monotone, so the nearest-rank percentile read from a histogram
is exactly ``bucket(p)`` of the exact percentile p of the durations: exact
to the bucket's precision. The page shows no finer than that: minutes below
an hour, 0.1 h below 48 h, 0.1 day beyond.

Every change is an atomic upsert (INSERT … ON CONFLICT DO UPDATE count =
count + n, the same on PostgreSQL and SQLite): two commands completing
visits of the same step at once both count. Within a command the rows are
written in key order, so two commands never wait on each other in a circle."""
import functools
from math import ceil

from sqlalchemy import bindparam, case
from sqlalchemy.dialects import postgresql, sqlite

from app import clock
from app.extensions import db
from app.models import CycleDuration, StepCount, StepDuration
from app.services.percentiles import FRACTIONS, on_postgresql

MINUTE, HOUR, DAY = 60, 3600, 86400
# (below this many seconds, the bucket width), in order; beyond the last: HOUR
WIDTHS = ((MINUTE, 1), (48 * HOUR, MINUTE), (30 * DAY, 6 * MINUTE))
MEASURES = ("waiting", "working")


def bucket(seconds: int | None) -> int | None:
    """The first second of the bucket ``seconds`` falls in; None stays None."""
    if seconds is None:
        return None
    width = next((width for below, width in WIDTHS if seconds < below), HOUR)
    return seconds - seconds % width


def bucket_expression(seconds):
    """``bucket`` as an SQL expression over an integer column (for backfills)."""
    width = case(*((seconds < below, width) for below, width in WIDTHS), else_=HOUR)
    return seconds - seconds % width


def histogram_percentiles(counts, fractions=FRACTIONS) -> tuple:
    """The nearest-rank percentiles of a histogram given as (bucket, count)
    pairs in any order: per fraction the first bucket holding at least that
    fraction of the values at or below it; Nones when it is empty."""
    ordered = sorted((b, n) for b, n in counts if n)
    total = sum(n for _, n in ordered)
    result = []
    for fraction in fractions:
        rank, seen, found = max(1, ceil(fraction * total)), 0, None
        for value, number in ordered:
            seen += number
            if seen >= rank:
                found = value
                break
        result.append(found if total else None)
    return tuple(result)


class SummaryChanges:
    """The counts a command adds, written at once by ``write``."""

    def __init__(self):
        self.steps: dict[tuple, dict[str, int]] = {}
        self.durations: dict[tuple, int] = {}

    def _step(self, definition_id: int, element_id: str) -> dict[str, int]:
        return self.steps.setdefault((definition_id, element_id),
                                     {"visits": 0, "rework": 0, "completed": 0, "breached": 0})

    def entered(self, definition_id: int, element_id: str, visit: int) -> None:
        counts = self._step(definition_id, element_id)
        counts["visits"] += 1
        counts["rework"] += visit > 1

    def completed(self, definition_id: int, element_id: str, breached: bool, durations: dict) -> None:
        counts = self._step(definition_id, element_id)
        counts["completed"] += 1
        counts["breached"] += bool(breached)
        for measure in MEASURES:
            if durations.get(measure) is not None:
                key = (definition_id, element_id, measure, bucket(durations[measure]))
                self.durations[key] = self.durations.get(key, 0) + 1

    def write(self) -> None:
        _upsert(StepCount, ("definition_id", "element_id"),
                [dict(zip(("definition_id", "element_id"), key), **counts)
                 for key, counts in sorted(self.steps.items())])
        _upsert(StepDuration, ("definition_id", "element_id", "measure", "bucket"),
                [dict(zip(("definition_id", "element_id", "measure", "bucket"), key), count=count)
                 for key, count in sorted(self.durations.items())])


def _upsert(model, keys: tuple, rows: list[dict]) -> None:
    """Insert ``rows`` or add their counts to the rows already there (one
    statement per table and backend, compiled once, run for every row)."""
    if not rows:
        return
    added = tuple(name for name in rows[0] if name not in keys and name != "process_key")
    # Core, on the session's connection: the ORM's bulk-insert path would adapt the statement on every call
    db.session.connection().execute(_upsert_statement(model.__table__, keys, added, tuple(rows[0]), on_postgresql()), rows)


@functools.lru_cache(maxsize=32)
def _upsert_statement(table, keys: tuple, added: tuple, columns: tuple, postgres: bool):
    statement = (postgresql.insert if postgres else sqlite.insert)(table).values(
        {name: bindparam(name) for name in columns})
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: table.c[name] + statement.excluded[name] for name in added})


def cycle_month(ended_at) -> str:
    """The business month (YYYY-MM) an instance that ended at ``ended_at`` completed in."""
    return ended_at.astimezone(clock.business_timezone()).strftime("%Y-%m")


def count_completed_instance(definition_id: int, process_key: str, seconds: int, ended_at) -> None:
    """Count one instance that just completed in its version's cycle histogram."""
    _upsert(CycleDuration, ("definition_id", "month", "bucket"),
            [{"definition_id": definition_id, "month": cycle_month(ended_at), "bucket": bucket(seconds),
              "process_key": process_key, "count": 1}])
