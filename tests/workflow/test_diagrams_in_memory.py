"""The diagrams in processes/ and their forms, checked without the app: the
XML follows our conventions (lanes, forms, reject routes, ids, layout), and
SpiffWorkflow 3.2 runs every branch of every flow in memory.

The ledger is a stub here: this file proves the diagrams, not the actions."""
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from RestrictedPython import compile_restricted_eval
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from app.services.role_catalogue import ROLE_CODES

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
FORMS = ROOT / "forms"
BPMN_FILES = sorted(PROCESSES.glob("*.bpmn"))
DMN_FILES = sorted(PROCESSES.glob("*.dmn"))
FORM_FILES = sorted(FORMS.glob("*.json"))
RESOLVERS = {"@requester", "@manager_of_requester", "@department_head_of_requester", "@regional_manager_of_customer"}
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


# --- structure -----------------------------------------------------------------------------------

def test_both_flows_are_present():
    assert {"travel_request", "dealer_onboarding"} <= {d.process.get("id") for d in DIAGRAMS}
    assert {s.process for s in SCENARIOS} == {"travel_request", "dealer_onboarding"}


@by_diagram
def test_parses_as_one_executable_pool(diagram, parser):
    key = diagram.path.stem
    assert diagram.process.get("id") == key and diagram.process.get("isExecutable") == "true"
    assert CJK.search(diagram.process.get("name"))
    participants = diagram.tree.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == [key]
    assert parser.get_spec(key).name == key
    assert isinstance(parser.get_subprocess_specs(key), dict)


@by_diagram
def test_lanes_are_roles_or_resolvers_and_hold_every_node_once(diagram):
    for lane in diagram.lanes:
        assert lane.get("name") in ROLE_CODES | RESOLVERS, lane.get("name")
        assert lane.get("id").startswith("Lane_")
    refs = [ref.text for lane in diagram.lanes for ref in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(refs) == sorted(diagram.nodes)


@pytest.mark.parametrize("path", BPMN_FILES + DMN_FILES, ids=[p.name for p in BPMN_FILES + DMN_FILES])
def test_ids_are_meaningful(path):
    for el in etree.parse(str(path)).iter():
        # spiffworkflow:* ids name operations (ledger.create_customer), not diagram elements
        if isinstance(el.tag, str) and el.get("id") is not None and etree.QName(el).namespace != NS["spiffworkflow"]:
            assert MEANINGFUL_ID.match(el.get("id")) and "_0" not in el.get("id"), el.get("id")


@by_diagram
def test_nodes_have_chinese_names_and_english_documentation(diagram):
    for node_id, node in [*diagram.nodes.items(), *((lane.get("id"), lane) for lane in diagram.lanes)]:
        doc = node.findtext("bpmn:documentation", default="", namespaces=NS).strip()
        assert doc and doc.isascii(), node_id
        if node_id.startswith("Lane_"):
            continue
        assert CJK.search(node.get("name") or ""), node_id


@by_diagram
def test_user_tasks_and_start_events_name_existing_forms(diagram):
    for node_id, node in diagram.nodes.items():
        timer_start = node.find("bpmn:timerEventDefinition", NS) is not None
        if diagram.kind(node_id) == "userTask" or (diagram.kind(node_id) == "startEvent" and not timer_start):
            form = diagram.properties(node_id).get("formJsonSchemaFilename")
            assert form and (FORMS / form).is_file(), node_id


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.name for p in FORM_FILES])
def test_forms_are_strict_json_schemas(path):
    schema = load_json(path)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object" and schema["additionalProperties"] is False and schema["required"]
    assert CJK.search(schema["title"])
    for name, prop in schema["properties"].items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name) and CJK.search(prop["title"]), name
        if prop.get("multipleOf") is not None:  # money
            assert prop["type"] == "number" and prop["minimum"] == 0 and prop["multipleOf"] == Decimal("0.01")


def test_approval_form_requires_a_reason_to_reject():
    assert_valid_form("approval.json", {"decision": "approve"})
    for bad in ({}, {"decision": "reject"}, {"decision": "reject", "comment": "  "}, {"decision": "maybe"}):
        assert list(form_validator("approval.json").iter_errors(bad)), bad


