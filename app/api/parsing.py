"""How the API reads requests: JSON that Python would accept but no database
stores (NaN, Infinity, numbers past float range, nesting deep enough to blow
the stack, integers too long to parse) is an invalid body (400), never a 500;
text with NUL characters or lone surrogates, text longer than the platform's
bound and dates outside the business range (app/bounds.py) are invalid
fields (422)."""
import json
import math

from flask_smorest import Blueprint
from marshmallow import ValidationError, fields
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from app.bounds import TEXT_MAX, date_problem, text_problem


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
            body = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError) as exc:
            raise json.JSONDecodeError(str(exc) or type(exc).__name__, doc=text or "?", pos=0) from exc
        problems = dict(unstorable_texts(body))
        if problems:  # anywhere in the body, Raw and Dict fields included: 422 naming each field
            raise ValidationError(problems)
        return body


def unstorable_texts(value, path: str = ""):
    """(field path, [message]) for every key or text in ``value`` that cannot
    be stored or hashed (``\\u0000`` or a lone ``\\ud800`` escaped in JSON)."""
    stack = [(path, value)]
    while stack:
        where, current = stack.pop()
        if isinstance(current, str):
            problem = text_problem(current)
            if problem:
                yield where or "(body)", [problem]
        elif isinstance(current, dict):
            for key, inner in current.items():
                at = f"{where}.{key}" if where else str(key)
                problem = text_problem(key)
                if problem:
                    yield at, [f"Key: {problem}"]
                else:
                    stack.append((at, inner))
        elif isinstance(current, list):
            stack.extend((f"{where}.{index}", inner) for index, inner in enumerate(current))


class ApiBlueprint(Blueprint):
    """Every API blueprint parses with the strict JSON parser."""

    ARGUMENTS_PARSER = StrictJsonParser()


class Text(fields.String):
    """A string that can be stored and hashed (no NUL, no lone surrogate) and
    at most TEXT_MAX characters, whatever tighter Length a field declares."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text) or (len(text) > TEXT_MAX and f"Longer than {TEXT_MAX} characters.")
        if problem:
            raise ValidationError(problem)
        return text


class BusinessDate(fields.Date):
    """A date inside the business range of app/bounds.py."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        problem = date_problem(day)
        if problem:
            raise ValidationError(problem)
        return day
