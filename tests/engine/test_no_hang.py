"""No approval can hang: when a lane finds someone who may not act on the
step, or a role has no eligible holder left, the step goes one level up."""
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.errors import Forbidden
from app.models import InstanceStatus
from app.services import deployment, tasks
from app.services.performers import performer_for

TRIP = {"purpose": "参加展会", "reason": "客户提出现场需求", "destination": "成都", "start_date": "2026-12-14", "end_date": "2026-12-16",
        "transport": "飞机", "estimated_cost": 4200}


@pytest.mark.parametrize("traveller, manager, next_level", [
    ("sales_admin", "director", "gm"),  # the director is both direct manager and department head
    ("order_clerk", "director", "gm"),
    ("dispatcher", "service_mgr", "director"),  # the service manager heads the department
])
def test_a_travel_request_whose_manager_is_the_department_head_reaches_an_end(flow, traveller, manager, next_level):
    instance = flow.start("travel_request", TRIP, traveller)
    assert flow.task(instance, "Task_ManagerApproval").assignee.username == manager
    flow.approve(instance, "Task_ManagerApproval", manager)
    head = flow.task(instance, "Task_DepartmentHeadApproval")
    assert head.assignee.username == next_level, "the head already approved: one level up"
    with pytest.raises(Forbidden):  # and the manager still cannot approve twice
        tasks.complete_task(head.id, flow.user(manager), {"decision": "approve", "comment": "同意"})
    flow.approve(instance, "Task_DepartmentHeadApproval", next_level)
    assert instance.status is InstanceStatus.completed


def test_after_a_rejection_the_next_level_decides_again(flow):
    instance = flow.start("travel_request", TRIP, "sales_admin")
    flow.approve(instance, "Task_ManagerApproval", "director")
    flow.reject(instance, "Task_DepartmentHeadApproval", "gm")
    flow.complete(instance, "Task_ReviseRequest", "sales_admin", {**TRIP, "estimated_cost": 3000, "action": "resubmit"})
    flow.approve(instance, "Task_ManagerApproval", "director")
    assert flow.task(instance, "Task_DepartmentHeadApproval").assignee.username == "gm"
    flow.approve(instance, "Task_DepartmentHeadApproval", "gm")
    assert instance.status is InstanceStatus.completed


def test_a_resolver_that_names_the_requester_goes_to_his_manager(org):
    """A lane that names the requester himself for an approval (as
    ``@regional_manager_of_customer`` does for a regional manager's own
    customer): his manager decides instead; a task that approves nothing
    stays his."""
    starter = org("rm_east")
    instance = SimpleNamespace(id=-1, started_by=starter, started_by_id=starter.id,
                               definition=SimpleNamespace(user_tasks=[]))
    step = SimpleNamespace(element_id="Task_Approve", approval=True, approval_stage=None)
    assert performer_for("@requester", instance, {}, "审批", step=step).username == "director"
    not_an_approval = SimpleNamespace(element_id="Task_Revise", approval=False, approval_stage=None)
    assert performer_for("@requester", instance, {}, "修改", step=not_an_approval).username == "rm_east"


def _maker_checker_diagram() -> bytes:
    """A sales_admin makes a document, a sales_admin checks it."""
    return """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_Hang" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="hang_probe" name="制单审核样例" isExecutable="true">
    <bpmn:laneSet id="LaneSet_Hang"><bpmn:lane id="Lane_Admin" name="sales_admin">
      <bpmn:flowNodeRef>StartEvent_Hang</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Make</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>Task_Check</bpmn:flowNodeRef><bpmn:flowNodeRef>EndEvent_Hang</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_Hang">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="startRoles" value="sales_admin,sales_rep" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Task_Make" name="制单">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="Task_Check" name="审核">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />
        <spiffworkflow:property name="approval" value="true" />
        <spiffworkflow:property name="makers" value="Task_Make" />
        <spiffworkflow:property name="shows" value="comment" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_Hang"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_Hang" targetRef="Task_Make" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Make" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Check" targetRef="EndEvent_Hang" />
  </bpmn:process>
</bpmn:definitions>""".encode()


@pytest.fixture
def probe(org):
    from tests.support.flow_driver import FlowDriver

    approval_form = (Path(__file__).parents[2] / "forms" / "approval.json").read_bytes()
    deployment.deploy({"hang_probe.bpmn": _maker_checker_diagram(), "approval.json": approval_form})
    return FlowDriver(org)


def test_a_role_with_no_eligible_holder_left_goes_to_the_manager_above(probe):
    """sales_admin2 requests, sales_admin makes the document: neither of the
    two sales administrators may check it, so their manager (the director) does."""
    instance = probe.start("hang_probe", {}, "sales_admin2")
    probe.complete(instance, "Task_Make", "sales_admin", {"decision": "approve", "comment": "已制单"})
    check = probe.task(instance, "Task_Check")
    assert check.candidate_role is None and check.assignee.username == "director"
    probe.approve(instance, "Task_Check", "director")
    assert instance.status is InstanceStatus.completed


def test_a_role_with_an_eligible_holder_stays_a_role_task(probe):
    instance = probe.start("hang_probe", {}, "rep_east1")
    probe.complete(instance, "Task_Make", "sales_admin", {"decision": "approve", "comment": "已制单"})
    check = probe.task(instance, "Task_Check")
    assert check.candidate_role == "sales_admin" and check.assignee_id is None
    assert check not in tasks.tasks_for(probe.user("sales_admin"))  # the maker is not offered it
    assert check in tasks.tasks_for(probe.user("sales_admin2"))
    with pytest.raises(Forbidden):
        probe.approve(instance, "Task_Check", "sales_admin")
    probe.approve(instance, "Task_Check", "sales_admin2")
    assert instance.status is InstanceStatus.completed
