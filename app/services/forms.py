"""Validating submitted data against a task's JSON Schema form."""
import json
from decimal import Decimal

import jsonschema

from app.errors import ValidationFailed
from app.services.attachments import check_references

_FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER
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
    if error.validator == "additionalProperties" and not error.absolute_path:
        extras = [part for part in error.message.split("'")[1::2]]
        return extras[0] if extras else "(form)"
    return ".".join(map(str, error.absolute_path)) or "(form)"


def validate_form(schema: dict | None, data, *, form_name: str | None = None) -> dict:
    """``data`` if it satisfies ``schema`` (no schema: it must be an empty or
    plain object) and every attachment it names is stored. Raises
    ValidationFailed with every bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed.for_fields({"data": ["Must be a JSON object."]})
    if schema is None:
        return data
    fields: dict[str, list[str]] = {}
    exact_data = json.loads(json.dumps(data), parse_float=Decimal)
    validator = _validator_for(schema)
    for error in sorted(validator.iter_errors(exact_data), key=lambda e: list(map(str, e.absolute_path))):
        fields.setdefault(_field_of(error), []).append(error.message)
    if fields:
        raise ValidationFailed(f"The form {form_name or ''} has invalid fields.".replace("  ", " "), details={"fields": fields})
    check_references(schema, data)
    return data
