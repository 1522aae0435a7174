"""From a JSON Schema form to the fields a template renders.

Mapping (one property → one ``Field``; its ``widget`` picks the macro):

| schema                                              | widget     | input                              |
|-----------------------------------------------------|------------|------------------------------------|
| ``readOnly``                                        | readonly   | shown, not editable, not submitted |
| ``format: attachment`` or ``x-attachment: true``    | attachment | ``<input type=file>``              |
| string ``decision``/``action`` with ≤3 ``oneOf``    | buttons    | one submit button per option       |
| ``enum`` / ``oneOf`` (``const`` + ``title``)        | select     | ``<select>``                       |
| string ``x-ref``                                    | lookup     | text + type-ahead ``<datalist>``   |
| string ``format: date`` / ``date-time``             | date / datetime | ``type=date`` / ``datetime-local`` |
| string, ``maxLength`` > 200 or ``x-widget: textarea`` | textarea | ``<textarea>``                     |
| string                                              | text       | ``<input>``                        |
| number, ``x-money: true``                           | money      | ¥ + ``type=number step=0.01``       |
| number / integer                                    | number     | ``type=number``                    |
| boolean                                             | checkbox   | ``<input type=checkbox>``          |
| array of objects                                    | lines      | a table, one row per item          |
| array of scalars                                    | list       | a one-column table                 |
| object with properties                              | group      | ``<fieldset>``                     |

Input names: a property ``qty`` of row 0 of ``lines`` is ``lines-0-qty``;
error paths are the dotted paths the validator reports (``lines.0.qty``).
"""
from dataclasses import dataclass, field
from typing import Any

from app.form_kinds import is_attachment, is_money
from app.services.form_figures import preview_formula

BUTTON_FIELDS = ("decision", "action")
MAX_BUTTONS = 3
TEXTAREA_OVER = 200
DANGER_VALUES = {"reject", "withdraw", "abandon", "cancel"}


@dataclass
class Field:
    key: str
    name: str  # the HTML input name
    path: str  # the dotted path validation errors use
    label: str
    widget: str
    schema: dict
    required: bool = False
    value: Any = None
    hint: str | None = None
    errors: list[str] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    columns: list["Field"] = field(default_factory=list)  # lines/list: the cells of a blank row
    rows: list[list["Field"]] = field(default_factory=list)  # lines/list: the cells of each row
    children: list["Field"] = field(default_factory=list)  # group
    requires: dict = field(default_factory=dict)  # buttons: option value -> fields it makes required

    @property
    def dom_id(self) -> str:
        return "f-" + self.name


def options_of(schema: dict) -> list[tuple[str, str]]:
    if schema.get("oneOf") and all("const" in o for o in schema["oneOf"]):
        return [(str(o["const"]), o.get("title") or str(o["const"])) for o in schema["oneOf"]]
    return [(str(v), str(v)) for v in schema.get("enum") or []]


def option_title(schema: dict, value) -> str | None:
    for const, title in options_of(schema):
        if const == str(value):
            return title
    return None


def _widget(key: str, schema: dict, top_level: bool) -> str:
    kind = schema.get("type")
    if schema.get("readOnly"):
        return "readonly"
    if is_attachment(schema):
        return "attachment"
    if kind == "string" and (schema.get("enum") or schema.get("oneOf")):
        if top_level and key in BUTTON_FIELDS and len(options_of(schema)) <= MAX_BUTTONS:
            return "buttons"
        return "select"
    if kind == "string":
        if schema.get("x-ref"):
            return "lookup"
        if schema.get("format") == "date":
            return "date"
        if schema.get("format") == "date-time":
            return "datetime"
        if schema.get("x-widget") == "textarea" or (schema.get("maxLength") or 0) > TEXTAREA_OVER:
            return "textarea"
        return "text"
    if kind in ("number", "integer"):
        return "money" if is_money(schema) else "number"
    if kind == "boolean":
        return "checkbox"
    if kind == "array":
        items = schema.get("items") or {}
        # files are a list of file inputs, not a table of their name/type/size/sha256
        return "lines" if items.get("type") == "object" and not is_attachment(items) else "list"
    if kind == "object" and schema.get("properties"):
        return "group"
    return "text"


