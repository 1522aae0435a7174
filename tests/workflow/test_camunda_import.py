"""The Camunda 7 import on Camunda's own invoice example
(tests/corpus/camunda7/invoice/), and on small hostile or hand-made models."""
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from app.actions import registered_actions
from app.services.performers import LANE_NAMES
from app.workflow.bundle import compile_bundle
from app.workflow.camunda_dmn import unary_tests_to_cell
from app.workflow.camunda_import import NotCamundaModel, convert
from app.workflow.camunda_juel import Untranslatable, juel_to_python
from app.workflow.runtime import Run
from app.workflow.xml_safety import UnsafeXml

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "camunda7" / "invoice"
ROLES = set(LANE_NAMES)
MAP = {"accounting": "finance", "Team Assistant": "sales_admin", "Approver": "sales_director"}
BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _invoice(role_map=MAP):
    return convert((CORPUS / "invoice.v2.bpmn").read_bytes(), "invoice.v2.bpmn",
                   {"invoiceBusinessDecisions.dmn": (CORPUS / "invoiceBusinessDecisions.dmn").read_bytes()},
                   known_roles=ROLES, role_map=role_map)


def _messages(result, element_id=None, severity=None):
    return [item.message for item in result.report
            if (element_id is None or item.element_id == element_id) and (severity is None or item.severity == severity)]


def test_the_invoice_example_converts_into_one_bpmn_and_one_dmn_per_decision():
    result = _invoice()
    assert set(result.files) == {"invoice.bpmn", "invoiceClassification.dmn", "invoice-assign-approver.dmn"}
    assert "camunda" not in result.files["invoice.bpmn"]
    assert all("camunda" not in text for name, text in result.files.items() if name.endswith(".dmn"))
    root = etree.fromstring(result.files["invoice.bpmn"].encode())
    lanes = {lane.get("name"): [ref.text for ref in lane.iter(f"{BPMN_NS}flowNodeRef")] for lane in root.iter(f"{BPMN_NS}lane")}
    assert "prepareBankTransfer" in lanes["finance"]  # candidateGroups="accounting" mapped to finance
    assert set(lanes) == {"finance", "sales_admin", "sales_director"}
    called = root.find(f".//{BPMN_NS}businessRuleTask[@id='assignApprover']//{{http://spiffworkflow.org/bpmn/schema/1.0/core}}calledDecisionId")
    assert called.text == "invoice-assign-approver"


def test_the_invoice_conditions_become_python():
    root = etree.fromstring(_invoice().files["invoice.bpmn"].encode())
    conditions = {flow.get("id"): flow.find(f"{BPMN_NS}conditionExpression").text
                  for flow in root.iter(f"{BPMN_NS}sequenceFlow") if flow.find(f"{BPMN_NS}conditionExpression") is not None}
    assert conditions == {"reviewSuccessful": "clarified", "reviewNotSuccessful": "(not clarified)",
                          "invoiceApproved": "approved", "invoiceNotApproved": "(not approved)"}


def test_the_report_lists_java_delegates_listeners_mappings_and_forms():
    result = _invoice()
    errors = " ".join(_messages(result, severity="error"))
    assert "ArchiveInvoiceService" in " ".join(_messages(result, "ServiceTask_1", "error"))
    assert len([m for m in _messages(result, "approveInvoice", "error") if "taskListener" in m]) == 2
    assert "approve-invoice.html" in errors and "${approverGroups}" in errors
    assert len([m for m in _messages(result, "reviewInvoice", "warning") if "camunda:in" in m]) == 5
    assert any("invoiceClassification" in m for m in _messages(result, "invoice-assign-approver", "warning"))
    assert all(item.severity in ("error", "warning", "info") for item in result.report)


def test_an_unmapped_group_is_reported():
    result = _invoice(role_map={})
    assert any("'accounting' maps to no role" in m for m in _messages(result, "prepareBankTransfer", "error"))
    assert any("'Team Assistant' names no role" in m for m in _messages(result, "teamAssistant", "error"))


