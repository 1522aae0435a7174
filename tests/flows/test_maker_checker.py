"""Maker and checker: whoever made a document cannot approve it. The real
F01 diagram names its makers (``makers`` on Task_OrderReview and
Task_ShippingNoteReview); the lint refuses makers that name nothing."""
from pathlib import Path

import pytest

from app.errors import Forbidden
from app.extensions import db
from app.models import InstanceStatus, ProcessDefinition
from app.services import deployment, tasks
from app.services.deployment import DeploymentRejected
from tests.support.contract_shipment import REP, TERMS, approve_contract
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)

APPROVE = {"decision": "approve", "comment": "同意"}


def _made_by_sales_admin2(sales, contract):
    """sales_admin2 (order clerk and sales administrator) makes the order."""
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    sales.complete(instance, "Task_MakeOrder", "sales_admin2", {"order_date": "2026-12-01", **TERMS})
    return instance


def test_the_maker_of_the_order_cannot_approve_it(sales, contract):
    instance = _made_by_sales_admin2(sales, contract)
    review = sales.task(instance, "Task_OrderReview")
    assert review not in tasks.tasks_for(sales.user("sales_admin2"))
    for attempt in (lambda: tasks.claim_task(review.id, sales.user("sales_admin2")),
                    lambda: tasks.complete_task(review.id, sales.user("sales_admin2"), APPROVE)):
        with pytest.raises(Forbidden) as caught:
            attempt()
        assert caught.value.code == "segregation_of_duties" and caught.value.details["reason"] == "maker"
    assert review in tasks.tasks_for(sales.user("sales_admin"))
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    assert sales.ready_elements(instance) == ["Task_MakeShippingNote"]


def test_the_maker_cannot_pass_the_review_to_a_colleague_and_approve_through_it(sales, contract):
    instance = _made_by_sales_admin2(sales, contract)
    review = sales.task(instance, "Task_OrderReview")
    tasks.claim_task(review.id, sales.user("sales_admin"))
    with pytest.raises(Forbidden):  # nor be handed the review
        tasks.delegate_task(review.id, sales.user("sales_admin"), "sales_admin2")


def test_a_delegated_maker_counts_both_people(sales, contract):
    """order_clerk hands the making of the order to sales_admin2: both made
    it, so neither reviews it; sales_admin does."""
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make = sales.task(instance, "Task_MakeOrder")
    tasks.claim_task(make.id, sales.user("order_clerk"))
    tasks.delegate_task(make.id, sales.user("order_clerk"), "sales_admin2")
    sales.complete(instance, "Task_MakeOrder", "sales_admin2", {"order_date": "2026-12-01", **TERMS})
    review = sales.task(instance, "Task_OrderReview")
    with pytest.raises(Forbidden):
        tasks.complete_task(review.id, sales.user("sales_admin2"), APPROVE)
    sales.approve(instance, "Task_OrderReview", "sales_admin")


def test_the_maker_of_the_shipping_note_cannot_approve_it(sales, contract):
    from app.services import accounts

    accounts.create_user("clerk_admin", "long-password", roles=["billing_clerk", "sales_admin"])
    instance = _made_by_sales_admin2(sales, contract)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    note = sales.task(instance, "Task_MakeShippingNote")
    sales.complete(instance, "Task_MakeShippingNote", "clerk_admin", {
        "ship_date": "2026-12-02", "transport_mode": "own_truck", "route": "city", "delivery_address": "杭州市滨江区江南大道 88 号"})
    assert note.status.value == "completed"
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_ShippingNoteReview", "clerk_admin")
    sales.approve(instance, "Task_ShippingNoteReview", "sales_admin2")  # made the order, not the note
    assert instance.status is InstanceStatus.running


def test_the_diagram_declares_its_makers_and_deploy_compiles_them(sales):
    definition = db.session.scalar(db.select(ProcessDefinition).where(ProcessDefinition.key == "contract_shipment")
                                   .order_by(ProcessDefinition.version.desc()).limit(1))
    described = {task["element_id"]: task for task in definition.user_tasks}
    assert described["Task_OrderReview"]["makers"] == ["Task_MakeOrder", "Task_ResolveOrderProblem"]
    assert described["Task_ShippingNoteReview"]["makers"] == ["Task_MakeShippingNote", "Task_ResolveShippingNoteProblem"]
    assert described["Task_MakeOrder"]["makers"] == []


@pytest.mark.parametrize("makers, approval, message", [
    ("Task_Nowhere", "true", "not a user task"),
    ("Task_Review", "true", "itself"),
    ("Task_Make", "false", "Only an approval task"),
])
def test_the_lint_refuses_makers_that_name_nothing(ctx, makers, approval, message):
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_Makers" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="makers_probe" name="制单审核" isExecutable="true">
    <bpmn:laneSet id="LaneSet_Makers"><bpmn:lane id="Lane_Admin" name="sales_admin">
      <bpmn:flowNodeRef>StartEvent_Makers</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Make</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef><bpmn:flowNodeRef>EndEvent_Makers</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_Makers"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Make" name="制单">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="Task_Review" name="审核">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />
        <spiffworkflow:property name="approval" value="{approval}" />
        <spiffworkflow:property name="makers" value="{makers}" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_Makers"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Makers" targetRef="Task_Make" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Make" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Review" targetRef="EndEvent_Makers" />
  </bpmn:process>
</bpmn:definitions>""".encode()
    approval_form = (Path(__file__).parents[2] / "forms" / "approval.json").read_bytes()
    with pytest.raises(DeploymentRejected) as caught:
        deployment.deploy({"makers_probe.bpmn": xml, "approval.json": approval_form})
    mine = [p for p in caught.value.problems if p.element_id == "Task_Review" and message in p.message]
    assert mine, caught.value.problems


@pytest.mark.parametrize("username, barred", [("sales_admin2", True), ("sales_admin", False)])
def test_the_makers_task_page_says_why_and_offers_no_form(sales, contract, login, client, username, barred):
    """Opened from a link, the order review tells the maker that someone else
    decides it, instead of a form whose buttons end in a refusal; the other
    sales administrator gets the form."""
    instance = _made_by_sales_admin2(sales, contract)
    review = sales.task(instance, "Task_OrderReview")
    db.session.commit()
    login(username, "lanes-demo")
    page = client.get(f"/tasks/{review.id}").get_data(as_text=True)
    assert ('data-barred="maker"' in page and "本环节审核的单据由您制作" in page) is barred
    assert ('name="decision"' in page) is not barred
