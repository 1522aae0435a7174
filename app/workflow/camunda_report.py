"""The import report: what of a Camunda 7 model could not be carried over
exactly, per element, with a severity. ``error``: the result does not do
what the Camunda model did (a Java delegate, a listener, an untranslatable
expression) and the deploy check refuses it or an analyst must act;
``warning``: it runs, but differently (data mappings, due dates);
``info``: engine housekeeping with no meaning here (async flags, history
time to live)."""
from dataclasses import asdict, dataclass

SEVERITIES = ("error", "warning", "info")

# camunda:* attributes and extension elements nobody handles specifically:
# how bad it is that they are dropped, and why.
ATTRIBUTE_SEVERITY = {
    "class": ("error", "a Java delegate; the step does nothing here until a registered operation is chosen"),
    "expression": ("error", "a Java expression run by the engine; choose a registered operation"),
    "delegateExpression": ("error", "a Java delegate bean; choose a registered operation"),
    "type": ("error", "an external task worker or connector; choose a registered operation"),
    "topic": ("error", "the topic of an external task; choose a registered operation"),
    "candidateUsers": ("error", "named people; lanes name roles or resolvers"),
    "candidateStarterGroups": ("warning", "who may start it; set the start roles in the studio"),
    "candidateStarterUsers": ("warning", "who may start it; set the start roles in the studio"),
    "dueDate": ("warning", "a due date; set the task's due time in the studio"),
    "followUpDate": ("warning", "a follow-up date"),
    "initiator": ("warning", "the platform records who started an instance itself"),
    "resultVariable": ("warning", "the result lands in the data under the operation's or table's output names"),
    "mapDecisionResult": ("warning", "the engine leaves every output under its own name (COLLECT: a list)"),
    "calledElementBinding": ("warning", "the latest deployed version is always called"),
    "calledElementVersion": ("warning", "the latest deployed version is always called"),
    "decisionRefBinding": ("warning", "the latest deployed table is always used"),
    "decisionRefVersion": ("warning", "the latest deployed table is always used"),
    "variableMappingClass": ("error", "a Java variable mapping; the called process receives all data"),
    "variableMappingDelegateExpression": ("error", "a Java variable mapping; the called process receives all data"),
    "resource": ("error", "an external script resource"),
    "asyncBefore": ("info", "the engine's transaction boundaries are its own"),
    "asyncAfter": ("info", "the engine's transaction boundaries are its own"),
    "async": ("info", "the engine's transaction boundaries are its own"),
    "exclusive": ("info", "the engine's job locking is its own"),
    "jobPriority": ("info", "job priorities do not exist here"),
    "taskPriority": ("info", "task priorities do not exist here"),
    "priority": ("info", "task priorities do not exist here"),
    "historyTimeToLive": ("info", "history is kept as the audit log says"),
    "versionTag": ("info", "versions are numbered on deploy"),
    "isStartableInTasklist": ("info", "who may start it is set by its start roles"),
}
ELEMENT_SEVERITY = {
    "executionListener": ("error", "a listener runs code on an event; nothing runs it here"),
    "taskListener": ("error", "a task listener runs code on a task event; nothing runs it here"),
    "inputOutput": ("error", "input/output mappings; the element sees and writes the whole data"),
    "connector": ("error", "a connector (HTTP/SOAP call); choose a registered operation"),
    "field": ("error", "a field injected into a Java delegate"),
    "in": ("warning", "a call activity mapping; the called process receives all data and returns all of it"),
    "out": ("warning", "a call activity mapping; the called process receives all data and returns all of it"),
    "properties": ("warning", "extension properties with no meaning here"),
    "formProperty": ("warning", "an old-style form property; use formData or a JSON Schema form"),
    "failedJobRetryTimeCycle": ("info", "retries of failed jobs are the worker's own"),
    "errorEventDefinition": ("warning", "an external task error mapping"),
}


@dataclass(frozen=True)
class ReportItem:
    file: str
    element_id: str | None
    element_name: str | None
    severity: str
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


class Report:
    """Collects report items for one file; ``names`` maps element ids to names."""

    def __init__(self):
        self.items: list[ReportItem] = []
        self.file = ""
        self.names: dict[str, str] = {}

    def for_file(self, file: str, names: dict[str, str] | None = None) -> "Report":
        self.file, self.names = file, names or {}
        return self

    def __call__(self, severity: str, element_id: str | None, message: str) -> None:
        self.items.append(ReportItem(self.file, element_id, self.names.get(element_id or ""), severity, message))

    def sorted(self) -> list[ReportItem]:
        return sorted(self.items, key=lambda item: SEVERITIES.index(item.severity))
