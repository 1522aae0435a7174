"""The platform's bounds on what anyone may submit, declared once: the API's
fields (``app/api/parsing.py``), diagram forms (``app/services/forms.py``,
where a form may declare tighter ``maxLength``/``maxItems``/``minimum``/
``formatMinimum``… and these apply where it does not) and the ledger's months.

Without them a lone surrogate breaks the audit hash, a 25-digit amount breaks
decimal arithmetic, a year-9999 month runs off the calendar, and one request
can grow an instance by megabytes that every later step stores again."""
import re
from datetime import date
from decimal import Decimal

FIRST_DAY = date(2000, 1, 1)    # no business date before this ...
LAST_DAY = date(2099, 12, 31)   # ... or after this
TEXT_MAX = 10_000               # characters in one text field
LIST_MAX = 200                  # items in one list (lines, attachments, ...)
FILE_NAME_MAX = 255             # characters in an attachment's name, as most file systems allow
NUMBER_MAX = Decimal("1e15")    # magnitude of any number: far above any amount, inside decimal precision

_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored (a NUL, which PostgreSQL refuses; a lone
    surrogate, which is no character and has no UTF-8), or None."""
    if "\x00" in text:
        return "Must not contain NUL characters."
    if _SURROGATE.search(text):
        return "Must not contain lone surrogates (not valid Unicode)."
    return None


def is_ascii_number(text: str) -> bool:
    """``text`` is a decimal number written with the digits 0-9 (Python's
    Decimal also reads "٥" or "５" as 5: nobody here types those on purpose)."""
    return bool(_ASCII_NUMBER.fullmatch(text.strip()))


def date_problem(day: date) -> str | None:
    """Why ``day`` is no business date, or None."""
    if not FIRST_DAY <= day <= LAST_DAY:
        return f"Must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}."
    return None


def number_problem(value: Decimal | int | float) -> str | None:
    """Why ``value`` is no number the platform computes with, or None."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite() or abs(number) >= NUMBER_MAX:
        return f"Must be less than {NUMBER_MAX:,.0f} in magnitude."
    return None
