"""Column types that behave the same on SQLite and PostgreSQL."""
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, DateTime, Numeric, event
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator

from app import clock


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime.

    Stored as naive UTC (SQLite has no time zones), always returned aware, so
    comparisons never mix naive and aware values.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    """Column default for created/started/deployed times: the platform clock,
    so a row written under a frozen or moved clock carries that time."""
    return clock.now()


class ScaledDecimal(TypeDecorator):
    """An exact ``Decimal`` with ``scale`` places: NUMERIC on PostgreSQL; on
    SQLite, which only has floats, an integer count of the smallest unit, so
    comparisons and SUM stay exact on both."""

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 2, precision: int = 18):
        super().__init__()
        self.scale = scale
        self.precision = precision
        self._unit = Decimal(1).scaleb(-scale)

    def __repr__(self) -> str:
        # Alembic renders column types with repr(): without this the scale is
        # lost and PostgreSQL gets NUMERIC(18,2) for an 8-place price column.
        if self.precision == 18:
            return f"ScaledDecimal(scale={self.scale})"
        return f"ScaledDecimal(scale={self.scale}, precision={self.precision})"

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        exact = Decimal(value).quantize(self._unit, rounding=ROUND_HALF_UP)
        if dialect.name == "sqlite":
            return int(exact.scaleb(self.scale))
        return exact

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale).quantize(self._unit)
        return Decimal(value).quantize(self._unit)

    def held(self, value):
        """``value`` as the column will read it back: a figure set on an
        object shows the same before and after its commit (the product's
        session keeps objects loaded across commits). What is no number is
        left for the flush to refuse."""
        if value is None or isinstance(value, bool):
            return value
        try:
            return Decimal(value).quantize(self._unit, rounding=ROUND_HALF_UP)
        except (ArithmeticError, TypeError, ValueError):
            return value


@event.listens_for(Mapper, "mapper_configured")
def _scaled_on_set(mapper, class_) -> None:
    """Every scaled column of a mapped class holds its figure at its scale."""
    for prop in mapper.column_attrs:
        column_type = prop.columns[0].type
        if isinstance(column_type, ScaledDecimal):
            event.listen(getattr(class_, prop.key), "set",
                         lambda target, value, old, initiator, held=column_type.held: held(value), retval=True)


def Money():  # noqa: N802  (reads as a type in column definitions)
    """Amounts in CNY: two places, half-up."""
    return ScaledDecimal(2)
