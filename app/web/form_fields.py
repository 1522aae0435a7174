"""From a JSON Schema form to the fields a template renders: one property
becomes one ``Field`` whose ``widget`` picks the macro of ``_form.html``.
What kind of field a property is, the vocabulary says (``app/form_kinds.py``);
``WIDGETS`` maps each kind to its widget, and a ``readOnly`` field of any kind
is shown, not edited, and not submitted.

Input names: a property ``qty`` of row 0 of ``lines`` is ``lines-0-qty``;
error paths are the dotted paths the validator reports (``lines.0.qty``).
"""
from dataclasses import dataclass, field
from typing import Any

from flask import has_request_context

from app import form_kinds as kinds
from app import form_titles
from app.i18n import DEFAULT_LOCALE, current_locale
from app.services import shown_words
from app.services.form_figures import preview_formula
from app.services.reference_names import NAMED_REFS, names_of, with_name
from app.services.shown_labels import REFERENCE_KEYS

MAX_BUTTONS = 3
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


def reader_locale() -> str:
    """The request's locale (``en`` or ``zh_CN``); Chinese outside a request."""
    return current_locale() if has_request_context() else DEFAULT_LOCALE


def options_of(schema: dict) -> list[tuple[str, str]]:
    return form_titles.options(schema, reader_locale())


def option_title(schema: dict, value) -> str | None:
    return form_titles.option_title(schema, value, reader_locale())


def shown_title(key) -> str:
    """The glossary's title of a key no form titles (a ledger result's own
    keys shown read-only: credit_limit, held, …), else the key itself."""
    return (shown_words.label(key, reader_locale()) or key) if isinstance(key, str) else str(key)


def field_title(schema, key) -> str:
    """A field's title in the reader's language: its form's, else the glossary's, else the key."""
    return form_titles.title(schema, reader_locale()) or shown_title(key)


def form_title(schema, default=None):
    """A form's own title in the reader's language, else ``default``."""
    return form_titles.title(schema, reader_locale(), default)


def shown_value(key, value):
    """A ledger code as a reader says it (status "held" → 信用暂停 / Credit hold), else the value."""
    if not isinstance(key, str):
        return value
    found = shown_words.value_label(key, value, reader_locale())
    return value if found is None else found


def named_ref(schema, key=None) -> str | None:
    """The master data (customer, material) a value of ``schema`` (or, for a
    ledger result no form describes, of ``key``) is a code of, else None."""
    schema = schema if isinstance(schema, dict) else {}
    ref = schema.get("x-ref") or (None if schema.get("type") else REFERENCE_KEYS.get(key))
    return ref if ref in NAMED_REFS else None


def reference_name(ref, code) -> str:
    """The name shown beside a master-data code in a form ("华东机电有限公司"), else ""."""
    return names_of(ref, [code]).get(code, "") if ref and isinstance(code, str) else ""


def reference_text(ref, code) -> str:
    """A master-data code as a reader reads it: with its name ("C00001 华东机电有限公司")."""
    return with_name(ref, code)


WIDGETS = {
    kinds.ATTACHMENT: "attachment", kinds.DECISION: "buttons", kinds.CHOICE: "select", kinds.REFERENCE: "lookup",
    kinds.DATE: "date", kinds.DATETIME: "datetime", kinds.TEXTAREA: "textarea", kinds.TEXT: "text",
    kinds.MONEY: "money", kinds.NUMBER: "number", kinds.BOOLEAN: "checkbox", kinds.LINES: "lines",
    kinds.LIST: "list", kinds.GROUP: "group",
}


def _widget(key: str, schema: dict, top_level: bool) -> str:
    if schema.get("readOnly"):
        return "readonly"
    widget = WIDGETS[kinds.kind_of(schema, key if top_level else None)]
    if widget == "buttons" and len(options_of(schema)) > MAX_BUTTONS:
        return "select"  # more outcomes than a row of buttons holds
    return widget


