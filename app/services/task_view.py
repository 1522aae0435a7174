"""What a task shows its performer, read-only, before they act: the items its
diagram declares (``shows``, see app/workflow/lint_shows.py), resolved
against the instance's data and the ledger.

Each item becomes a ``Shown``: its key, a title (from the schema of the form
that wrote the key, else the platform's glossary of ledger fields), the raw
value, the ledger document when the item names one, and a display tree
(``node``) the web page renders without knowing the flow:

    {"kind": "text" | "money" | "price" | "date" | "bool" | "file" | "empty"}
    {"kind": "facts", "items": [{"key", "title", "node"}]}
    {"kind": "table", "columns": [{"key", "title", "money"}], "rows": [[node]], "totals": [node | None] | None}
    {"kind": "list", "items": [node]}
    {"kind": "document", "doc_kind", "title", "number", "facts", "lines", "totals"}  (facts/lines/totals are nodes)
    {"kind": "missing"}  (declared, not recorded yet)
"""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.form_kinds import is_attachment, is_money
from app.models import HumanTask, ProcessInstance
from app import form_titles
from app.services import ledger_queries, shown_words
from app.services.reference_names import NAMED_REFS, with_name
from app.services.shown_labels import HIDDEN_KEYS, MONEY_KEYS, PRICE_KEYS, QTY_KEYS, RATE_KEYS, REFERENCE_KEYS
from app.workflow.lint_shows import DOCUMENT_NUMBER_FIELDS

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Shown:
    key: str
    title: str
    value: object
    document: dict | None
    node: dict

    def as_json(self) -> dict:
        """The item as the API returns it."""
        body = {"key": self.key, "title": self.title, "value": self.value}
        if self.document is not None:
            body["document"] = self.document
        return body


def forms_of(instance: ProcessInstance) -> list[dict]:
    """The schemas of the forms that write this instance's data: the start form first, then the tasks'."""
    definition = instance.definition
    names = [definition.start_form] + [task.get("form") for task in definition.user_tasks or []]
    seen, schemas = set(), []
    for name in names:
        if name and name not in seen:
            seen.add(name)
            schema = definition.form_schema(name)
            if isinstance(schema, dict):
                schemas.append(schema)
    return schemas


def field_schema(schemas: list[dict], path: list[str]) -> dict:
    """The schema of ``path`` in the first form that lets a person write it,
    else the first that shows it read-only, else {}."""
    found: list[tuple[bool, dict]] = []
    for schema in schemas:
        current = schema
        for part in path:
            current = ((current or {}).get("properties") or {}).get(part)
            if not isinstance(current, dict):
                break
        else:
            found.append((bool(current.get("readOnly")), current))
    found.sort(key=lambda pair: pair[0])
    return found[0][1] if found else {}


def _number_text(value, *, places: int | None = None) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is not None:
        return f"{amount:.{places}f}"
    text = format(amount.normalize(), "f")
    return text


def _price_text(value) -> str:
    """A unit price keeps its significant decimals (prices have 8), at least two."""
    try:
        amount = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    return f"{amount:.2f}" if -amount.as_tuple().exponent <= 2 else format(amount, "f")


def _scalar(key: str, value, schema: dict, locale: str | None = None) -> dict:
    if value is None or value == "":
        return {"kind": "empty"}
    if isinstance(value, bool) or schema.get("type") == "boolean":
        return {"kind": "bool", "value": bool(value)}
    options = _option_title(schema, value, locale)
    if options is not None:
        return {"kind": "text", "text": options}
    ref = schema.get("x-ref") or (None if schema.get("type") else REFERENCE_KEYS.get(key))
    if ref in NAMED_REFS and isinstance(value, str):
        return {"kind": "text", "text": with_name(ref, value)}  # the code with its name: six materials share a name
    code = shown_words.value_label(key, value, locale) if schema.get("type") in (None, "string") else None
    if code is not None:
        # a ledger code, titled or not by the form that shows it read-only (reconciliation.differences[].name)
        return {"kind": "text", "text": code}
    if schema.get("format") == "date" or (not schema and isinstance(value, str) and _ISO_DATE.match(value)):
        return {"kind": "date", "value": str(value)}
    if is_money(schema) or (not schema.get("type") and key in MONEY_KEYS):
        return {"kind": "money", "value": _number_text(value, places=2)}
    if not schema.get("type") and key in PRICE_KEYS:
        return {"kind": "price", "value": _price_text(value)}
    if not schema.get("type") and key in RATE_KEYS:
        try:
            return {"kind": "text", "text": f"{_number_text(Decimal(str(value)) * 100)}%"}
        except InvalidOperation:
            pass  # not a number: shown as the text it is, below
    if not schema.get("type") and key in QTY_KEYS:
        return {"kind": "text", "text": _number_text(value)}
    return {"kind": "text", "text": str(value)}


