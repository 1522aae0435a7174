"""The variables in play at one element of a diagram: the data keys that
something upstream of it writes, for the studio's expression editor and its
"what the approver sees" picker.

Upstream means reachable backwards along sequence flows (and from a boundary
event to the activity it sits on). Writers are the start form's and the
steps' form fields, service tasks' result variables, script assignments and
the outputs of the DMN decisions business rule tasks call;
``requester`` (the starter's facts) is always there. Like ``lint_shows`` it
is by name: a key written on only one branch still counts."""
import ast
import json
from collections import deque
from dataclasses import dataclass

from lxml import etree

from app.workflow.xml_names import HUMAN_TASK_TAGS, NS, spiff_properties, tag

# What app.services.instances.requester_facts puts under "requester".
REQUESTER_FACTS = ("username", "display_name", "level", "department", "region")


@dataclass(frozen=True)
class Variable:
    name: str
    origin: str  # requester | start_form | form | result | script | decision | message
    element_id: str | None
    fields: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"name": self.name, "origin": self.origin, "element_id": self.element_id, "fields": list(self.fields)}


def find_element(tree, element_id: str):
    """The element of ``tree`` with this id, or None."""
    found = tree.getroot().xpath(".//*[@id=$id]", id=element_id)
    return found[0] if found else None


def _predecessors(root) -> dict[str, list[str]]:
    before: dict[str, list[str]] = {}  # in document order, so that the walk below is deterministic
    for flow in root.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
        before.setdefault(flow.get("targetRef"), []).append(flow.get("sourceRef"))
    for event in root.iter(f"{{{NS['bpmn']}}}boundaryEvent"):
        before.setdefault(event.get("id"), []).append(event.get("attachedToRef"))
    return before


def upstream_ids(tree, element) -> list[str]:
    """Ids of the elements before ``element``, nearest first (breadth-first
    backwards; a flow's source counts, the element itself does not unless it
    lies on a loop)."""
    before = _predecessors(tree.getroot())
    start = [element.get("sourceRef")] if tag(element) == "sequenceFlow" else before.get(element.get("id"), [])
    seen: list[str] = []
    todo = deque(start)
    while todo:
        current = todo.popleft()
        if current is None or current in seen:
            continue
        seen.append(current)
        todo.extend(before.get(current, ()))
    return seen


def script_assignments(script: str) -> list[str]:
    """Top-level names a script assigns (empty when it does not parse)."""
    try:
        module = ast.parse(script or "")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    names = []
    for node in ast.walk(module):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
            names.append(node.id)
    return names


def _form_fields(form_text) -> list[str]:
    try:
        schema = json.loads(form_text) if isinstance(form_text, (str, bytes)) else None
    except ValueError:
        return []
    props = schema.get("properties") if isinstance(schema, dict) else None
    return list(props) if isinstance(props, dict) else []


def decision_outputs(dmn_texts) -> dict[str, list[str]]:
    """Decision id → its output names, from the (deployed, trusted) DMN texts."""
    outputs: dict[str, list[str]] = {}
    for text in dmn_texts:
        try:
            root = etree.fromstring(text.encode("utf-8") if isinstance(text, str) else text,
                                    etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError:
            continue
        for decision in root.iter():
            if tag(decision) == "decision" and decision.get("id"):
                outputs[decision.get("id")] = [o.get("name") for o in decision.iter()
                                               if tag(o) == "output" and o.get("name")]
    return outputs


def _written_by(element, forms: dict, decisions: dict) -> list[Variable]:
    kind, element_id = tag(element), element.get("id")
    out = []
    if kind in (*HUMAN_TASK_TAGS, "startEvent"):
        form = spiff_properties(element).get("formJsonSchemaFilename")
        origin = "start_form" if kind == "startEvent" else "form"
        out += [Variable(name, origin, element_id) for name in _form_fields(forms.get(form))] if form else []
    elif kind == "serviceTask":
        for operator in element.iterfind(f"./{{{NS['bpmn']}}}extensionElements/{{{NS['spiffworkflow']}}}serviceTaskOperator"):
            if operator.get("resultVariable"):
                out.append(Variable(operator.get("resultVariable"), "result", element_id))
    elif kind == "scriptTask":
        script = element.findtext(f"{{{NS['bpmn']}}}script") or ""
        out += [Variable(name, "script", element_id) for name in script_assignments(script)]
    elif kind == "businessRuleTask":
        called = (element.findtext(f"./{{{NS['bpmn']}}}extensionElements/{{{NS['spiffworkflow']}}}calledDecisionId") or "")
        out += [Variable(name, "decision", element_id) for name in decisions.get(called.strip(), [])]
    for caught in element.xpath("./bpmn:messageEventDefinition/bpmn:extensionElements/spiffworkflow:messageVariable"
                                "|./bpmn:extensionElements/spiffworkflow:messageVariable", namespaces=NS):
        if kind != "intermediateThrowEvent" and (caught.text or "").strip():  # where a caught message's payload lands
            out.append(Variable(caught.text.strip(), "message", element_id))
    return out


def variables_in_play(tree, element, forms: dict, decisions: dict | None = None) -> list[Variable]:
    """The variables an expression at ``element`` may read: ``requester``
    first, then what upstream elements write, each name once (the nearest
    writer). ``forms`` maps form file names to their JSON text,
    ``decisions`` decision ids to their output names (``decision_outputs``)."""
    by_id = {el.get("id"): el for el in tree.getroot().iter() if isinstance(el.tag, str) and el.get("id")}
    found = [Variable("requester", "requester", None, REQUESTER_FACTS)]
    names = {"requester"}
    for element_id in upstream_ids(tree, element):
        upstream = by_id.get(element_id)
        for variable in _written_by(upstream, forms, decisions or {}) if upstream is not None else ():
            if variable.name not in names:
                names.add(variable.name)
                found.append(variable)
    return found