@by_diagram
def test_every_approval_has_an_explicit_reject_route(diagram):
    approvals = [n for n in diagram.nodes if diagram.properties(n).get("approval") == "true"]
    for task_id in approvals:
        [out] = diagram.outgoing(task_id)
        gateway = out.get("targetRef")
        assert diagram.kind(gateway) == "exclusiveGateway", task_id
        conditions = {condition(f): f for f in diagram.outgoing(gateway)}
        assert set(conditions) == {'decision == "approve"', 'decision == "reject"'}, task_id
        target = conditions['decision == "reject"'].get("targetRef")
        while diagram.kind(target) == "exclusiveGateway":  # through merges only
            [out] = diagram.outgoing(target)
            target = out.get("targetRef")
        to_requester = diagram.kind(target) == "userTask" and diagram.lane_of[target].get("name") == "@requester"
        assert to_requester or diagram.kind(target) == "endEvent", (task_id, target)


@by_diagram
def test_gateways_route_on_simple_sandbox_safe_conditions(diagram):
    for node_id in diagram.nodes:
        outgoing = diagram.outgoing(node_id)
        if diagram.kind(node_id) == "exclusiveGateway" and len(outgoing) > 1:
            for flow in outgoing:
                expr = condition(flow)
                assert expr and "__" not in expr, flow.get("id")
                assert compile_restricted_eval(expr).errors == (), expr
        else:
            assert all(condition(f) is None for f in outgoing), node_id
        if not diagram.kind(node_id).endswith("Gateway"):
            assert len(diagram.incoming(node_id)) <= 1, f"{node_id}: join with a merge gateway"


@by_diagram
def test_no_dead_ends(diagram):
    starts = [n for n in diagram.nodes if diagram.kind(n) in ("startEvent", "boundaryEvent")]
    ends = [n for n in diagram.nodes if diagram.kind(n) == "endEvent"]
    assert set().union(*(diagram.reachable(start) for start in starts)) == set(diagram.nodes)
    for node_id in diagram.nodes:
        assert diagram.reachable(node_id) & set(ends), node_id


@by_diagram
def test_service_tasks_name_ledger_operations(diagram):
    for node_id in diagram.nodes:
        if diagram.kind(node_id) == "serviceTask":
            op = diagram.nodes[node_id].find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
            assert op.get("id").startswith("ledger.") and op.get("resultVariable"), node_id
            for param in op.findall("spiffworkflow:parameters/spiffworkflow:parameter", NS):
                assert param.get("type") and compile_restricted_eval(param.get("value")).errors == ()


@by_diagram
def test_layout_has_di_for_everything_inside_lanes_without_crossing_shapes(diagram):
    elements = [*diagram.nodes, *diagram.flows, *(lane.get("id") for lane in diagram.lanes)]
    assert set(elements) <= set(diagram.shapes) | set(diagram.edges)
    pool = diagram.shapes[diagram.tree.find("bpmn:collaboration/bpmn:participant", NS).get("id")]
    assert pool[0] == 120
    lane_boxes = sorted((diagram.shapes[lane.get("id")] for lane in diagram.lanes), key=lambda b: b[1])
    assert lane_boxes[0][1] == pool[1] and sum(b[3] for b in lane_boxes) == pool[3]
    for upper, lower in zip(lane_boxes, lane_boxes[1:]):
        assert upper[1] + upper[3] == lower[1]
    for node_id, node in diagram.nodes.items():
        assert inside(diagram.shapes[node_id], diagram.shapes[diagram.lane_of[node_id].get("id")]), node_id
    for flow_id, flow in diagram.flows.items():
        points = diagram.edges[flow_id]
        src, tgt = flow.get("sourceRef"), flow.get("targetRef")
        assert on_border(points[0], diagram.shapes[src]) and on_border(points[-1], diagram.shapes[tgt]), flow_id
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            assert x1 == x2 or y1 == y2, f"{flow_id} is not orthogonal"
            for other in set(diagram.nodes) - {src, tgt}:
                assert not crosses((x1, y1), (x2, y2), diagram.shapes[other]), (flow_id, other)
    for label in diagram.labels:
        for node_id in diagram.nodes:
            box = diagram.shapes[node_id]
            assert not crosses((label[0], label[1]), (label[0] + label[2], label[1] + label[3]), box), (label, node_id)