def _option_title(schema: dict, value, locale: str | None = None) -> str | None:
    for option in schema.get("oneOf") or []:
        if isinstance(option, dict) and "const" in option and str(option["const"]) == str(value):
            return form_titles.title(option, locale, str(value))
    if locale == form_titles.EN and schema.get(form_titles.ENUM_EN):
        return form_titles.option_title(schema, value, locale)  # a plain enum's value in English
    return None


def _is_file(schema: dict, value) -> bool:
    return isinstance(value, dict) and (is_attachment(schema) or set(value) >= {"name", "sha256", "size"})


def _title(key: str, schema: dict, within: str | None = None, locale: str | None = None) -> str:
    return form_titles.title(schema, locale) or shown_words.label(key, locale, within) or key


def describe(key: str, value, schema: dict | None = None, locale: str | None = None) -> dict:
    """The display tree of ``value`` (see the module's docstring), titled
    from ``schema`` where it has titles, else from the glossary."""
    schema = schema or {}
    if _is_file(schema, value):
        return {"kind": "file", "name": str(value.get("name") or ""), "size": value.get("size"),
                "sha256": str(value.get("sha256") or "")}
    if isinstance(value, dict):
        return _facts(value, schema.get("properties") or {}, within=key, locale=locale)
    if isinstance(value, list):
        items_schema = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        if value and all(isinstance(row, dict) for row in value) and not _is_file(items_schema, value[0]):
            return _table(value, items_schema.get("properties") or {}, locale=locale)
        return {"kind": "list", "items": [describe(key, item, items_schema, locale) for item in value]}
    return _scalar(key, value, schema, locale)


def _is_record(value) -> bool:
    """A dict of plain values (a row of figures: {"shipped": …, "invoiced": …})."""
    return isinstance(value, dict) and bool(value) and all(not isinstance(v, (dict, list)) for v in value.values())


def _facts(value: dict, properties: dict, within: str | None = None, locale: str | None = None) -> dict:
    if value.get("ok") is False and isinstance(value.get("error"), dict):
        return {"kind": "facts", "items": [{"key": "error", "title": shown_words.label("error", locale),
                                            "node": {"kind": "text", "text": str(value["error"].get("message") or "")}}]}
    extra = [k for k in value if k not in properties and k not in HIDDEN_KEYS and not _named_beside(k, value)]
    extra.sort(key=lambda k: isinstance(value[k], (dict, list)))  # plain facts first, then nested figures
    keys = [k for k in properties if k in value] + extra
    return {"kind": "facts", "items": [{"key": k, "title": _title(k, properties.get(k) or {}, within, locale),
                                        "node": _figures(value[k], locale) if not properties.get(k) and _is_grid(value[k])
                                        else describe(k, value[k], properties.get(k), locale)} for k in keys]}


def _named_beside(key: str, value: dict) -> bool:
    """``employee_name`` beside ``employee``: the person is shown by name already."""
    person = key.removesuffix("_name")
    return person != key and REFERENCE_KEYS.get(person) == "user" and person in value


def _is_grid(value) -> bool:
    """Rows of the same figures by name ({"month": {...}, "ytd": {...}}): read best as a table."""
    return isinstance(value, dict) and len(value) > 1 and all(_is_record(v) for v in value.values())


