"""Running a decision table on test rows with the engine processes use:
SpiffWorkflow's DMN parser and DMNEngine, every cell evaluated by the
restricted script engine (LanesScriptEngine), so the studio's test table
shows what a business rule task would decide for the same inputs."""
import re
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.parser.BpmnDmnParser import BpmnDmnParser

from app.workflow.engine import LanesScriptEngine
from app.workflow.xml_names import DMN_NAMESPACES, tag
from app.workflow.xml_safety import UnsafeXml, parse_untrusted_xml

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_STAND_IN = "studio_input_{}"


class TableUnreadable(Exception):
    """The table cannot be run; ``message`` says why (``line`` when known)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Column:
    key: str  # what a test row's inputs or outputs are keyed by
    label: str


@dataclass
class RowResult:
    outputs: dict | list | None = None  # None: no rule matched (COLLECT: a dict of lists)
    rules: list[str] = field(default_factory=list)  # ids of the matching rules
    error: str | None = None


@dataclass
class TableRun:
    decision_id: str
    hit_policy: str
    inputs: list[Column]
    outputs: list[Column]
    results: list[RowResult]


def _table(text: str, filename: str):
    try:
        tree = parse_untrusted_xml(text.encode("utf-8"), filename)
    except UnsafeXml as exc:
        raise TableUnreadable(exc.message, exc.line) from exc
    root = tree.getroot()
    namespace = root.tag.split("}", 1)[0].lstrip("{") if root.tag.startswith("{") else ""
    if namespace not in DMN_NAMESPACES or tag(root) != "definitions":
        raise TableUnreadable("Not a DMN file (dmn:definitions expected).", root.sourceline)
    parser = BpmnDmnParser()
    try:
        parser.add_dmn_xml(root, filename=filename)
        dmn_parser = next(iter(parser.dmn_parsers.values()))
        dmn_parser.parse()
        tables = dmn_parser.decision.decisionTables
    except StopIteration as exc:
        raise TableUnreadable("The file holds no decision.") from exc
    except Exception as exc:  # the parser's own words on a malformed table
        raise TableUnreadable(f"The engine cannot read the table: {exc}") from exc
    if not tables:
        raise TableUnreadable("The decision holds no decision table.")
    return dmn_parser.decision, tables[0]


def _value(value):
    """JSON numbers with a fraction become Decimal, as money is in a flow's data."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, list):
        return [_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _value(item) for key, item in value.items()}
    return value


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _error_text(exc: Exception) -> str:
    """The engine's message with its notes and, at the end, the cause."""
    notes = [note for note in getattr(exc, "__notes__", []) if note]
    cause = exc
    while cause.__context__ is not None and cause.__context__ is not cause:
        cause = cause.__context__
    words = [str(exc) or exc.__class__.__name__, *notes]
    if cause is not exc:
        words.append(f"({cause.__class__.__name__}: {cause})")
    return " ".join(words)


def _run_row(table, engine, inputs: dict, filename: str) -> RowResult:
    data = {}
    for number, column in enumerate(table.inputs):
        expression = (column.expression or "").strip()
        value = _value(inputs.get(expression))
        if _NAME.match(expression):
            data[expression] = value
        else:  # a computed input: the test row gives its value directly
            column.expression = _STAND_IN.format(number)
            data[column.expression] = value
    workflow = SimpleNamespace(script_engine=engine, spec=SimpleNamespace(file=filename))
    workflow.top_workflow = workflow  # what the engine's error trace walks up to
    task = SimpleNamespace(data=data, workflow=workflow,
                           task_spec=SimpleNamespace(name="studio_test", bpmn_id="studio_test", bpmn_name="test"))
    try:
        rules = DMNEngine(table).decide(task)
        result = DMNEngine(table).result(task)
    except Exception as exc:  # the cell's error, as the flow would meet it
        return RowResult(error=_error_text(exc))
    return RowResult(outputs=_plain(dict(result)) if rules else None, rules=[rule.id for rule in rules])


def run_table(text: str, filename: str, rows: list[dict]) -> TableRun:
    """The decision of the first table in ``text`` for each row's
    ``inputs`` (input expression → value). Raises TableUnreadable."""
    decision, table = _table(text, filename)
    inputs = [Column((column.expression or "").strip(), column.label or column.expression or "")
              for column in table.inputs]
    outputs = [Column(column.name or column.label, column.label or column.name) for column in table.outputs]
    engine = LanesScriptEngine()
    results = []
    for row in rows:
        _, table = _table(text, filename)  # stand-ins are written into the columns: a fresh table each row
        results.append(_run_row(table, engine, row.get("inputs") or {}, filename))
    return TableRun(decision.id, table.hit_policy, inputs, outputs, results)