def inside(box, outer):
    horizontally = outer[0] <= box[0] and box[0] + box[2] <= outer[0] + outer[2]
    return horizontally and outer[1] <= box[1] and box[1] + box[3] <= outer[1] + outer[3]


def on_border(point, box):
    x, y = point
    return (box[0] <= x <= box[0] + box[2] and y in (box[1], box[1] + box[3])) or (
        box[1] <= y <= box[1] + box[3] and x in (box[0], box[0] + box[2]))


def crosses(a, b, box):
    (x1, y1), (x2, y2) = a, b
    left, top, right, bottom = box[0], box[1], box[0] + box[2], box[1] + box[3]
    return max(x1, x2) > left and min(x1, x2) < right and max(y1, y2) > top and min(y1, y2) < bottom


# --- DMN ---------------------------------------------------------------------------------------

def test_terms_authority_table_is_unique_and_complete(parser):
    table = parser.get_spec("dealer_onboarding").task_specs["BusinessRule_TermsAuthority"].dmnEngine.decision_table
    assert table.hit_policy == "UNIQUE"
    for discount, days, credit in product([0, 4.99, 5, 5.01, 30], [0, 60, 61, 180], [0, 500000, 500000.01, 9e6]):
        values = (discount, days, credit)
        matching = [rule for rule in table.rules if all(
            entry.lhs[0] is None or eval(f"v {entry.lhs[0]}", {"v": value})  # noqa: S307 - our own table's cells
            for entry, value in zip(rule.inputEntries, values))]
        assert len(matching) == 1, values
        assert eval(matching[0].outputEntries[0].text) == (discount > 5 or days > 60 or credit > 500000), values


# --- running every branch in memory ------------------------------------------------------------

class StubLedger(PythonScriptEngine):
    """SpiffWorkflow 3.2 calls ``call_service(task, operation_name=..., operation_params={name: {"value",
    "type"}})`` and json.loads() what it returns into the result variable."""

    def __init__(self, answers):
        super().__init__()
        self.answers = list(answers)
        self.calls = []

    def call_service(self, task, operation_name, operation_params):
        self.calls.append((operation_name, {name: p["value"] for name, p in operation_params.items()}))
        return json.dumps(self.answers.pop(0))


@dataclass
class Step:
    task: str
    lane: str
    form: dict


@dataclass
class Scenario:
    name: str
    process: str
    level: str
    start: dict
    steps: list
    end: str
    ledger: list = field(default_factory=list)


TRIP = {"purpose": "拜访华东大区经销商", "destination": "上海", "start_date": "2025-03-03", "end_date": "2025-03-05",
        "transport": "火车", "estimated_cost": 2480.5, "companions": ["li.si"]}
APPROVE = {"decision": "approve", "comment": ""}
REJECT = {"decision": "reject", "comment": "费用偏高，请压缩"}
MANAGER = Step("Task_ManagerApproval", "@manager_of_requester", APPROVE)
MANAGER_REJECTS = Step("Task_ManagerApproval", "@manager_of_requester", REJECT)
HEAD = Step("Task_DepartmentHeadApproval", "@department_head_of_requester", APPROVE)
HEAD_REJECTS = Step("Task_DepartmentHeadApproval", "@department_head_of_requester", REJECT)
RESUBMIT = Step("Task_ReviseRequest", "@requester", {**TRIP, "estimated_cost": 1999.99, "action": "resubmit"})
WITHDRAW = Step("Task_ReviseRequest", "@requester", {**TRIP, "action": "withdraw"})

