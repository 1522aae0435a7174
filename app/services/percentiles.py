"""Nearest-rank percentiles, the figure the process analytics report
(app/services/step_summaries.py reads them from histograms): the smallest
value with at least that fraction of the values at or below it, so a
percentile is always a value that occurred."""
from math import ceil

from app.extensions import db

FRACTIONS = (0.5, 0.9)


def nearest_rank(ordered: list, fraction: float):
    """The ``fraction`` percentile of the ascending ``ordered``; None when empty."""
    if not ordered:
        return None
    return ordered[max(0, ceil(fraction * len(ordered)) - 1)]


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"
