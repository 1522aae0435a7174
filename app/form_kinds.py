"""The kinds of field our JSON Schema forms (``forms/*.json``) know, and the
keywords that declare them: one vocabulary for the pages that render a form
(``app/web/form_fields.py``), the read-only views of what was submitted, the
API (which hands out each form as deployed, keywords and all) and the deploy
check, which refuses a form that misuses it (``form_problems``).

A field has exactly one kind, the first of these it matches:

| kind       | declared by                                                          |
|------------|----------------------------------------------------------------------|
| attachment | ``"format": "attachment"`` (or ``"x-attachment": true``): an uploaded file |
| decision   | a top-level string named ``decision`` or ``action`` with options: the step's outcome, one button each |
| choice     | a string with options: ``enum``, or ``oneOf`` items of ``const`` + ``title`` |
| reference  | a string with ``"x-ref": "customer"`` (``user``, ``material``, ``role``, ``region``): master data, typed ahead from ``/api/v1/lookups/{ref}`` |
| date       | a string with ``"format": "date"`` (``"date-time"``: datetime)       |
| textarea   | a string with ``"x-widget": "textarea"`` or a ``maxLength`` over 200 |
| text       | any other string, and a field without a type                         |
| money      | a number with ``"x-money": true``: yuan, shown with ¥ (its ``multipleOf`` gives the step) |
| number     | any other number or integer                                          |
| boolean    | a boolean                                                            |
| lines      | an array of objects (not of files): a table, a row per item          |
| list       | any other array                                                      |
| group      | an object with properties                                            |

Beside its kind, a field may be
* ``"readOnly": true``: shown, never submitted (what the ledger or an earlier
  step wrote);
* ``"x-computed": "qty * unit_price"``: a figure the server computes, always
  read-only (its shapes: ``app/workflow/form_formulas.py``);
* ``"x-formula": "qty * unit_price"``: a product the browser fills in while
  the person types and that they may still change (a figure a decision reads
  is ``x-computed`` instead);
* ``"x-not-before": "start_date"``: a date that may not lie before the named
  date of the same object (a trip's return before its departure is refused).
* ``"x-approves": "order_result"``: on a decision, ``approve`` approves the
  sales order the request holds in that variable; an order the ledger would
  not approve (a line without a price, seed L98) is refused when the form is
  submitted (``app/services/reference_checks.py``).
* ``"x-title-en": "Reject"``: the English of the ``title`` beside it, on
  the form, every field and every ``oneOf`` option; ``"x-enum-en"``: the
  English of a plain ``enum``'s values, in order (``app/form_titles.py``).

Every value also keeps to the platform's bounds (``app/bounds.py``: text
length, list length, number magnitude, business dates) unless the form
declares its own ``maxLength``/``maxItems``.

Words never decide a kind: a number titled in 元 that does not declare
``x-money`` is refused at deploy rather than shown as a plain number, and so
is any ``x-`` keyword not listed here (a typo such as ``x-mony``)."""
import re
from collections.abc import Callable, Iterator

ATTACHMENT, DECISION, CHOICE, REFERENCE = "attachment", "decision", "choice", "reference"
DATE, DATETIME, TEXTAREA, TEXT = "date", "datetime", "textarea", "text"
MONEY, NUMBER, BOOLEAN, LINES, LIST, GROUP = "money", "number", "boolean", "lines", "list", "group"

DECISION_NAMES = ("decision", "action")
TEXTAREA_OVER = 200  # characters: a longer text gets a box of several lines
WIDGET_NAMES = ("textarea",)  # the values "x-widget" may take


def _is_true(value) -> bool:
    return value is True


def _is_name(value) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"[a-z][a-z_]*", value))


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


# Every x- keyword of the vocabulary, with what its value must be (None: form_formulas.py checks it).
KEYWORDS: dict[str, tuple[Callable[[object], bool] | None, str]] = {
    "x-money": (_is_true, "true"),
    "x-attachment": (_is_true, "true"),
    "x-ref": (_is_name, "the name of a lookup, such as \"customer\""),
    "x-widget": (lambda value: value in WIDGET_NAMES, " or ".join(f'"{name}"' for name in WIDGET_NAMES)),
    "x-computed": (None, "a formula"),
    "x-formula": (_is_text, "a product such as \"qty * unit_price\""),
    "x-not-before": (_is_name, "the name of a date field beside it, such as \"start_date\""),
    "x-approves": (_is_name, "the variable holding the order a decision approves, such as \"order_result\""),
    "x-title-en": (_is_text, "the English of the title beside it (app/form_titles.py)"),
    "x-enum-en": (lambda value: isinstance(value, list) and all(_is_text(v) for v in value),
                  "a list of the English of each enum value, in order (app/form_titles.py)"),
}


def is_attachment(schema) -> bool:
    """An uploaded file (any type: its value is {name, type, size, sha256})."""
    return isinstance(schema, dict) and (schema.get("format") == "attachment" or schema.get("x-attachment") is True)


def is_money(schema) -> bool:
    """An amount of yuan."""
    return isinstance(schema, dict) and schema.get("type") == "number" and schema.get("x-money") is True


def _string(schema: dict) -> bool:
    return schema.get("type") == "string"


def _has_options(schema: dict) -> bool:
    return _string(schema) and bool(schema.get("enum") or schema.get("oneOf"))