PROSPECT = {"company_name": "苏州恒达机电有限公司", "region": "华东", "province": "江苏", "contact_name": "王强",
            "contact_phone": "+86 512 6688 1234", "business_scope": "机电设备批发", "expected_annual_volume": 3200000.0,
            "intent_notes": "有意独家代理苏南地区"}
EVALUATE = Step("Task_FillEvaluation", "@requester", {
    "visit_date": "2025-03-10", "capital_strength_score": 4, "sales_network_score": 5, "logistics_score": 3,
    "reputation_score": 4, "team_score": 4, "total_score": 20, "overall_comment": "网络覆盖苏南五市，资金充足"})
RM = Step("Task_RegionalManagerReview", "@manager_of_requester", APPROVE)
RM_REJECTS = Step("Task_RegionalManagerReview", "@manager_of_requester", {"decision": "reject", "comment": "仓储未核实"})


def director(discount=3, days=30, credit=200000.0, decision="approve"):
    form = {"decision": decision, "comment": "同意", "annual_target": 5000000.0,
            "special_discount_pct": discount, "payment_days": days, "credit_limit": credit}
    return Step("Task_DirectorApproval", "sales_director", form)


GM = Step("Task_GMApproval", "general_manager", APPROVE)
GM_REJECTS = Step("Task_GMApproval", "general_manager", {"decision": "reject", "comment": "账期过长"})
SIGN = Step("Task_SignContract", "@requester", {"contract_number": "HT-2025-031", "signed_date": "2025-03-20"})
RETRY = Step("Task_ResolveCustomerProblem", "@requester",
             {"company_name": "苏州恒达机电设备有限公司", "action": "retry"})
ABANDON = Step("Task_ResolveCustomerProblem", "@requester",
               {"company_name": PROSPECT["company_name"], "action": "abandon"})
CREATED = {"ok": True, "customer_code": "C-HD-0042"}
REFUSED = {"ok": False, "error": {"code": "duplicate_customer", "message": "同名客户已存在"}}
BEFORE_GM = [EVALUATE, RM]

SCENARIOS = [
    Scenario("staff_approved_by_manager_and_head", "travel_request", "staff", TRIP, [MANAGER, HEAD], "EndEvent_Approved"),
    *[Scenario(f"{level}_approved_by_manager_only", "travel_request", level, TRIP, [MANAGER], "EndEvent_Approved")
      for level in ("manager", "department_head", "director", "general_manager")],
    Scenario("rejected_revised_resubmitted_approved", "travel_request", "staff", TRIP,
             [MANAGER_REJECTS, RESUBMIT, MANAGER, HEAD], "EndEvent_Approved"),
    Scenario("rejected_then_withdrawn", "travel_request", "manager", TRIP, [MANAGER_REJECTS, WITHDRAW], "EndEvent_Withdrawn"),
    Scenario("head_rejects_revised_resubmitted_approved", "travel_request", "staff", TRIP,
             [MANAGER, HEAD_REJECTS, RESUBMIT, MANAGER, HEAD], "EndEvent_Approved"),
    Scenario("dealer_within_director_authority", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(), SIGN], "EndEvent_DealerEstablished", [CREATED]),
    Scenario("dealer_at_director_limits", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(5, 60, 500000.0), SIGN], "EndEvent_DealerEstablished", [CREATED]),
    *[Scenario(f"dealer_gm_approves_{why}", "dealer_onboarding", "staff", PROSPECT,
               [*BEFORE_GM, director(**terms), GM, SIGN], "EndEvent_DealerEstablished", [CREATED])
      for why, terms in [("discount", {"discount": 8}), ("payment_days", {"days": 90}), ("credit", {"credit": 800000.0})]],
    Scenario("dealer_regional_manager_sends_back", "dealer_onboarding", "staff", PROSPECT,
             [EVALUATE, RM_REJECTS, EVALUATE, RM, director(), SIGN], "EndEvent_DealerEstablished", [CREATED]),
    Scenario("dealer_director_rejects", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(decision="reject")], "EndEvent_Rejected"),
    Scenario("dealer_gm_rejects", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(days=120), GM_REJECTS], "EndEvent_Rejected"),
    Scenario("dealer_ledger_refuses_then_retry", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(), SIGN, RETRY], "EndEvent_DealerEstablished", [REFUSED, CREATED]),
    Scenario("dealer_ledger_refuses_then_abandon", "dealer_onboarding", "staff", PROSPECT,
             [*BEFORE_GM, director(), SIGN, ABANDON], "EndEvent_Abandoned", [REFUSED]),
]


