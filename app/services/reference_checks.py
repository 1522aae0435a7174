"""References a person picks that only the ledger can judge: a field with
``"x-ref": "order_line"`` names an order line the request's customer (the
``customer`` of the instance's data) was shipped and has not been invoiced
for. Checked when the form is submitted, so a forged or stale pick is
refused with the field named, before any step acts on it.

A decision marked ``"x-approves"`` is judged the same way: approving an
order the ledger would refuse to approve is refused before the step ends."""
from app.actions import BusinessRuleViolation
from app.errors import ValidationFailed
from app.ledger.orders import ensure_priced, order_by_number
from app.ledger.uninvoiced import line_problem

# x-ref name -> problem(value, the instance's data) or None
_CHECKS = {
    "order_line": lambda value, held: line_problem(value, (held or {}).get("customer")),
}


def picked(schema: dict, value, refs, path: list | None = None):
    """(path, x-ref, code) of every code ``value`` holds where ``schema``
    marks a field ``"x-ref"`` with one of ``refs``, at any depth (a line's
    material is ``["lines", "0", "material"]``)."""
    path = path or []
    if not isinstance(schema, dict):
        return
    if schema.get("x-ref") in refs and isinstance(value, str):
        yield path, schema["x-ref"], value
    elif isinstance(value, dict):
        for name, prop in (schema.get("properties") or {}).items():
            if name in value:
                yield from picked(prop, value[name], refs, [*path, name])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from picked(schema.get("items") or {}, item, refs, [*path, str(index)])


def check_ledger_references(schema: dict | None, data: dict, held: dict | None) -> None:
    """Raise ValidationFailed naming every picked reference of ``data`` the
    ledger refuses for the request whose data is ``held``."""
    fields = {}
    for path, ref, value in picked(schema or {}, data, _CHECKS):
        problem = _CHECKS[ref](value, held)
        if problem:
            fields[".".join(path)] = [problem]
    if fields:
        raise ValidationFailed("Some picked references cannot be used.", details={"fields": fields})


APPROVES = "x-approves"


def _approval_refusal(variable: str, held: dict | None):
    """The ledger's refusal (a BusinessRuleViolation) to approve the sales
    order the request holds in ``variable`` (its ``order_no``), or None."""
    number = ((held or {}).get(variable) or {}).get("order_no")
    if not isinstance(number, str):
        return None  # nothing saved yet: the diagram's ledger step answers
    try:
        ensure_priced(order_by_number(number))
    except BusinessRuleViolation as refusal:
        return refusal if refusal.code == "unpriced_line" else None  # an unknown order: the ledger step answers
    return None


def check_approvals(schema: dict | None, data: dict, held: dict | None) -> None:
    """A decision field marked ``"x-approves": "<variable>"`` approves the
    sales order the request holds in that variable (``order_result``): an
    ``approve`` of an order the ledger would not approve (seed L98: a line
    without a price) is refused at the door, so the approving task cannot
    complete; the field is named and the error carries the ledger's code
    (``unpriced_line``) and the lines. Raises ValidationFailed."""
    for name, prop in ((schema or {}).get("properties") or {}).items():
        variable = prop.get(APPROVES) if isinstance(prop, dict) else None
        if not isinstance(variable, str) or data.get(name) != "approve":
            continue
        refusal = _approval_refusal(variable, held)
        if refusal is not None:
            raise ValidationFailed(refusal.message, code=refusal.code,
                                   details={"fields": {name: [refusal.message]}, **(refusal.details or {})})
