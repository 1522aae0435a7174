"""``takenByOrg`` is declared in the diagram and checked at deploy: a path a
person fills on a task is refused (he could send the step to whichever
organisation he likes); a start-form path is allowed, and an unknown
organisation code at run time stops the step with a clear error instead of
offering it to the head company. A forged result cannot move F18's steps."""
import json

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.org_units import org_by_code
from app.models import ProcessInstance
from app.services import deployment
from app.services.performers import UnknownTaskOrganisation
from tests.support.cross_org_flow import order, to_signing

_FORM = json.dumps({"type": "object", "properties": {"team_org": {"type": "string", "title": "组织"}}}).encode()


def _diagram(taken_by: str, fill_form: str = "org_probe.json") -> bytes:
    """Start (form: team_org) → Task_Fill (``fill_form``) → Task_Pick in the
    warehouse lane, taken by the organisation ``taken_by`` names → end."""
    def task(element, incoming, outgoing, extra="", form="org_probe.json"):
        return f"""<bpmn:userTask id="{element}" name="{element}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="{form}" />{extra}
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>"""
    taken = f'<spiffworkflow:property name="takenByOrg" value="{taken_by}" />'
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_OrgProbe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="org_probe" name="组织样例" isExecutable="true">
    <bpmn:laneSet id="LaneSet_OrgProbe">
      <bpmn:lane id="Lane_Requester" name="@requester"><bpmn:flowNodeRef>Start_OrgProbe</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Fill</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="Lane_Warehouse" name="warehouse"><bpmn:flowNodeRef>Task_Pick</bpmn:flowNodeRef><bpmn:flowNodeRef>End_OrgProbe</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="Start_OrgProbe"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="org_probe.json" />
      <spiffworkflow:property name="startRoles" value="sales_rep" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    {task("Task_Fill", "Flow_1", "Flow_2", form=fill_form)}
    {task("Task_Pick", "Flow_2", "Flow_3", taken)}
    <bpmn:endEvent id="End_OrgProbe"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_OrgProbe" targetRef="Task_Fill" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Fill" targetRef="Task_Pick" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Pick" targetRef="End_OrgProbe" />
  </bpmn:process>
</bpmn:definitions>""".encode()


def _deploy(taken_by: str):
    return deployment.deploy({"org_probe.bpmn": _diagram(taken_by), "org_probe.json": _FORM})


@pytest.mark.parametrize("path", ["team_orgx", "order_result.transfer.supplier_org", "team org", ""])
def test_a_path_nothing_vouches_for_is_refused_at_deploy(org, path):
    with pytest.raises(deployment.DeploymentRejected) as caught:
        _deploy(path)
    assert any("takenByOrg" in problem.message for problem in caught.value.problems)


def test_a_field_filled_on_a_task_cannot_choose_the_organisation(org):
    """``picked`` is a field of Task_Fill's form: whoever fills it would pick
    who takes the next step, so only start forms, service results and
    scripts vouch for a path."""
    form = json.dumps({"type": "object", "properties": {"picked": {"type": "string"}}}).encode()
    with pytest.raises(deployment.DeploymentRejected) as caught:
        deployment.deploy({"org_probe.bpmn": _diagram("picked", fill_form="picked.json"),
                           "org_probe.json": _FORM, "picked.json": form})
    assert any("takenByOrg 'picked'" in problem.message for problem in caught.value.problems)


def test_a_start_form_path_sends_the_step_to_that_organisation(sales):
    flow = sales
    _deploy("team_org")
    instance = flow.start("org_probe", {"team_org": "FAC"}, "rep_east1")
    flow.complete(instance, "Task_Fill", "rep_east1", {"team_org": "FAC"})
    assert flow.task(instance, "Task_Pick").candidate_org_id == org_by_code("FAC").id


def test_an_unknown_organisation_at_run_time_is_a_clear_error_not_the_head_company(sales):
    flow = sales
    _deploy("team_org")
    instance = flow.start("org_probe", {"team_org": "NOPE"}, "rep_east1")
    with pytest.raises(UnknownTaskOrganisation) as caught:
        flow.complete(instance, "Task_Fill", "rep_east1", {"team_org": "NOPE"})
    assert caught.value.code == "unknown_task_org" and "NOPE" in caught.value.message
    assert flow.ready_elements(instance) == ["Task_Fill"]  # the command changed nothing


def test_a_starter_cannot_plant_the_result_that_names_the_supplier(sales, customer_code):
    """F18 takes the supplier from the ledger's result: a start form that
    carries a forged ``order_result`` is refused, and nothing starts."""
    before = db.session.scalar(select(func.count()).select_from(ProcessInstance))
    forged = {**order(customer_code), "order_result": {"transfer": {"supplier_org": "HQ", "buyer_org": "HQ"}}}
    with pytest.raises(ValidationFailed):
        sales.start("cross_org_sale", forged, "order_clerk")
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == before


def test_a_forged_result_at_review_does_not_move_the_signing_step(sales, customer_code):
    instance = sales.start("cross_org_sale", order(customer_code), "order_clerk")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_ReviewOrder", "sales_admin", {
            "decision": "approve", "comment": "同意", "order_result": {"transfer": {"supplier_org": "HQ"}}})
    signing = to_signing(sales, customer_code)
    assert sales.task(signing, "Task_SignTransfer").candidate_org_id == org_by_code("FAC").id
