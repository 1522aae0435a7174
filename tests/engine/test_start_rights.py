"""Who may start a process: the diagram's startRoles, enforced in the one
start use case every door goes through, attacked by the people the issue
names (a rep posting a receipt, the portal, a rep reading company-wide
figures, an auditor, a process admin, the system account)."""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import Forbidden
from app.extensions import db
from app.models import Customer, ProcessDefinition, ProcessInstance, Receipt, ScheduledStart
from app.services import instances, worker_jobs
from app.services.deployment import DeploymentRejected, deploy

GUANGDONG = "广东泵阀总经销有限公司"  # 华南, served by rep_south1: another region than rep_east1's


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def receipt(flow, master_data):
    """The start data of a receipt write-off for a customer of 华南."""
    code = db.session.scalar(select(Customer.code).where(Customer.name == GUANGDONG))

    def build(amount):
        return {"receipts": [{"customer": code, "amount": amount, "bank_reference": "FAKE-0001",
                              "receipt_date": "2026-12-01", "allocation_basis": "oldest_due"}]}

    return build


def _refused(flow, key, data, username) -> Forbidden:
    with pytest.raises(Forbidden) as caught:
        flow.start(key, data, username)
    return caught.value


def test_a_rep_cannot_post_a_receipt_by_starting_a_write_off(flow, receipt):
    refused = _refused(flow, "receipt_writeoff", receipt(888888), "rep_east1")
    assert refused.code == "not_a_starter" and "finance" in refused.message
    assert _count(Receipt) == 0 and _count(ProcessInstance) == 0


def test_finance_hands_the_receipt_over(flow, receipt):
    instance = flow.start("receipt_writeoff", receipt(888888), "finance")
    assert instance.data["receipt_result"]["ok"] and _count(Receipt) == 1


def test_the_portal_starts_nothing_its_diagram_does_not_name(flow, receipt):
    assert _refused(flow, "receipt_writeoff", receipt(500000), "portal").code == "not_a_starter"
    assert _refused(flow, "travel_request", {}, "portal").code == "not_a_starter"
    assert _count(Receipt) == 0 and _count(ProcessInstance) == 0


INTEGRATION_PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_PortalProbe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="portal_probe" name="门户样例" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Portal"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="startRoles" value="ROLES" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>Flow_Done</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="EndEvent_Portal"><bpmn:incoming>Flow_Done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_Done" sourceRef="StartEvent_Portal" targetRef="EndEvent_Portal" />
  </bpmn:process>