def _figures(grid: dict, locale: str | None = None) -> dict:
    measures = list(dict.fromkeys(k for row in grid.values() for k in row))
    columns = [{"key": "", "title": "", "money": False}] + [
        {"key": m, "title": shown_words.label(m, locale) or m, "money": m in MONEY_KEYS} for m in measures]
    rows = [[{"kind": "text", "text": shown_words.label(name, locale) or name}] + [describe(m, row.get(m), None, locale) for m in measures]
            for name, row in grid.items()]
    return {"kind": "table", "columns": columns, "rows": rows, "totals": None}


_COLUMN_ORDER = ("salesperson", "key", "name", "invoice_no", "allocation_id", "line_no", "material", "material_name", "spec", "unit", "qty", "unit_price", "tax_rate", "net", "tax",
                 "gross", "amount")


def _summable(key: str, title: str) -> bool:
    """Amounts add up; unit prices do not."""
    return key not in PRICE_KEYS and "单价" not in title and "price" not in title.lower() and "price" not in key


def _columns(rows: list[dict], properties: dict, locale: str | None = None) -> list[tuple[tuple[str, ...], str, dict]]:
    """(path, title, schema) of each column; a column of records (a row's
    month and year-to-date figures) becomes one column per figure."""
    keys = [k for k in properties if any(k in row for row in rows)]
    extra = []
    for row in rows:
        extra += [k for k in row if k not in properties and k not in HIDDEN_KEYS and k not in extra]
    extra.sort(key=lambda k: _COLUMN_ORDER.index(k) if k in _COLUMN_ORDER else len(_COLUMN_ORDER))
    columns = []
    for k in keys + extra:
        values = [row[k] for row in rows if row.get(k) is not None]
        if not properties.get(k) and values and all(_is_record(v) for v in values):
            subs = list(dict.fromkeys(sub for v in values for sub in v))
            columns += [((k, sub), f"{_title(k, {}, None, locale)} {shown_words.label(sub, locale) or sub}", {}) for sub in subs]
        else:
            columns.append(((k,), _title(k, properties.get(k) or {}, None, locale), properties.get(k) or {}))
    return columns


def _cell(row: dict, path: tuple[str, ...]):
    value = row.get(path[0])
    return value.get(path[1]) if len(path) > 1 and isinstance(value, dict) else value


def _table(rows: list[dict], properties: dict, *, with_totals: bool = True, locale: str | None = None) -> dict:
    specs = _columns(rows, properties, locale)
    progress = [s for s in specs if s[0][-1] in QTY_KEYS and s[0][-1] != "qty"]
    if not with_totals and all(not _nonzero(_cell(row, s[0])) for s in progress for row in rows):
        # a document's lines before anything was delivered: zeros delivered, invoiced, returned say nothing;
        # once something was, all three columns tell what is left
        specs = [s for s in specs if s not in progress]
    columns = []
    for path, title, schema in specs:
        sample = describe(path[-1], next((_cell(row, path) for row in rows if _cell(row, path) not in (None, "")), None), schema,
                          locale)
        columns.append({"key": ".".join(path), "title": title, "money": sample["kind"] == "money",
                        "sum": sample["kind"] == "money" and _summable(path[-1], title)})
    body = [[describe(path[-1], _cell(row, path), schema, locale) for path, _, schema in specs] for row in rows]
    totals = None
    if with_totals and len(rows) > 1 and any(c["sum"] for c in columns):
        totals = [_column_total(rows, path) if c["sum"] else None for (path, _, _), c in zip(specs, columns)]
    return {"kind": "table", "columns": columns, "rows": body, "totals": totals}


def _nonzero(value) -> bool:
    try:
        return Decimal(str(value)) != 0
    except (InvalidOperation, ValueError):
        return value not in (None, "")


