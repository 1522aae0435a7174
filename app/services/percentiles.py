"""Exact percentiles of a column per group, the same figure on both
databases: PostgreSQL computes ``percentile_disc`` over the index range;
elsewhere (SQLite) the values come back in order and the nearest rank is
taken here. Nearest rank: the smallest value with at least that fraction of
the values at or below it, so a percentile is always a value that occurred."""
from math import ceil

from sqlalchemy import func, select

from app.extensions import db

FRACTIONS = (0.5, 0.9)


def nearest_rank(ordered: list, fraction: float):
    """The ``fraction`` percentile of the ascending ``ordered``; None when empty."""
    if not ordered:
        return None
    return ordered[max(0, ceil(fraction * len(ordered)) - 1)]


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def grouped_percentiles(group, value, *where, fractions=FRACTIONS) -> dict:
    """{group value: (percentile per fraction)} of ``value`` over the rows
    ``where`` selects, NULL values left out. Groups with no value are absent."""
    if on_postgresql():
        query = select(group, *(func.percentile_disc(f).within_group(value) for f in fractions)) \
            .where(value.is_not(None), *where).group_by(group)
        return {row[0]: tuple(row[1:]) for row in db.session.execute(query)}
    values: dict = {}
    for key, number in db.session.execute(select(group, value).where(value.is_not(None), *where)
                                          .order_by(group, value)):
        values.setdefault(key, []).append(number)
    return {key: tuple(nearest_rank(ordered, f) for f in fractions) for key, ordered in values.items()}


def seconds_between_columns(start, end):
    """``end`` − ``start`` in whole seconds, as an SQL expression."""
    if on_postgresql():
        return func.round(func.extract("epoch", end - start))
    return func.cast((func.julianday(end) - func.julianday(start)) * 86400 + 0.5, db.Integer)
