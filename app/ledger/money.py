"""Money, quantities and VAT (LEDGER.md "Principles").

Every amount is a ``Decimal``; rounding is always half up (四舍五入), named
explicitly, because Python's default context rounds half to even and would
silently disagree with the tax authority's invoices on every x.xx5.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.actions import BusinessRuleViolation

CENT = Decimal("0.01")
PRICE_PLACES = Decimal("0.00000001")  # unit prices: 8 places
RATE_PLACES = Decimal("0.0001")
ZERO = Decimal("0.00")
DEFAULT_VAT = Decimal("0.13")  # goods


def to_decimal(value, field: str = "value") -> Decimal:
    """``value`` (str, int, Decimal; floats through their shortest repr) as a
    Decimal. Raises BusinessRuleViolation ``invalid_number``."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise BusinessRuleViolation("invalid_number", f"{field} is not a number: {value!r}", field=field)
    try:
        # str() first: Decimal(0.1) would carry the float's binary error into the books
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise BusinessRuleViolation("invalid_number", f"{field} is not a number: {value!r}", field=field) from None
    if not result.is_finite():
        raise BusinessRuleViolation("invalid_number", f"{field} is not a finite number: {value!r}", field=field)
    return result


def round_money(value, field: str = "value") -> Decimal:
    """Round to the cent, half up. Raises BusinessRuleViolation
    ``invalid_number`` naming ``field``."""
    return to_decimal(value, field).quantize(CENT, rounding=ROUND_HALF_UP)


def round_price(value) -> Decimal:
    """Round a unit price to 8 places, half up."""
    return to_decimal(value).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)


def round_qty(value, scale: int) -> Decimal:
    """Round a quantity to ``scale`` places (the unit's precision), half up."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)


def exact_qty(value, scale: int, field: str = "qty") -> Decimal:
    """``value`` as a quantity of a unit with ``scale`` places. Raises
    BusinessRuleViolation ``invalid_quantity`` when it has more places than
    the unit allows (3.5 pieces is a typing error, not something to round)."""
    qty = to_decimal(value, field)
    if qty != round_qty(qty, scale):
        raise BusinessRuleViolation("invalid_quantity", f"{field} {value} has more than {scale} decimal places for its unit.", field=field)
    return round_qty(qty, scale)


@dataclass(frozen=True)
class LineAmounts:
    """One line's VAT split: net + tax = gross, each to the cent."""

    net: Decimal
    tax: Decimal
    gross: Decimal


def line_amounts(qty, unit_price, rate, *, tax_inclusive: bool) -> LineAmounts:
    """The VAT of one line, per LEDGER.md.

    Exclusive price: net = round(qty × price, 2), tax = round(net × rate, 2).
    Inclusive price (含税单价): gross = round(qty × price, 2),
    net = round(gross / (1 + rate), 2), tax = gross − net.
    Negative quantities (red lines) give the exact negatives of the blue line
    (half up rounds away from zero symmetrically). Raises
    BusinessRuleViolation ``invalid_number``."""
    qty, price, rate = to_decimal(qty, "qty"), round_price(unit_price), to_decimal(rate, "tax_rate")
    if tax_inclusive:
        gross = round_money(qty * price)
        net = round_money(gross / (1 + rate))
        return LineAmounts(net=net, tax=gross - net, gross=gross)
    net = round_money(qty * price)
    tax = round_money(net * rate)
    return LineAmounts(net=net, tax=tax, gross=net + tax)


def document_totals(lines) -> LineAmounts:
    """Totals of a document: sums of the line amounts (invoice tax is the sum
    of line taxes, never recomputed on the total)."""
    net = sum((line.net for line in lines), ZERO)
    tax = sum((line.tax for line in lines), ZERO)
    return LineAmounts(net=net, tax=tax, gross=net + tax)


def money_str(value: Decimal) -> str:
    """An amount as the string the diagrams receive ("1234.50")."""
    return str(round_money(value))


def qty_str(value: Decimal, scale: int) -> str:
    """A quantity as the diagrams receive it, at its unit's precision, so a
    result read back from the database equals the one first returned."""
    return str(round_qty(value, scale))
