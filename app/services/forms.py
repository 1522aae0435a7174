"""Validating submitted data against a task's JSON Schema form."""
import json
from decimal import Decimal

import jsonschema

from app.errors import ValidationFailed
from app.services.attachments import check_references
from app.services.form_bounds import out_of_bounds
from app.services.reference_checks import check_approvals, check_ledger_references
from app.services.writable_fields import unwritable_fields

_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
_UNDECLARED_KEYWORDS = ("additionalProperties", "unevaluatedProperties")
_VALIDATORS: dict[int, tuple[dict, jsonschema.Draft202012Validator]] = {}


def _validator_for(schema: dict) -> jsonschema.Draft202012Validator:
    """One validator per schema object (deployed forms are cached objects).
    The cache holds the schema itself, so its id cannot be reused."""
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        if len(_VALIDATORS) > 512:
            _VALIDATORS.clear()
        # Decimals, not floats: as a float, 19.99 is no multiple of 0.01.
        exact = json.loads(json.dumps(schema), parse_float=Decimal)
        cached = (schema, jsonschema.Draft202012Validator(exact, format_checker=_FORMATS))
        _VALIDATORS[id(schema)] = cached
    return cached[1]


def _field_of(error) -> str:
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return ".".join([*map(str, error.absolute_path), missing]) if missing else "(form)"
    return ".".join(map(str, error.absolute_path)) or "(form)"


def validate_form(schema: dict | None, data, *, form_name: str | None = None, actor=None, held: dict | None = None) -> dict:
    """``data`` if a person may write all of it with ``schema`` and it
    satisfies ``schema``, and every attachment it names is stored. A field
    the form marks ``readOnly`` or does not declare (at any depth) is
    refused, whatever ``additionalProperties`` says; so is a value past the
    platform's bounds (app/services/form_bounds.py); with no schema (a task
    without a form) only ``{}`` is accepted. Raises ValidationFailed with
    every bad field (``details.fields``: field path → messages)."""
    if not isinstance(data, dict):
        raise ValidationFailed.for_fields({"data": ["Must be a JSON object."]})
    fields: dict[str, list[str]] = unwritable_fields(schema, data)
    refused = list(fields)
    past_bounds = out_of_bounds(schema, data)
    for field, messages in past_bounds.items():
        fields.setdefault(field, messages)
    if schema is not None and not past_bounds:  # no JSON Schema keyword reads a value past a bound (multipleOf of 1e309 raises)
        exact_data = json.loads(json.dumps(data), parse_float=Decimal)
        validator = _validator_for(schema)
        for error in sorted(validator.iter_errors(exact_data), key=lambda e: list(map(str, e.absolute_path))):
            if error.validator in _UNDECLARED_KEYWORDS:
                continue  # every undeclared field is already named by unwritable_fields
            field = _field_of(error)
            if not any(field == bad or field.startswith(bad + ".") for bad in refused):
                fields.setdefault(field, []).append(error.message)  # a refused field needs no second message
    if fields:
        raise ValidationFailed(f"The form {form_name or ''} has invalid fields.".replace("  ", " "), details={"fields": fields})
    if schema is not None:
        check_references(schema, data, actor=actor, held=held)
        check_ledger_references(schema, data, held)
        check_approvals(schema, data, held)
    return data