def _column_total(rows: list[dict], path: tuple[str, ...]) -> dict:
    total = Decimal("0")
    for row in rows:
        try:
            total += Decimal(str(_cell(row, path) or 0))
        except InvalidOperation:
            continue
    return {"kind": "money", "value": f"{total:.2f}"}


def _reader_line(line: dict, locale: str | None = None) -> dict:
    """A document line as a reader scans it: the material by name and code in
    one cell, the quantity with its unit, no line number."""
    shown = {k: v for k, v in line.items() if k not in ("line_no", "material_name", "unit")}
    if line.get("material_name"):
        code = f" ({line.get('material')})" if locale == shown_words.EN else f"（{line.get('material')}）"
        shown["material"] = f"{line['material_name']}{code}"
    if line.get("unit") and line.get("qty") is not None:
        shown["qty"] = f"{_number_text(line['qty'])} {line['unit']}"
    return shown


def _document_node(kind: str, document: dict, locale: str | None = None) -> dict:
    return {"kind": "document", "doc_kind": kind, "title": shown_words.document_title(kind, locale),
            "number": document["number"],
            "facts": _facts({k: v for k, v in document["facts"].items() if k != "number"}, {}, within=kind, locale=locale),
            "lines": _table([_reader_line(line, locale) for line in document["lines"]], {}, with_totals=False, locale=locale)
            if document["lines"] else None,
            "totals": _facts(document["totals"], {}, locale=locale) if document["totals"] else None}


def _at(data: dict, path: list[str]):
    value = data
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _number_of(kind: str, value) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        number = value.get(DOCUMENT_NUMBER_FIELDS[kind])
        return number if isinstance(number, str) else None
    return None


def shown_items(task: HumanTask, locale: str | None = None) -> list[Shown]:
    """The items ``task``'s diagram declares it shows, resolved against its
    instance's data now, each document read from the ledger. Declarations
    of definitions deployed before ``shows`` existed give nothing. Raises
    nothing: an absent value is ``missing`` (an absent ``….error``, a refusal
    that did not happen, is left out), an unknown number shows as text.
    Titled in ``locale`` (``"en"``: English, else Chinese)."""
    return shown_for(task.instance, task.element_id, task.instance.data or {}, locale)


def shown_for(instance: ProcessInstance, element_id: str, data: dict, locale: str | None = None) -> list[Shown]:
    """The items user task ``element_id`` declares it shows, resolved
    against ``data`` (the replay passes the data as of an earlier moment;
    ledger documents are read as they are now). Raises nothing."""
    declared = next((t.get("shows") or [] for t in instance.definition.user_tasks or []
                     if t.get("element_id") == element_id), [])
    data, schemas = data or {}, forms_of(instance)
    items = []
    for item in declared:
        path, kind = list(item["path"]), item.get("kind")
        schema = field_schema(schemas, path)
        value = _at(data, path)
        if value is None and path[-1] == "error":
            continue  # a refusal's reason, and there is none: no card saying so
        document = ledger_queries.document_for_reader(kind, _number_of(kind, value)) if kind else None
        if document is not None:
            node = _document_node(kind, document, locale)
            title = f"{shown_words.document_title(kind, locale)} {document['number']}"
        else:
            node = {"kind": "missing"} if value is None else describe(path[-1], value, schema, locale)
            title = shown_words.document_title(kind, locale) if kind else _title(path[-1], schema, None, locale)
        items.append(Shown(item["key"], title, value, document, node))
    return items


# What the steps list already shows beside each step (its decision and comment).
_SHOWN_WITH_THE_STEP = ("decision", "comment", "resolution_note")


def step_data(instance: ProcessInstance, form: str | None, data: dict, locale: str | None = None) -> dict:
    """The display tree (facts) of what a completed step submitted, titled
    from the step's own form; empty when it submitted nothing beyond its
    decision and comment."""
    schema = instance.definition.form_schema(form) or {}
    shown = {key: value for key, value in (data or {}).items() if key not in _SHOWN_WITH_THE_STEP}
    if not shown:
        return {}
    return _facts(shown, schema.get("properties") or {}, locale=locale)