def _is_textarea(schema: dict) -> bool:
    return schema.get("x-widget") == "textarea" or (schema.get("maxLength") or 0) > TEXTAREA_OVER


def _is_lines(schema: dict) -> bool:
    items = schema.get("items") or {}
    # files are a list of file inputs, not a table of their name/type/size/sha256
    return items.get("type") == "object" and not is_attachment(items)


# (kind, test of the field's schema and of its top-level name, None deeper); the first that holds.
_KINDS: tuple[tuple[str, Callable[[dict, str | None], bool]], ...] = (
    (ATTACHMENT, lambda schema, name: is_attachment(schema)),
    (DECISION, lambda schema, name: name in DECISION_NAMES and _has_options(schema)),
    (CHOICE, lambda schema, name: _has_options(schema)),
    (REFERENCE, lambda schema, name: _string(schema) and bool(schema.get("x-ref"))),
    (DATE, lambda schema, name: _string(schema) and schema.get("format") == "date"),
    (DATETIME, lambda schema, name: _string(schema) and schema.get("format") == "date-time"),
    (TEXTAREA, lambda schema, name: _string(schema) and _is_textarea(schema)),
    (TEXT, lambda schema, name: _string(schema)),
    (MONEY, lambda schema, name: is_money(schema)),
    (NUMBER, lambda schema, name: schema.get("type") in ("number", "integer")),
    (BOOLEAN, lambda schema, name: schema.get("type") == "boolean"),
    (LINES, lambda schema, name: schema.get("type") == "array" and _is_lines(schema)),
    (LIST, lambda schema, name: schema.get("type") == "array"),
    (GROUP, lambda schema, name: schema.get("type") == "object" and bool(schema.get("properties"))),
)
KINDS = tuple(kind for kind, _ in _KINDS)


def kind_of(schema: dict, name: str | None = None) -> str:
    """The kind of the field ``schema`` (see the table above); ``name`` is its
    key when it stands at the top of a form, where decisions are, else None."""
    return next((kind for kind, holds in _KINDS if holds(schema, name)), TEXT)


# Keywords whose value is a schema, a list of schemas, or a map of names to schemas.
_ONE = ("items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "contains",
        "propertyNames", "not", "if", "then", "else")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "dependentSchemas", "$defs")


def _inner(schema: dict, where: str) -> Iterator[tuple[str, object]]:
    for keyword in _ONE:
        yield (f"{where}[]" if keyword == "items" else where), schema.get(keyword)
    for keyword in _MANY:
        for sub in schema.get(keyword) or ():
            yield where, sub
    for keyword in _NAMED:
        for key, sub in (schema.get(keyword) or {}).items():
            yield (f"{where}.{key}" if where else key), sub


def _subschemas(schema: dict, where: str) -> Iterator[tuple[str, dict]]:
    """(path, schema) of ``schema`` and of every schema inside it; a field's
    path is its dotted name, ``[]`` marking the items of a list."""
    yield where, schema
    for path, sub in _inner(schema, where):
        if isinstance(sub, dict):
            yield from _subschemas(sub, path)


def _keyword_problems(schema: dict) -> Iterator[str]:
    for keyword in sorted(key for key in schema if isinstance(key, str) and key.startswith("x-")):
        if keyword not in KEYWORDS:
            yield f"unknown keyword {keyword!r}; a form knows {', '.join(sorted(KEYWORDS))}."
            continue
        holds, what = KEYWORDS[keyword]
        if holds and not holds(schema[keyword]):
            yield f"{keyword} must be {what}, not {schema[keyword]!r}."


def _money_problems(schema: dict) -> Iterator[str]:
    declared, number = schema.get("x-money") is True, schema.get("type") == "number"
    if declared and not number:
        yield 'x-money is for a "type": "number" field.'
    titled = "元" in str(schema.get("title") or "") and schema.get("type") in ("number", "integer")
    if titled and not (declared and number):
        yield (f"titled {schema['title']!r} but not declared money: give it \"type\": \"number\" and "
               "\"x-money\": true, or take 元 out of its title.")


def _order_problems(schema: dict) -> Iterator[tuple[str, str]]:
    """A date whose x-not-before names no date field beside it."""
    properties = schema.get("properties") or {}
    for name, sub in properties.items():
        other = sub.get("x-not-before") if isinstance(sub, dict) else None
        if not isinstance(other, str):
            continue
        dates = [field for field in (sub, properties.get(other)) if isinstance(field, dict) and kind_of(field) == DATE]
        if len(dates) < 2:
            yield name, f"x-not-before names {other!r}: both it and {name!r} must be date fields of the same object."


def form_problems(schema: dict) -> list[tuple[str, str]]:
    """(field path, message) for every misuse of the vocabulary in the form
    ``schema``: an unknown ``x-`` keyword, a keyword with a value it cannot
    take, money that is not declared as such, and an ``x-not-before`` that
    names no date beside its own. Empty for a sound form."""
    return [(path or "(form)", message) for path, sub in _subschemas(schema, "")
            for check in (_keyword_problems, _money_problems) for message in check(sub)] + [
        (f"{path}.{name}" if path else name, message)
        for path, sub in _subschemas(schema, "") for name, message in _order_problems(sub)]