def run(parser, scenario):
    """Start the flow as the engine does, complete each step's form, return (workflow, ledger)."""
    spec = parser.get_spec(scenario.process)
    ledger = StubLedger(scenario.ledger)
    wf = BpmnWorkflow(spec, parser.get_subprocess_specs(scenario.process), script_engine=ledger)
    assert_valid_form(spec.task_specs[spec.start.outputs[0].name].extensions["properties"]["formJsonSchemaFilename"],
                      scenario.start)
    [start] = wf.get_tasks(state=TaskState.READY)
    start.data.update(scenario.start)
    start.data["requester"] = {"username": "zhang.san", "display_name": "张三", "level": scenario.level,
                               "department": "销售部", "region": "华东"}
    wf.do_engine_steps()
    for step in scenario.steps:
        ready = wf.get_tasks(state=TaskState.READY, manual=True)
        assert [t.task_spec.bpmn_id for t in ready] == [step.task]
        task = ready[0]
        assert task.task_spec.lane == step.lane
        assert_valid_form(task.task_spec.extensions["properties"]["formJsonSchemaFilename"], step.form)
        task.data.update(step.form)
        task.run()
        wf.do_engine_steps()
    assert wf.is_completed(), [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.READY)]
    assert ledger.answers == []
    return wf, ledger


def ended_at(wf):
    return [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)
            if (t.task_spec.bpmn_id or "").startswith("EndEvent_")]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_flow_runs_branch(parser, scenario):
    wf, _ = run(parser, scenario)
    assert ended_at(wf) == [scenario.end]


def test_every_node_and_every_flow_is_exercised(parser):
    taken = {}
    for scenario in SCENARIOS:
        wf, _ = run(parser, scenario)
        for task in wf.get_tasks(state=TaskState.COMPLETED):
            parent = task.parent.task_spec.bpmn_id if task.parent else None
            taken.setdefault(scenario.process, set()).add((parent, task.task_spec.bpmn_id))
    for diagram in (d for d in DIAGRAMS if d.process.get("id") in taken):
        pairs = taken[diagram.process.get("id")]
        for flow_id, flow in diagram.flows.items():
            assert (flow.get("sourceRef"), flow.get("targetRef")) in pairs, flow_id


def test_decision_table_output_lands_in_task_data(parser):
    gm_case = next(s for s in SCENARIOS if s.name == "dealer_gm_approves_credit")
    wf, _ = run(parser, gm_case)
    [rule_task] = [t for t in wf.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == "BusinessRule_TermsAuthority"]
    assert rule_task.data["gm_approval_required"] is True
    wf, _ = run(parser, next(s for s in SCENARIOS if s.name == "dealer_within_director_authority"))
    assert wf.last_task.data["gm_approval_required"] is False


def test_create_customer_gets_the_contract_terms_and_the_corrected_name(parser):
    wf, ledger = run(parser, next(s for s in SCENARIOS if s.name == "dealer_ledger_refuses_then_retry"))
    first, second = ledger.calls
    assert first == ("ledger.create_customer", {
        "name": "苏州恒达机电有限公司", "region": "华东", "province": "江苏", "credit_limit": 200000.0,
        "payment_days": 30, "channel": "dealer", "contract_number": "HT-2025-031", "salesperson": "zhang.san"})
    assert second[1]["name"] == "苏州恒达机电设备有限公司"
    assert wf.last_task.data["customer_result"] == CREATED  # a dict: 3.2's ServiceTask json.loads the answer


def test_revised_request_replaces_the_original(parser):
    wf, _ = run(parser, next(s for s in SCENARIOS if s.name == "rejected_revised_resubmitted_approved"))
    assert wf.last_task.data["estimated_cost"] == 1999.99
