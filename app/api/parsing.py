"""How the API reads requests: JSON that Python would accept but no database
stores (NaN, Infinity, numbers past float range, nesting deep enough to blow
the stack, integers too long to parse) is an invalid body (400), never a 500;
text with NUL characters, which PostgreSQL refuses, is an invalid field (422)."""
import json
import math

from flask_smorest import Blueprint
from marshmallow import ValidationError, fields
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


class StrictJsonParser(FlaskParser):
    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError(f"Bytes decoding error: {exc.reason}", doc="?", pos=exc.start) from exc
        try:
            return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as exc:
            raise json.JSONDecodeError(str(exc) or type(exc).__name__, doc=text or "?", pos=0) from exc


class ApiBlueprint(Blueprint):
    """Every API blueprint parses with the strict JSON parser."""

    ARGUMENTS_PARSER = StrictJsonParser()


class Text(fields.String):
    """A string without NUL characters (PostgreSQL cannot store them)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Must not contain NUL characters.")
        return text
