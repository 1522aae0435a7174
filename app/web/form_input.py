"""From a submitted HTML form back to the typed data a JSON Schema expects.

Empty inputs are left out (so a missing required field is reported as
missing); text that is no number stays text (so the validator reports the
wrong type next to the field). Conversion never fails: the service's
validation is the one judge."""
import re
from decimal import Decimal, InvalidOperation

from werkzeug.datastructures import FileStorage, MultiDict

from app.form_kinds import is_attachment

_THOUSANDS = re.compile(r"[,\s¥￥]")


def _number(text: str, integer: bool):
    cleaned = _THOUSANDS.sub("", text)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    if value == value.to_integral_value() and ("." not in cleaned or integer):
        return int(value)
    # A float keeps JSON plain; the validator re-reads it as an exact Decimal.
    return float(cleaned)


def _scalar(schema: dict, raw: str | None):
    if raw is None:
        return None
    kind = schema.get("type")
    text = raw.strip() if kind != "string" or schema.get("format") else raw.strip("\r\n ")
    if text == "":
        return None
    if kind in ("number", "integer"):
        return _number(text, kind == "integer")
    if kind == "string" and schema.get("format") == "date-time" and len(text) == 16:
        return text + ":00"  # datetime-local sends no seconds
    return text


def _indices(form: MultiDict, files: MultiDict, prefix: str) -> list[int]:
    pattern = re.compile(re.escape(prefix) + r"(\d+)(?:-|$)")
    found = {int(m.group(1)) for key in (*form.keys(), *files.keys()) if (m := pattern.match(key))}
    return sorted(found)


def _product(formula: str, row: dict):
    """``x-formula: "qty * unit_price"``: the product of the named fields."""
    factors = [row.get(name.strip()) for name in formula.split("*")]
    if all(isinstance(f, (int, float)) and not isinstance(f, bool) for f in factors):
        result = Decimal(1)
        for f in factors:
            result *= Decimal(str(f))
        return float(result.quantize(Decimal("0.01")))
    return None


def _object(properties: dict, form: MultiDict, files: MultiDict, prefix: str, store) -> dict:
    data = {}
    for key, schema in properties.items():
        value = parse_value(schema, form, files, prefix + key, store)
        if value is not None:
            data[key] = value
    for key, schema in properties.items():
        if schema.get("x-formula") and not schema.get("readOnly"):  # a read-only figure is the server's to fill
            computed = _product(schema["x-formula"], data)
            if computed is not None:
                data[key] = computed
    return data


def parse_value(schema: dict, form: MultiDict, files: MultiDict, name: str, store):
    """The value of one property whose inputs are named ``name``; None when
    the user gave none."""
    if schema.get("readOnly"):
        return None
    if is_attachment(schema):
        upload = files.get(name)
        if isinstance(upload, FileStorage) and upload.filename:
            return store(name, upload)
        kept = form.get(name + "-kept")
        return store.kept(kept) if kept else None
    kind = schema.get("type")
    if kind == "boolean":
        return name in form
    if kind == "array":
        items = schema.get("items") or {}
        values = []
        for index in _indices(form, files, name + "-"):
            if items.get("type") == "object" and not is_attachment(items):
                row = _object(items.get("properties") or {}, form, files, f"{name}-{index}-", store)
                if any(v not in (None, False) for v in row.values()):
                    values.append(row)
            else:
                value = parse_value(items, form, files, f"{name}-{index}", store)
                if value is not None:
                    values.append(value)
        return values or None
    if kind == "object" and schema.get("properties"):
        inner = _object(schema["properties"], form, files, name + "-", store)
        return inner or None
    return _scalar(schema, form.get(name))


def parse_form(schema: dict | None, form: MultiDict, files: MultiDict, store) -> dict:
    """The data of a submitted form, typed by ``schema``. ``store(name,
    FileStorage)`` saves an upload and returns its reference (it may raise
    ValidationFailed); ``store.kept(json)`` re-reads one saved earlier."""
    if not schema:
        return {}
    return _object(schema.get("properties") or {}, form, files, "", store)