def _probe(decisions: dict[str, str]) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D" targetNamespace="x">
<bpmn:process id="dmn_probe" isExecutable="true">
<bpmn:startEvent id="s"><bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="startRoles" value="finance"/></spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:businessRuleTask id="c"><bpmn:extensionElements><spiffworkflow:calledDecisionId>invoiceClassification</spiffworkflow:calledDecisionId></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:businessRuleTask>
<bpmn:businessRuleTask id="a"><bpmn:extensionElements><spiffworkflow:calledDecisionId>invoice-assign-approver</spiffworkflow:calledDecisionId></bpmn:extensionElements><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing></bpmn:businessRuleTask>
<bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="c"/><bpmn:sequenceFlow id="f2" sourceRef="c" targetRef="a"/><bpmn:sequenceFlow id="f3" sourceRef="a" targetRef="e"/>
</bpmn:process></bpmn:definitions>"""


# Camunda's documented rules (the DMN itself and InvoiceTestCase.java: 300.0, "Travel Expenses" → accounting and sales).
@pytest.mark.parametrize("amount, category, classification, groups", [
    ("300.0", "Travel Expenses", "day-to-day expense", ["accounting", "sales"]),
    ("249.99", "Misc", "day-to-day expense", ["accounting", "sales"]),
    ("250", "Misc", "budget", ["management"]),
    ("1000", "Misc", "budget", ["management"]),
    ("1000.01", "Misc", "exceptional", ["management"]),
    ("50000", "Software License Costs", "budget", ["management"]),
])
def test_the_converted_tables_decide_as_camunda_documents(amount, category, classification, groups):
    files = {name: text.encode() for name, text in _invoice().files.items() if name.endswith(".dmn")}
    files["dmn_probe.bpmn"] = _probe(files).encode()
    compiled, problems = compile_bundle(files, {}, lane_names=ROLES, actions=registered_actions())
    assert problems == []
    run = Run.start("camunda-probe", compiled[0].spec_json, {"amount": Decimal(amount), "invoiceCategory": category},
                    lambda *args: {})
    assert run.advance() is None
    data = run._workflow.last_task.data
    assert data["invoiceClassification"] == classification
    assert data["result"] == groups


@pytest.mark.parametrize("feel, cell", [
    ("< 250", "? < 250"), ("[250..1000]", "250 <= ? <= 1000"), ("]250..1000[", "250 < ? < 1000"),
    ('"a","b"', '? in ("a", "b")'), ('"a"', '"a"'), ("", "-"), ("-", "-"), ('not("a", "b")', '? not in ("a", "b")'),
    ("not(< 5)", "not (? < 5)"), ("< 5, > 10", "? < 5 or ? > 10"), ("true", "True"), ("null", "? is None"),
])
def test_feel_unary_tests_become_cells(feel, cell):
    assert unary_tests_to_cell(feel) == cell


@pytest.mark.parametrize("feel", ['date("2020-01-01")', "< x + 1", "matches(?, \"a\")"])
def test_feel_without_an_exact_cell_is_refused(feel):
    with pytest.raises(Untranslatable):
        unary_tests_to_cell(feel)


@pytest.mark.parametrize("juel, python", [
    ("${amount > 1000 && category == 'Misc'}", "((amount > 1000) and (category == 'Misc'))"),
    ("#{not empty order.lines || x eq 3}", "((not (order['lines'] is None or order['lines'] in ('', [], {}))) or (x == 3))"),
    ("${!a == b}", "((not a) == b)"), ("${a le 2 and b != null}", "((a <= 2) and (b != None))"),
])
def test_juel_becomes_python(juel, python):
    assert juel_to_python(juel) == python


@pytest.mark.parametrize("juel", ["${dateTime().plusWeeks(1)}", "${a ? b : c}", "${bean.call(x)}", "${__import__}"])
def test_juel_that_runs_java_is_refused(juel):
    with pytest.raises(Untranslatable):
        juel_to_python(juel)


FORM_MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="x">
<bpmn:process id="leave" isExecutable="true">
<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
<bpmn:userTask id="Task_Approve" name="Approve" camunda:candidateGroups="finance">
<bpmn:extensionElements><camunda:formData>
<camunda:formField id="days" label="Days" type="long" defaultValue="1"><camunda:validation><camunda:constraint name="required"/><camunda:constraint name="min" config="1"/><camunda:constraint name="max" config="30"/></camunda:validation></camunda:formField>
<camunda:formField id="kind" label="Kind" type="enum"><camunda:value id="annual" name="Annual"/><camunda:value id="sick" name="Sick"/></camunda:formField>
<camunda:formField id="ok" label="OK" type="boolean"/><camunda:formField id="from" label="From" type="date"/>
</camunda:formData></bpmn:extensionElements>
<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
<bpmn:exclusiveGateway id="gw"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
<bpmn:endEvent id="e1"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent><bpmn:endEvent id="e2"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Approve"/><bpmn:sequenceFlow id="f2" sourceRef="Task_Approve" targetRef="gw"/>
<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="e1"><bpmn:conditionExpression>${ok}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="e2"><bpmn:conditionExpression>${execution.getVariable("ok") == false}</bpmn:conditionExpression></bpmn:sequenceFlow>
</bpmn:process></bpmn:definitions>"""