def _attrs(widget: str, schema: dict) -> dict:
    attrs: dict = {}
    if widget in ("text", "textarea", "lookup"):
        for key, attr in (("maxLength", "maxlength"), ("minLength", "minlength"), ("pattern", "pattern")):
            if key in schema:
                attrs[attr] = schema[key]
    if widget in ("number", "money"):
        attrs["step"] = schema.get("multipleOf") or (1 if schema.get("type") == "integer" else "any")
        attrs["inputmode"] = "numeric" if schema.get("type") == "integer" else "decimal"
        for key, attr in (("minimum", "min"), ("maximum", "max")):
            if key in schema:
                attrs[attr] = schema[key]
    if widget == "lookup":
        attrs["data-lookup"] = schema["x-ref"]
    formula = schema.get("x-formula") or preview_formula(schema)  # x-computed: the browser previews, the server computes
    if formula:
        attrs["data-formula"] = formula
        attrs["readonly"] = True
    return attrs


def _required_when(schema: dict, key: str) -> dict[str, list[str]]:
    """From ``if {key: const X} then {required: [...]}`` rules (also inside
    ``allOf``): option value → the fields that become required."""
    rules = [schema] + list(schema.get("allOf") or [])
    found: dict[str, list[str]] = {}
    for rule in rules:
        condition = ((rule.get("if") or {}).get("properties") or {}).get(key) or {}
        then = rule.get("then") or {}
        if "const" in condition and then.get("required"):
            found.setdefault(str(condition["const"]), []).extend(then["required"])
    return found


def _rows_of(value) -> list:
    return value if isinstance(value, list) else []


def build_field(key: str, schema: dict, *, prefix: str = "", path_prefix: str = "", value=None,
                required: bool = False, errors: dict | None = None, show_hints: bool = False,
                top_level: bool = False) -> Field:
    errors = errors or {}
    name, path = prefix + key, path_prefix + key
    widget = _widget(key, schema, top_level)
    result = Field(key=key, name=name, path=path, label=schema.get("title") or key, widget=widget, schema=schema,
                   required=required, value=value, hint=schema.get("description") if show_hints else None,
                   errors=list(errors.get(path, [])), options=options_of(schema), attrs=_attrs(widget, schema))
    if widget == "lines":
        items = schema.get("items") or {}
        item_required = set(items.get("required") or [])

        def cells(index, row_value):
            row_value = row_value if isinstance(row_value, dict) else {}
            return [build_field(col, col_schema, prefix=f"{name}-{index}-", path_prefix=f"{path}.{index}.",
                                value=row_value.get(col), required=col in item_required, errors=errors)
                    for col, col_schema in (items.get("properties") or {}).items()]

        result.columns = cells("__index__", {})
        values = _rows_of(value) or [{}] * max(schema.get("minItems") or 0, 1 if required else 0)
        result.rows = [cells(i, row) for i, row in enumerate(values)]
    elif widget == "list":
        items = schema.get("items") or {}
        result.columns = [build_field("__index__", items, prefix=f"{name}-", path_prefix=f"{path}.", errors=errors)]
        values = _rows_of(value) or [None] * max(schema.get("minItems") or 0, 1 if required else 0)
        result.rows = [[build_field(str(i), items, prefix=f"{name}-", path_prefix=f"{path}.", value=v, errors=errors)]
                       for i, v in enumerate(values)]
        for cell in [*result.columns, *(row[0] for row in result.rows)]:
            cell.label = result.label  # a one-column row is named after its list
    elif widget == "group":
        inner = value if isinstance(value, dict) else {}
        inner_required = set(schema.get("required") or [])
        result.children = [build_field(k, s, prefix=f"{name}-", path_prefix=f"{path}.", value=inner.get(k),
                                       required=k in inner_required, errors=errors, show_hints=show_hints)
                           for k, s in schema["properties"].items()]
    return result


def build_fields(schema: dict | None, values: dict | None = None, errors: dict | None = None,
                 show_hints: bool = False) -> list[Field]:
    """The fields of a form, in the schema's order, filled with ``values``
    and carrying ``errors`` (dotted path → messages)."""
    if not schema:
        return []
    values = values or {}
    required = set(schema.get("required") or [])
    fields = []
    for key, prop in (schema.get("properties") or {}).items():
        built = build_field(key, prop, value=values.get(key), required=key in required, errors=errors,
                            show_hints=show_hints, top_level=True)
        if built.widget == "buttons":
            built.requires = _required_when(schema, key)
        fields.append(built)
    return fields


def form_errors(errors: dict | None, fields: list[Field]) -> list[str]:
    """Messages that belong to no rendered field (shown above the form)."""
    if not errors:
        return []
    shown: set[str] = set()

    def collect(items):
        for f in items:
            shown.add(f.path)
            collect(f.children)
            for row in f.rows:
                collect(row)

    collect(fields)
    return [message for path, messages in errors.items() if path not in shown for message in messages]
