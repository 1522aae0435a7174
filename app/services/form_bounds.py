"""The platform's bounds on form data (app/bounds.py), applied where a form
declares none, and the cross-field rule ``"x-not-before": "<sibling>"`` (a
date that may not lie before another date of the same object, such as a
trip's end before its start).

Checked before the JSON Schema: a number past the bounds would break the
decimal arithmetic of ``multipleOf``, and a text with a lone surrogate
cannot be hashed into the audit log."""
from datetime import date
from decimal import Decimal

from app.bounds import FILE_NAME_MAX, LIST_MAX, TEXT_MAX, date_problem, number_problem, text_problem
from app.form_kinds import is_attachment
from app.services.writable_fields import declarations, items_schemas

NOT_BEFORE = "x-not-before"


def _declared(schemas: list[dict], keyword: str):
    return next((schema[keyword] for schema in schemas if isinstance(schema.get(keyword), int)), None)


def _as_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _text_problem(schemas: list[dict], text: str) -> str | None:
    limit = _declared(schemas, "maxLength") or TEXT_MAX
    problem = text_problem(text) or (len(text) > limit and f"Longer than {limit} characters.")
    if problem:
        return problem
    if any(schema.get("format") == "date" for schema in schemas) and _as_date(text):
        return date_problem(_as_date(text))
    return None


def _order_problems(schemas: list[dict], value: dict, path: list[str], problems: dict) -> None:
    for name, subs in _named(schemas).items():
        other = next((sub[NOT_BEFORE] for sub in subs if isinstance(sub.get(NOT_BEFORE), str)), None)
        mine, theirs = _as_date(value.get(name)), _as_date(value.get(other)) if other else None
        if mine and theirs and mine < theirs:
            problems.setdefault(".".join([*path, name]), []).append(f"Must not be before {other}.")


def _named(schemas: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for schema in schemas:
        for name, subs in declarations(schema).items():
            found.setdefault(name, []).extend(subs)
    return found


def _check(schemas: list[dict], value, path: list[str], problems: dict[str, list[str]]) -> None:
    field = ".".join(path) or "(form)"
    if isinstance(value, str):
        problem = _text_problem(schemas, value)
        if problem:
            problems.setdefault(field, []).append(problem)
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        problem = number_problem(value)
        if problem:
            problems.setdefault(field, []).append(problem)
    elif isinstance(value, list):
        limit = _declared(schemas, "maxItems") or LIST_MAX
        if len(value) > limit:
            problems.setdefault(field, []).append(f"More than {limit} items.")
            return
        for index, inner in enumerate(value):
            _check(items_schemas(schemas), inner, [*path, str(index)], problems)
    elif isinstance(value, dict):
        if any(is_attachment(schema) for schema in schemas) and len(str(value.get("name", ""))) > FILE_NAME_MAX:
            problems.setdefault(f"{field}.name", []).append(f"Longer than {FILE_NAME_MAX} characters.")
        named = _named(schemas)
        for name, inner in value.items():
            _check(named.get(name, []), inner, [*path, str(name)], problems)
        _order_problems(schemas, value, path, problems)


def out_of_bounds(schema: dict | None, data: dict) -> dict[str, list[str]]:
    """field path → messages for every value of ``data`` past the bounds
    ``schema`` declares or the platform's defaults, and every date that lies
    before the sibling its ``x-not-before`` names. Empty when all is within."""
    problems: dict[str, list[str]] = {}
    _check([schema] if schema else [], data, [], problems)
    return problems
