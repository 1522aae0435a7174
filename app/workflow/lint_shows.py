"""What an approver sees: the ``shows`` property of a user task.

An analyst declares, on the task, which keys of the instance data the person
working on it reads (read-only) before deciding::

    <spiffworkflow:property name="shows" value="order_result:sales_order,delivery_address" />

Each comma-separated item is a key of the instance data, optionally a dotted
path into it (``return_result.return_order_no``), optionally followed by
``:kind`` when the value names a ledger document: the page then shows the
document itself (lines, prices, amounts, totals, terms) read from the ledger,
not the few fields a service task's result happens to carry. The number is
the value itself when it is text, else the result's field for that kind
(``order_result`` → its ``order_no``).

Lint: an approval task (``approval`` true) that declares nothing is refused
(nobody approves what they cannot see); an item whose key no form, service
task or script of the process writes is refused; so is an unknown kind.
The key check is by name, not by data flow: it does not prove the key is
written *before* the task (an absent value shows as "not recorded yet")."""
import re
from dataclasses import dataclass

from app.workflow.xml_names import HUMAN_TASK_TAGS, NS, is_true, spiff_properties, tag

SHOWS = "shows"

# Ledger document kinds a task may show, and the field of a ledger action's
# result that holds the document's number.
DOCUMENT_NUMBER_FIELDS = {
    "sales_order": "order_no",
    "shipping_note": "shipping_note_no",
    "invoice": "invoice_no",
    "receipt": "receipt_no",
    "contract": "contract_no",
    "employee_advance": "advance_no",
    "expense_claim": "claim_no",
    "reimbursement": "reimbursement_no",
    "collection_assessment": "assessment_no",
    "signed_receipt": "signed_receipt_no",
    "price_adjustment_sheet": "sheet_no",
}

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ITEM = re.compile(rf"^(?P<path>{_NAME}(?:\.{_NAME})*)(?::(?P<kind>{_NAME}))?$")
_ASSIGNED = re.compile(rf"^\s*({_NAME})\s*(?:\[[^\]]*\])?\s*=(?!=)", re.MULTILINE)


@dataclass(frozen=True)
class ShownItem:
    """One declared item: ``path`` into the instance data, ``kind`` of ledger document (or None)."""

    path: tuple[str, ...]
    kind: str | None

    @property
    def key(self) -> str:
        return ".".join(self.path)


def parse_shows(value: str | None) -> tuple[list[ShownItem], list[str]]:
    """The items of a ``shows`` value, and what is wrong with it (one message per bad item)."""
    items, problems = [], []
    for raw in (value or "").split(","):
        text = raw.strip()
        if not text:
            if raw and value.strip():
                problems.append("An empty item in shows (two commas in a row?).")
            continue
        match = _ITEM.match(text)
        if not match:
            problems.append(f"Shows item {text!r} is not a key, a dotted path or 'key:kind'.")
            continue
        kind = match.group("kind")
        if kind is not None and kind not in DOCUMENT_NUMBER_FIELDS:
            problems.append(f"Shows item {text!r} names no ledger document kind; known: {', '.join(sorted(DOCUMENT_NUMBER_FIELDS))}.")
            continue
        items.append(ShownItem(tuple(match.group("path").split(".")), kind))
    return items, problems


def task_shows(task) -> list[dict]:
    """The compiled declaration of a user task, for its description: ``[{"key", "path", "kind"}]``."""
    items, _ = parse_shows(spiff_properties(task).get(SHOWS))
    return [{"key": item.key, "path": list(item.path), "kind": item.kind} for item in items]


def _written_keys(process, forms: dict[str, object]) -> set[str]:
    """Top-level data keys something in the process writes: form fields,
    service task results, script assignments, message variables."""
    keys: set[str] = set()
    for element in process.iter():
        kind = tag(element)
        form = spiff_properties(element).get("formJsonSchemaFilename") if kind in (*HUMAN_TASK_TAGS, "startEvent") else None
        schema = forms.get(form) if form else None
        if isinstance(schema, dict):
            keys.update((schema.get("properties") or {}).keys())
        if kind == "serviceTask":
            for operator in element.iterfind(f"./{{{NS['bpmn']}}}extensionElements/{{{NS['spiffworkflow']}}}serviceTaskOperator"):
                if operator.get("resultVariable"):
                    keys.add(operator.get("resultVariable"))
        elif kind == "scriptTask":
            keys.update(_ASSIGNED.findall(element.findtext(f"{{{NS['bpmn']}}}script") or ""))
        elif kind == "messageVariable" and element.text:
            keys.add(element.text.strip())
    return keys


def lint_shows(process, out, forms: dict[str, object]) -> None:
    """Add to ``out`` every problem of the ``shows`` declarations of ``process``."""
    written = None
    for task in process.iter():
        if tag(task) not in HUMAN_TASK_TAGS:
            continue
        props = spiff_properties(task)
        items, problems = parse_shows(props.get(SHOWS))
        for message in problems:
            out.add(task, message)
        if is_true(props.get("approval")) and not items and not problems:
            out.add(task, "An approval task must declare what the approver sees: the spiffworkflow property "
                          "'shows' with the keys of the instance data to show (e.g. 'order_result:sales_order').")
        if items and written is None:
            written = _written_keys(process, forms)
        for item in items:
            if item.path[0] not in written:
                out.add(task, f"Shows {item.key!r}, but no form, service task or script of this process writes "
                              f"{item.path[0]!r}.")