</bpmn:definitions>"""


def test_an_integration_account_starts_what_names_integration_and_only_that(flow):
    deploy({"portal_probe.bpmn": INTEGRATION_PROBE.replace("ROLES", "integration").encode()})
    assert flow.start("portal_probe", {}, "portal").started_by.username == "portal"
    assert _refused(flow, "portal_probe", {}, "rep_east1").code == "not_a_starter"
    deploy({"portal_probe.bpmn": INTEGRATION_PROBE.replace("ROLES", "finance").encode()})  # version 2 takes it back
    assert _refused(flow, "portal_probe", {}, "portal").code == "not_a_starter"


def test_a_rep_cannot_read_company_wide_figures_through_the_monthly_report(flow):
    assert _refused(flow, "monthly_report", {"month": "2026-11"}, "rep_east1").code == "not_a_starter"
    assert _refused(flow, "monthly_reconciliation", {"month": "2026-11"}, "rep_east1").code == "not_a_starter"
    assert _count(ProcessInstance) == 0


def test_a_process_admin_is_not_implicitly_a_starter(flow):
    assert _refused(flow, "monthly_report", {"month": "2026-11"}, "process_admin").code == "not_a_starter"
    assert _refused(flow, "travel_request", {}, "process_admin").code == "not_a_starter"


def test_an_auditor_starts_nothing_even_holding_a_starting_role(flow, create_user, receipt):
    create_user("auditing_cashier", roles=["auditor", "finance"])
    assert _refused(flow, "receipt_writeoff", receipt(100), "auditing_cashier").code == "read_only"
    assert _refused(flow, "travel_request", {}, "auditor").code == "read_only"
    assert instances.startable_definitions(flow.user("auditing_cashier")) == []
    assert _count(Receipt) == 0


def test_rights_are_checked_before_the_start_data(flow):
    """A refused person learns nothing about the form: 403, not 422."""
    assert _refused(flow, "receipt_writeoff", {"amount": "lots"}, "rep_east1").code == "not_a_starter"


def test_the_system_account_starts_nothing_by_hand(flow):
    system = instances.system_user()
    with pytest.raises(Forbidden) as caught:
        instances.start_instance("monthly_report", {"month": "2026-11"}, system)
    assert caught.value.code == "not_a_starter"


def test_the_schedule_starts_only_processes_with_a_timer_start_event(flow, receipt):
    with pytest.raises(Forbidden) as caught:
        instances.start_on_schedule("receipt_writeoff", receipt(888888), business_key="receipt_writeoff@forged")
    assert caught.value.code == "no_timer_start"
    assert _count(Receipt) == 0 and _count(ProcessInstance) == 0


def test_a_timer_start_still_starts_as_the_system(flow, frozen_clock):
    worker_jobs.plan_schedules()
    schedule = db.session.get(ScheduledStart, "monthly_report")
    frozen_clock.now = datetime(2026, 12, 31, 18, 0, 1, tzinfo=timezone.utc)  # 1 January 02:00:01 in Shanghai
    started = []
    while (key := worker_jobs.start_next_scheduled()) is not None:
        started.append(key)
    assert "monthly_report" in started
    instance = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert instance.started_by.username == "system" and instance.process_key == "monthly_report"


def test_the_catalogue_offers_a_rep_what_a_rep_may_start(flow):
    keys = {d.key for d in instances.startable_definitions(flow.user("rep_east1"))}
    assert {"travel_request", "contract_shipment", "dealer_onboarding"} <= keys
    assert not keys & {"receipt_writeoff", "monthly_report", "monthly_reconciliation", "collection_assessment"}
    assert {d.key for d in instances.startable_definitions(flow.user("finance"))} >= {"receipt_writeoff"}
    # an integration account starts only what a diagram names its role for: the portal's after-sales case
    assert [d.key for d in instances.startable_definitions(flow.user("portal"))] == ["after_sales"]


# --- the declaration, linted at deploy ----------------------------------------

PROBE = (Path(__file__).parent / "diagrams" / "probe.bpmn").read_text()
FORM = (Path(__file__).parent / "diagrams" / "probe_form.json").read_bytes()
DECLARED = '<spiffworkflow:property name="startRoles" value="sales_rep" />'
TIMER = ('<bpmn:startEvent id="StartEvent_Timer"><EXTRA><bpmn:outgoing>Flow_FromTimer</bpmn:outgoing>'
         '<bpmn:timerEventDefinition><bpmn:timeCycle>"R/2026-01-01T01:00:00+08:00/P1M"</bpmn:timeCycle>'
         '</bpmn:timerEventDefinition></bpmn:startEvent>'
         '<bpmn:sequenceFlow id="Flow_FromTimer" sourceRef="StartEvent_Timer" targetRef="Task_Fill" />')
MESSAGE = ('<bpmn:startEvent id="StartEvent_Message"><bpmn:outgoing>Flow_FromMessage</bpmn:outgoing>'
           '<bpmn:messageEventDefinition /></bpmn:startEvent>'
           '<bpmn:sequenceFlow id="Flow_FromMessage" sourceRef="StartEvent_Message" targetRef="Task_Fill" />')
SECOND = ('<bpmn:startEvent id="StartEvent_Second"><bpmn:extensionElements><spiffworkflow:properties>'
          + DECLARED + '</spiffworkflow:properties></bpmn:extensionElements>'
          '<bpmn:outgoing>Flow_FromSecond</bpmn:outgoing></bpmn:startEvent>'
          '<bpmn:sequenceFlow id="Flow_FromSecond" sourceRef="StartEvent_Second" targetRef="Task_Fill" />')


def _with(extra_nodes: str) -> str:
    return PROBE.replace("</bpmn:laneSet>", "</bpmn:laneSet>" + extra_nodes)


START_LINT_CASES = [
    ("undeclared", PROBE.replace(DECLARED, ""), "StartEvent_Probe", "does not say who may start it"),
    ("empty", PROBE.replace('value="sales_rep"', 'value=" , "'), "StartEvent_Probe", "names no role"),
    ("unknown_role", PROBE.replace('value="sales_rep"', 'value="sales_rep,chief_of_fun"'), "StartEvent_Probe",
     "'chief_of_fun', which is not a role code"),
    ("auditor", PROBE.replace('value="sales_rep"', 'value="finance,auditor"'), "StartEvent_Probe", "start nothing"),
    ("resolver", PROBE.replace('value="sales_rep"', 'value="@requester"'), "StartEvent_Probe", "cannot start"),
    ("timer_declares", _with(TIMER.replace("<EXTRA>", '<bpmn:extensionElements><spiffworkflow:properties>'
                                           + DECLARED + '</spiffworkflow:properties></bpmn:extensionElements>')),
     "StartEvent_Timer", "started by the system"),
    ("message_start", _with(MESSAGE), "StartEvent_Message", "messageEventDefinition start event"),
    ("second_none_start", _with(SECOND), "StartEvent_Second", "keep one"),
]


@pytest.mark.parametrize("name,bpmn,element_id,message", START_LINT_CASES, ids=[c[0] for c in START_LINT_CASES])
def test_a_start_event_that_does_not_say_plainly_who_starts_is_refused(ctx, name, bpmn, element_id, message):
    with pytest.raises(DeploymentRejected) as caught:
        deploy({"probe.bpmn": bpmn.encode(), "probe_form.json": FORM})
    problems = caught.value.problems
    assert any(p.element_id == element_id and message in p.message and p.line for p in problems), problems
    assert _count(ProcessDefinition) == 0


def test_the_declared_roles_are_stored_with_the_version(ctx):
    bpmn = _with(TIMER.replace("<EXTRA>", "")).replace('value="sales_rep"', 'value="sales_rep, finance,sales_rep"')
    deploy({"probe.bpmn": bpmn.encode(), "probe_form.json": FORM})
    definition = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "lint_probe"))
    assert definition.start_roles == ["sales_rep", "finance"] and definition.timer_start["element_id"] == "StartEvent_Timer"
