"""The diagrams, tables and forms of processes/ and forms/, read for the
structure and in-memory tests (no app involved)."""
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
FORMS = ROOT / "forms"
BPMN_FILES = sorted(PROCESSES.glob("*.bpmn"))
DMN_FILES = sorted(PROCESSES.glob("*.dmn"))
FORM_FILES = sorted(FORMS.glob("*.json"))
RESOLVERS = {"@requester", "@manager_of_requester", "@department_head_of_requester", "@regional_manager_of_customer",
             "@salesperson", "@regional_manager_of_region", "@recipient"}
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODES = ("startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task",
              "userTask", "manualTask", "serviceTask", "scriptTask", "businessRuleTask", "sendTask", "receiveTask",
              "callActivity", "subProcess", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
              "eventBasedGateway")
MEANINGFUL_ID = re.compile(r"^[A-Za-z]+(?:_[A-Za-z]+)*$")  # no digits: no Activity_0x7f3, no Flow_1abc
CJK = re.compile(r"[\u4e00-\u9fff]")


def load_json(path):
    # Decimal, not float: with floats jsonschema rejects 19.99 as "not a multiple of 0.01".
    return json.loads(Path(path).read_text(encoding="utf-8"), parse_float=Decimal)


def form_validator(filename):
    return Draft202012Validator(load_json(FORMS / filename), format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid_form(filename, data):
    submitted = json.loads(json.dumps(data), parse_float=Decimal)
    errors = [e.message for e in form_validator(filename).iter_errors(submitted)]
    assert not errors, f"{filename}: {errors}"


class Diagram:
    """One .bpmn file read with lxml, indexed for the structural checks."""

    def __init__(self, path):
        self.path = path
        self.tree = etree.parse(str(path))
        self.process = self.tree.find("bpmn:process", NS)
        self.nodes = {el.get("id"): el for kind in FLOW_NODES for el in self.process.findall(f"bpmn:{kind}", NS)}
        self.flows = {el.get("id"): el for el in self.process.findall("bpmn:sequenceFlow", NS)}
        self.lanes = self.process.findall("bpmn:laneSet/bpmn:lane", NS)
        self.lane_of = {ref.text: lane for lane in self.lanes for ref in lane.findall("bpmn:flowNodeRef", NS)}
        self.shapes = {s.get("bpmnElement"): bounds(s) for s in self.tree.iterfind(".//bpmndi:BPMNShape", NS)}
        self.labels = [bounds(label) for label in self.tree.iterfind(".//bpmndi:BPMNLabel", NS)]
        self.edges = {
            e.get("bpmnElement"): [(float(p.get("x")), float(p.get("y"))) for p in e.findall("di:waypoint", NS)]
            for e in self.tree.iterfind(".//bpmndi:BPMNEdge", NS)
        }

    def kind(self, node_id):
        return etree.QName(self.nodes[node_id]).localname

    def outgoing(self, node_id):
        return [f for f in self.flows.values() if f.get("sourceRef") == node_id]

    def incoming(self, node_id):
        return [f for f in self.flows.values() if f.get("targetRef") == node_id]

    def properties(self, node_id):
        props = self.nodes[node_id].findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
        return {p.get("name"): p.get("value") for p in props}

    def reachable(self, start, forward=True):
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                flows = self.outgoing(node) if forward else self.incoming(node)
                todo += [f.get("targetRef" if forward else "sourceRef") for f in flows]
        return seen


def bounds(shape):
    b = shape.find("dc:Bounds", NS)
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def condition(flow):
    expr = flow.find("bpmn:conditionExpression", NS)
    return None if expr is None else expr.text.strip()


DIAGRAMS = [Diagram(p) for p in BPMN_FILES]


def by_diagram(test):
    return pytest.mark.parametrize("diagram", DIAGRAMS, ids=[d.path.stem for d in DIAGRAMS])(test)


@pytest.fixture(scope="module")
def parser():
    parser = SpiffBpmnParser(validator=VALIDATOR)  # XSD-validates the BPMN, the spiff extensions and the DMN
    parser.add_bpmn_files([str(p) for p in BPMN_FILES])
    parser.add_dmn_files([str(p) for p in DMN_FILES])
    return parser
