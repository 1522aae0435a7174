"""Figures the server computes: line amounts and totals declared in a form.

A person types quantities and prices; what a decision reads (a decision
table's amount, a gateway's total) must not be typed beside them, or a rep
could type ¥99 under five lines of ¥3,200 and route around an approval. A
form declares such a field ``readOnly`` with ``"x-computed"`` in one of three
shapes, and nothing else (no expression language, no eval):

* ``"a * b"`` — the product of two sibling fields of the same object (a
  line's ``qty * unit_price``), rounded half up to the cent;
* ``"sum(list.field)"`` — the sum of ``field`` over the items of the sibling
  array ``list`` (``sum(lines.amount)``), after those items are computed;
* ``"a + b + c"`` — the exact sum of sibling fields (an evaluation's total
  score), a whole number when they all are.

The submitting person never sends these fields (the form refuses read-only
fields); the server fills them in after validation, before the engine sees
the data, so every door (API, web, messages) decides on the same figures.
"""
from decimal import Decimal

from app.errors import ValidationFailed
from app.ledger.money import ZERO, round_money, to_decimal
from app.actions import BusinessRuleViolation
from app.workflow.form_formulas import UnknownFormula, parse_formula

def _number(value, field: str) -> Decimal:
    try:
        return to_decimal(value, field)
    except BusinessRuleViolation as exc:
        raise ValidationFailed.for_fields({field: [str(exc)]}) from None


def _fill(schema: dict, data: dict, path: str) -> dict:
    properties = schema.get("properties") or {}
    result = dict(data)
    for key, prop in properties.items():  # inner objects and lines first: a total sums computed lines
        value = result.get(key)
        if not isinstance(prop, dict):
            continue
        items = prop.get("items")
        if isinstance(value, list) and isinstance(items, dict) and items.get("properties"):
            result[key] = [_fill(items, row, f"{path}{key}.{i}.") if isinstance(row, dict) else row
                           for i, row in enumerate(value)]
        elif isinstance(value, dict) and prop.get("properties"):
            result[key] = _fill(prop, value, f"{path}{key}.")
    computed = [(key, parse_formula(prop["x-computed"])) for key, prop in properties.items()
                if isinstance(prop, dict) and "x-computed" in prop]
    for key, (shape, names) in sorted(computed, key=lambda c: c[1][0] != "product"):
        if shape in ("product", "add"):
            if any(result.get(name) is None for name in names):
                result.pop(key, None)  # nothing to compute from: the form's own rules report what is missing
                continue
            figures = [_number(result[name], f"{path}{name}") for name in names]
            if shape == "product":
                result[key] = round_money(figures[0] * figures[1])
            else:
                total = sum(figures, ZERO)
                result[key] = int(total) if total == total.to_integral_value() else total
        else:
            first, second = names
            rows = result.get(first) if isinstance(result.get(first), list) else []
            total = sum((_number(row.get(second), f"{path}{first}.{i}.{second}") for i, row in enumerate(rows)
                         if isinstance(row, dict) and row.get(second) is not None), ZERO)
            result[key] = round_money(total)
    return result


def with_computed_figures(schema: dict | None, data: dict) -> dict:
    """``data`` (already validated against ``schema``) with every
    ``x-computed`` field set from the typed figures beside it: products per
    line first, then sums of the computed lines, as Decimals rounded half
    up to the cent. A value typed for such a field is replaced, never
    trusted. Returns a new dict; ``data`` is not changed. Raises
    ValidationFailed when a figure it multiplies is not a number, and
    UnknownFormula when the form declares a shape it does not know (a
    deploy-time lint error)."""
    if not schema or not isinstance(data, dict):
        return data
    return _fill(schema, data, "")


def preview_formula(schema: dict) -> str | None:
    """The ``a * b`` a browser may compute live as a preview of a line's
    computed field (the server's figure is the one kept); None for any
    other field."""
    try:
        shape, names = parse_formula(schema.get("x-computed"))
    except UnknownFormula:
        return None
    return f"{names[0]} * {names[1]}" if shape == "product" else None