_TEXT_ATTRS = (("maxLength", "maxlength"), ("minLength", "minlength"), ("pattern", "pattern"))
_NUMBER_ATTRS = (("minimum", "min"), ("maximum", "max"))


def _copied(schema: dict, names: tuple) -> dict:
    return {attr: schema[key] for key, attr in names if key in schema}


def _number_attrs(schema: dict) -> dict:
    integer = schema.get("type") == "integer"
    return {"step": schema.get("multipleOf") or (1 if integer else "any"),
            "inputmode": "numeric" if integer else "decimal", **_copied(schema, _NUMBER_ATTRS)}


def _attrs(widget: str, schema: dict) -> dict:
    attrs: dict = {}
    if widget in ("text", "textarea", "lookup"):
        attrs.update(_copied(schema, _TEXT_ATTRS))
    if widget in ("number", "money"):
        attrs.update(_number_attrs(schema))
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


def _row_values(field: Field, blank) -> list:
    """The values of a lines or list field's rows: its own, else as many
    blank rows as it needs to be filled in (its ``minItems``, one if required)."""
    if isinstance(field.value, list) and field.value:
        return field.value
    return [blank] * max(field.schema.get("minItems") or 0, 1 if field.required else 0)


def _fill_lines(field: Field, errors: dict, show_hints: bool) -> None:
    """A table: the cells of a blank row (the template rows are added from)
    and of each row."""
    items = field.schema.get("items") or {}
    item_required = set(items.get("required") or [])

    def cells(index, row_value):
        row_value = row_value if isinstance(row_value, dict) else {}
        return [build_field(col, col_schema, prefix=f"{field.name}-{index}-", path_prefix=f"{field.path}.{index}.",
                            value=row_value.get(col), required=col in item_required, errors=errors)
                for col, col_schema in (items.get("properties") or {}).items()]

    field.columns = cells("__index__", {})
    field.rows = [cells(i, row) for i, row in enumerate(_row_values(field, {}))]


def _fill_list(field: Field, errors: dict, show_hints: bool) -> None:
    """A one-column table of scalars."""
    items = field.schema.get("items") or {}

    def cell(index, value=None) -> Field:
        built = build_field(str(index), items, prefix=f"{field.name}-", path_prefix=f"{field.path}.", value=value,
                            errors=errors)
        built.label = field.label  # a one-column row is named after its list
        return built

    field.columns = [cell("__index__")]
    field.rows = [[cell(i, value)] for i, value in enumerate(_row_values(field, None))]


def _fill_group(field: Field, errors: dict, show_hints: bool) -> None:
    """A fieldset of the object's properties."""
    inner = field.value if isinstance(field.value, dict) else {}
    inner_required = set(field.schema.get("required") or [])
    field.children = [build_field(k, s, prefix=f"{field.name}-", path_prefix=f"{field.path}.", value=inner.get(k),
                                  required=k in inner_required, errors=errors, show_hints=show_hints)
                      for k, s in field.schema["properties"].items()]


_NESTED = {"lines": _fill_lines, "list": _fill_list, "group": _fill_group}  # widgets made of fields


def build_field(key: str, schema: dict, *, prefix: str = "", path_prefix: str = "", value=None,
                required: bool = False, errors: dict | None = None, show_hints: bool = False,
                top_level: bool = False) -> Field:
    """The field of property ``key``, with its rows or children built too."""
    errors = errors or {}
    name, path = prefix + key, path_prefix + key
    widget = _widget(key, schema, top_level)
    result = Field(key=key, name=name, path=path, label=form_titles.title(schema, reader_locale(), key), widget=widget, schema=schema,
                   required=required, value=value, hint=schema.get("description") if show_hints else None,
                   errors=list(errors.get(path, [])), options=options_of(schema), attrs=_attrs(widget, schema))
    if widget in _NESTED:
        _NESTED[widget](result, errors, show_hints)
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
