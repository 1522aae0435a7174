"""The shapes a form's ``"x-computed"`` may take, and the deploy-time check
of them (``app/services/form_figures.py`` evaluates them on submit):

* ``"a * b"`` — the product of two sibling fields (a line's ``qty * unit_price``);
* ``"sum(list.field)"`` — the sum of ``field`` over the sibling array ``list``;
* ``"a + b + c"`` — the exact sum of sibling fields.

Parsed by regular expressions, never evaluated as code."""
import re

_NAME = r"[A-Za-z][A-Za-z0-9_]*"  # field names; nothing dunder
_PRODUCT = re.compile(rf"^\s*({_NAME})\s*\*\s*({_NAME})\s*$")
_SUM = re.compile(rf"^\s*sum\(\s*({_NAME})\.({_NAME})\s*\)\s*$")
_ADDITION = re.compile(rf"^\s*{_NAME}(\s*\+\s*{_NAME})+\s*$")


class UnknownFormula(ValueError):
    """An ``x-computed`` of none of the three shapes."""


def parse_formula(text) -> tuple[str, tuple[str, ...]]:
    """``("product", (a, b))``, ``("sum", (list, field))`` or ``("add",
    (a, b, ...))``. Raises UnknownFormula."""
    if isinstance(text, str):
        if match := _PRODUCT.match(text):
            return ("product", match.groups())
        if match := _SUM.match(text):
            return ("sum", match.groups())
        if _ADDITION.match(text):
            return ("add", tuple(name.strip() for name in text.split("+")))
    raise UnknownFormula(f"x-computed {text!r} is none of 'a * b', 'sum(list.field)', 'a + b + c'.")


def formula_problems(schema: dict, path: str = "") -> list[str]:
    """Every ``x-computed`` in ``schema`` that cannot be evaluated (unknown
    shape, a sibling it names is not declared, or the field is not
    ``readOnly``), as readable messages; empty when the form is sound."""
    problems: list[str] = []
    if not isinstance(schema, dict):
        return problems
    properties = schema.get("properties") or {}
    for key, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        where = f"{path}{key}"
        if "x-computed" in prop:
            try:
                shape, names = parse_formula(prop["x-computed"])
            except UnknownFormula as exc:
                problems.append(f"{where}: {exc}")
            else:
                if shape == "sum":
                    items = ((properties.get(names[0]) or {}).get("items") or {}).get("properties") or {}
                    if names[1] not in items:
                        problems.append(f"{where}: {names[0]}.{names[1]} is not a field of a list beside it.")
                else:
                    problems += [f"{where}: {name!r} is not a field beside it." for name in names
                                 if name not in properties]
            if not prop.get("readOnly"):
                problems.append(f"{where}: a computed field must be readOnly (nobody types it).")
        problems += formula_problems(prop, f"{where}.")
        if isinstance(prop.get("items"), dict):
            problems += formula_problems(prop["items"], f"{where}[].")
    return problems