def test_form_data_becomes_a_json_schema_form_named_in_the_task():
    import json
    result = convert(FORM_MODEL, "leave.bpmn", {}, known_roles=ROLES)
    schema = json.loads(result.files["leave_task_approve.json"])
    assert schema["properties"]["days"] == {"type": "integer", "title": "Days", "default": 1, "minimum": 1, "maximum": 30}
    assert schema["properties"]["kind"]["enum"] == ["annual", "sick"]
    assert schema["properties"]["ok"]["type"] == "boolean"
    assert schema["properties"]["from"]["format"] == "date"
    assert schema["required"] == ["days"]
    assert 'name="formJsonSchemaFilename" value="leave_task_approve.json"' in result.files["leave.bpmn"]


def test_an_untranslatable_condition_is_kept_so_the_deploy_check_refuses_it():
    result = convert(FORM_MODEL, "leave.bpmn", {}, known_roles=ROLES)
    assert any("cannot be translated" in m for m in _messages(result, "f4", "error"))
    files = {name: text.encode() for name, text in result.files.items()}
    _compiled, problems = compile_bundle(files, {}, lane_names=ROLES, actions=registered_actions())
    assert any(problem.element_id == "f4" for problem in problems)


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><definitions>&x;</definitions>',
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><definitions>&c;</definitions>',
])
def test_hostile_xml_is_refused(payload):
    with pytest.raises(UnsafeXml):
        convert(payload, "evil.bpmn", {}, known_roles=ROLES)
    with pytest.raises(UnsafeXml):
        convert((CORPUS / "invoice.v2.bpmn").read_bytes(), "invoice.bpmn", {"evil.dmn": payload}, known_roles=ROLES)


def test_a_file_that_is_not_bpmn_is_refused():
    with pytest.raises(NotCamundaModel):
        convert((CORPUS / "invoiceBusinessDecisions.dmn").read_bytes(), "x.bpmn", {}, known_roles=ROLES)


def test_multi_instance_expressions_are_translated_or_reported():
    model = FORM_MODEL.replace(b'<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>',
                               b'<bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>'
                               b'<bpmn:multiInstanceLoopCharacteristics camunda:collection="${approvers}" camunda:elementVariable="approver">'
                               b'<bpmn:completionCondition>${nrOfCompletedInstances >= 2}</bpmn:completionCondition>'
                               b'</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>')
    result = convert(model, "leave.bpmn", {}, known_roles=ROLES)
    assert "<bpmn:completionCondition>(nrOfCompletedInstances &gt;= 2)</bpmn:completionCondition>" in result.files["leave.bpmn"]
    assert any("camunda:collection='${approvers}'" in m for m in _messages(result, "Task_Approve", "warning"))
    assert any("engine's own variables" in m for m in _messages(result, "Task_Approve", "error"))


def test_broken_layout_or_missing_ids_do_not_crash_the_import():
    leave = (CORPUS.parent / "handmade" / "leave_request.bpmn").read_bytes()
    broken = leave.replace(b'<dc:Bounds x="280" y="120" width="100" height="80" />',
                           b'<dc:Bounds x="280" y="120" width="100" height="${x}" />')
    broken = broken.replace(b'<bpmn:startEvent id="StartEvent_Requested" name="Leave requested">',
                            b'<bpmn:startEvent name="Leave requested">')
    result = convert(broken, "leave.bpmn", {}, known_roles=ROLES, role_map={"managers": "regional_manager"})
    assert "Lane_regional_manager" in result.files["leave_request.bpmn"]
    assert "leave_request_form.json" in result.files


def test_the_initiator_as_assignee_becomes_the_requester_lane():
    model = FORM_MODEL.replace(b'<bpmn:startEvent id="start">', b'<bpmn:startEvent id="start" camunda:initiator="starter">')
    model = model.replace(b'camunda:candidateGroups="finance"', b'camunda:assignee="${starter}"')
    result = convert(model, "leave.bpmn", {}, known_roles=ROLES)
    root = etree.fromstring(result.files["leave.bpmn"].encode())
    lanes = {lane.get("name"): [ref.text for ref in lane.iter(f"{BPMN_NS}flowNodeRef")] for lane in root.iter(f"{BPMN_NS}lane")}
    assert "Task_Approve" in lanes["@requester"]
    assert any("camunda:initiator" in m for m in _messages(result, "start", "warning"))
