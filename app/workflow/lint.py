"""Deploy-time checks the engine's own parser does not make, on the lxml tree
(so every problem has a line): ids, flows, lanes, forms, expressions and
service operators. DMN tables are checked in ``dmn_lint``."""
from app.workflow.expression_dialects import dialect_hint
from app.workflow.lint_calls import lint_calls
from app.workflow.lint_constructs import lint_constructs
from app.workflow.lint_names import unavailable_calls
from app.workflow.lint_start import lint_start_events
from app.workflow.lint_shows import lint_shows
from app.workflow.lint_task_org import lint_task_orgs
from app.workflow.problems import Problem
from app.workflow.lint_makers import lint_makers
from app.workflow.sandbox import check_expression
from app.workflow.xml_names import HUMAN_TASK_TAGS, NS, is_true, lanes_by_node, spiff_properties, tag

FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity", "subProcess", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
}
UNSUPPORTED_TAGS = {"complexGateway", "adHocSubProcess"}


class _Collector:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def add(self, element, message: str) -> None:
        self.problems.append(Problem(self.filename, getattr(element, "sourceline", None), element.get("id"), message))

    def expression(self, element, source: str | None, what: str, mode: str = "eval") -> None:
        if source is None or not source.strip():
            return
        if hint := dialect_hint(source.strip()):
            self.add(element, f"{what} {hint}")
            return
        for problem in check_expression(source.strip(), mode):
            self.add(element, f"{what} {source.strip()!r} is not allowed: {problem}")
        for name in unavailable_calls(source.strip(), mode):
            self.add(element, f"{what} calls {name}(), which diagram expressions do not have.")


def lint_bpmn(tree, filename: str, *, lane_names: set[str], actions: frozenset, forms: dict[str, object],
              decisions: set[str]) -> list[Problem]:
    """Every problem of one BPMN file. ``forms`` maps the form files that
    will be deployed with it to their parsed schema (None when invalid)."""
    out = _Collector(filename)
    root = tree.getroot()
    processes = root.xpath("./bpmn:process", namespaces=NS)
    executable = [p for p in processes if is_true(p.get("isExecutable", "true"))]
    if not processes:
        out.add(root, "The file holds no bpmn:process.")
    elif not executable:
        out.add(processes[0], "Every process of the file is marked isExecutable=\"false\", so it would deploy "
                              "nothing: mark the process to run executable.")
    for process in executable:  # a non-executable process is documentation: never run, so not linted

        if not (process.get("id") or "").strip():
            out.add(process, "A process needs an id (its process key).")
            continue
        _lint_process(process, out, lane_names, actions, forms, decisions)
        lint_shows(process, out, forms)  # what an approver sees: lint_shows.py
        lint_task_orgs(process, out, forms)  # whose holders take a task: lint_task_org.py
        lint_makers(process, out)  # maker and checker: lint_makers.py
        lint_start_events(process, out, lane_names)  # who may start it: lint_start.py
        lint_constructs(process, out)  # what deploys but could not run: lint_constructs.py
    lint_calls(root, out)  # call activities: lint_calls.py
    return out.problems


def _lint_process(process, out, lane_names, actions, forms, decisions) -> None:
    # Unsupported nodes count as elements: they are reported as such, not as missing.
    node_ids = {el.get("id") for el in process.iter() if tag(el) in FLOW_NODE_TAGS | UNSUPPORTED_TAGS}
    lanes = lanes_by_node(process)
    has_lanes = bool(process.xpath(".//bpmn:lane", namespaces=NS))
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        name = (lane.get("name") or "").strip()
        if name not in lane_names:
            out.add(lane, f"Lane {name!r} is neither a role code nor a known resolver.")
    for element in process.iter():
        kind = tag(element)
        if kind in UNSUPPORTED_TAGS:
            out.add(element, f"Unsupported element: bpmn:{kind} cannot be run by the engine.")
        elif kind == "sequenceFlow":
            _lint_flow(element, node_ids, out)
        elif kind in HUMAN_TASK_TAGS:
            _lint_human_task(element, lanes, has_lanes, forms, out)
        elif kind == "scriptTask":
            script = element.findtext(f"{{{NS['bpmn']}}}script")
            out.expression(element, script, "Script", mode="exec")
        elif kind == "serviceTask":
            _lint_service_task(element, actions, out)
        elif kind == "businessRuleTask":
            decision = element.findtext(f"./{{{NS['bpmn']}}}extensionElements/{{{NS['spiffworkflow']}}}calledDecisionId")
            if not (decision or "").strip():
                out.add(element, "The business rule task names no decision (spiffworkflow:calledDecisionId).")
            elif decision.strip() not in decisions:
                out.add(element, f"Decision {decision!r} is not in any DMN file of this deployment.")
        elif kind == "compensateEventDefinition":
            out.add(element.getparent(), "Unsupported: compensation events cannot be run by the engine.")
        elif kind in ("timeDuration", "timeDate", "timeCycle"):
            out.expression(element.getparent().getparent(), element.text, "Timer expression")
        elif kind == "startEvent":
            form = spiff_properties(element).get("formJsonSchemaFilename")
            if form:
                _check_form(element, form, forms, out)


def _lint_flow(flow, node_ids, out) -> None:
    for end in ("sourceRef", "targetRef"):
        ref = flow.get(end)
        if ref not in node_ids:
            out.add(flow, f"Sequence flow {end} {ref!r} names no element of this process.")
    condition = flow.find(f"{{{NS['bpmn']}}}conditionExpression")
    if condition is not None:
        out.expression(flow, condition.text, "Condition")


def _lint_human_task(task, lanes, has_lanes, forms, out) -> None:
    if has_lanes and task.get("id") not in lanes:
        out.add(task, "The task sits in no lane, so nobody would receive it.")
    elif not has_lanes:
        out.add(task, "The process has no lanes: a user task needs a lane naming a role or resolver.")
    form = spiff_properties(task).get("formJsonSchemaFilename")
    if not form:
        out.add(task, "The task names no form (spiffworkflow property formJsonSchemaFilename).")
    else:
        _check_form(task, form, forms, out)


def _check_form(element, form, forms, out) -> None:
    if form not in forms:
        out.add(element, f"Form {form!r} is neither uploaded nor deployed before.")
    elif forms[form] is None:
        out.add(element, f"Form {form!r} is not a valid JSON Schema.")


def _lint_service_task(task, actions, out) -> None:
    operator = task.find(f"./{{{NS['bpmn']}}}extensionElements/{{{NS['spiffworkflow']}}}serviceTaskOperator")
    if operator is None:
        out.add(task, "The service task names no operation (spiffworkflow:serviceTaskOperator).")
        return
    name = operator.get("id")
    if name not in actions:
        out.add(task, f"Operation {name!r} is not registered.")
    for param in operator.iter(f"{{{NS['spiffworkflow']}}}parameter"):
        out.expression(task, param.get("value"), f"Parameter {param.get('id')!r}")
