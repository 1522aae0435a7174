"""Which organisation's role holders take a user task: the ``takenByOrg``
property, a dotted path into the task's data naming an organisation code::

    <spiffworkflow:property name="takenByOrg" value="order_result.transfer.supplier_org" />

Without it a role task goes to the instance's organisation (its starter's).
The path must start at something the platform vouches for: a service task's
result (the ledger checked the organisation), a script's assignment, or a
field of the start form (chosen by the starter, fixed at start; the ledger
still checks who acts for it). A field a person fills on a later task could
send the step to whichever organisation they like, so it is refused. Lint
only: at run time an unknown code stops the step (performers.task_org)."""
import re

from app.workflow.xml_names import HUMAN_TASK_TAGS, NS, spiff_properties, tag

TAKEN_BY_ORG = "takenByOrg"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_PATH = re.compile(rf"^{_NAME}(?:\.{_NAME})*$")
_ASSIGNED = re.compile(rf"^\s*({_NAME})\s*(?:\[[^\]]*\])?\s*=(?!=)", re.MULTILINE)


def _vouched_keys(process, forms: dict[str, object]) -> set[str]:
    """Top-level data keys a service result, a script or the start form writes."""
    keys: set[str] = set()
    for element in process.iter():
        kind = tag(element)
        if kind == "startEvent":
            schema = forms.get(spiff_properties(element).get("formJsonSchemaFilename") or "")
            if isinstance(schema, dict):
                keys.update((schema.get("properties") or {}).keys())
        elif kind == "serviceTask":
            for operator in element.iterfind(
                    f"./{{{NS['bpmn']}}}extensionElements/{{{NS['spiffworkflow']}}}serviceTaskOperator"):
                if operator.get("resultVariable"):
                    keys.add(operator.get("resultVariable"))
        elif kind == "scriptTask":
            keys.update(_ASSIGNED.findall(element.findtext(f"{{{NS['bpmn']}}}script") or ""))
    return keys


def lint_task_orgs(process, out, forms: dict[str, object]) -> None:
    """Add to ``out`` every problem of the ``takenByOrg`` declarations of ``process``."""
    vouched = None
    for task in process.iter():
        if tag(task) not in HUMAN_TASK_TAGS:
            continue
        path = spiff_properties(task).get(TAKEN_BY_ORG)
        if path is None:
            continue
        path = path.strip()
        if not _PATH.match(path):
            out.add(task, f"takenByOrg {path!r} is not a key or a dotted path into the task's data.")
            continue
        if vouched is None:
            vouched = _vouched_keys(process, forms)
        if path.split(".")[0] not in vouched:
            out.add(task, f"takenByOrg {path!r} starts at {path.split('.')[0]!r}, which no service task, script or "
                          "start form of this process writes: a field filled on a task could send the step to "
                          "any organisation.")
