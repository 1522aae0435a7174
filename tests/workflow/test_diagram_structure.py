"""The diagrams in processes/ and their forms follow our conventions: lanes,
forms, reject routes, meaningful ids, sandbox-safe conditions, layout."""
import re
from decimal import Decimal
from itertools import product

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from RestrictedPython import compile_restricted_eval

from app.services.role_catalogue import ROLE_CODES
from tests.workflow.diagram_files import (BPMN_FILES, CJK, DIAGRAMS, DMN_FILES, FORM_FILES, FORMS, MEANINGFUL_ID, NS, RESOLVERS,
                           assert_valid_form, by_diagram, condition, form_validator, load_json)
from tests.workflow.diagram_files import parser  # noqa: F401  (a fixture)


# --- structure -----------------------------------------------------------------------------------

def test_both_flows_are_present():
    assert {"travel_request", "dealer_onboarding"} <= {d.process.get("id") for d in DIAGRAMS}


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
        if prop.get("x-money") or prop.get("multipleOf") is not None:  # money: yuan to the fen
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
        # through merges, and the bookkeeping a rejection does on its way (a service task that cancels a draft)
        while diagram.kind(target) in ("exclusiveGateway", "serviceTask") and len(diagram.outgoing(target)) == 1:
            [out] = diagram.outgoing(target)
            target = out.get("targetRef")
        to_requester = diagram.kind(target) == "userTask" and diagram.lane_of[target].get("name") == "@requester"
        # a timer-started flow has no requester: its reject goes to the role that prepared the work, in a loop
        revise_loop = diagram.kind(target) == "userTask" and task_id in diagram.reachable(target)
        assert to_requester or revise_loop or diagram.kind(target) == "endEvent", (task_id, target)


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
