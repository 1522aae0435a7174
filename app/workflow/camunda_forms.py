"""Camunda 7 generated task forms (``camunda:formData`` / ``formField``)
converted into the platform's JSON Schema form files.

Types string, long, boolean, date and enum, labels, default values and
the ``required``/``min``/``max``/``minlength``/``maxlength`` constraints
carry over; anything else (custom types, ``readonly``, custom validators,
field properties) is reported."""
import json

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_TYPES = {"string": {"type": "string"}, "long": {"type": "integer"}, "boolean": {"type": "boolean"},
          "date": {"type": "string", "format": "date"}}
_BOUNDS = {"min": "minimum", "max": "maximum", "minlength": "minLength", "maxlength": "maxLength"}


def _c(name: str) -> str:
    return f"{{{CAMUNDA}}}{name}"


def _default(kind: str, value: str, report, where: str):
    try:
        if kind == "long":
            return int(value)
        if kind == "boolean":
            return {"true": True, "false": False}[value.strip().lower()]
    except (ValueError, KeyError):
        report("warning", where, f"Default {value!r} is not a {kind}; left out.")
        return None
    return value


def _field(field, report, where: str) -> tuple[dict, bool]:
    """One formField as a JSON Schema property, and whether it is required."""
    kind = field.get("type") or "string"
    label = field.get("label") or field.get("id")
    if kind == "enum":
        values = [(v.get("id"), v.get("name") or v.get("id")) for v in field.iter(_c("value"))]
        prop = {"type": "string", "title": label, "enum": [v for v, _ in values],
                "oneOf": [{"const": v, "title": name} for v, name in values]}
    elif kind in _TYPES:
        prop = {**_TYPES[kind], "title": label}
    else:
        report("error", where, f"Field {field.get('id')!r} has the custom type {kind!r}; it became a text field.")
        prop = {"type": "string", "title": label}
    if (value := field.get("defaultValue")) is not None:
        if value.strip().startswith(("${", "#{")):
            report("warning", where, f"Field {field.get('id')!r}: the default {value!r} is an expression; left out.")
        elif (default := _default(kind, value, report, where)) is not None:
            prop["default"] = default
    required = False
    for constraint in field.iter(_c("constraint")):
        name, config = constraint.get("name"), constraint.get("config")
        if name == "required":
            required = True
        elif name == "readonly":
            prop["readOnly"] = True
        elif name in _BOUNDS and config is not None:
            try:
                prop[_BOUNDS[name]] = int(config) if name.endswith("length") else float(config)
                if prop[_BOUNDS[name]] == int(prop[_BOUNDS[name]]):
                    prop[_BOUNDS[name]] = int(prop[_BOUNDS[name]])
            except ValueError:
                report("warning", where, f"Field {field.get('id')!r}: {name} {config!r} is not a number; left out.")
        else:
            report("warning", where, f"Field {field.get('id')!r}: the validation {name!r} was not carried over.")
    for _ in field.iter(_c("property")):
        report("info", where, f"Field {field.get('id')!r}: its camunda:property entries were not carried over.")
        break
    return prop, required


def form_schema(form_data, title: str, report, where: str) -> str:
    """The JSON Schema text of one ``camunda:formData`` element.
    ``report(severity, element_id, message)`` gets what did not carry over."""
    properties, required = {}, []
    for field in form_data.iter(_c("formField")):
        fid = field.get("id")
        if not fid:
            report("warning", where, "A form field without an id was left out.")
            continue
        properties[fid], needed = _field(field, report, where)
        if needed:
            required.append(fid)
    if form_data.get("businessKey"):
        report("info", where, f"The business key field {form_data.get('businessKey')!r} is an ordinary field here.")
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
              "description": "Imported from a Camunda 7 generated task form.",
              "type": "object", "properties": properties, "required": required}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
