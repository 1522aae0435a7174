"""Segregation of duties within an approval stage (``approvalStage``): the
same person may approve the contract and, later, the shipping note of one
request, but never two approvals of one stage."""
import pytest

from app.errors import Forbidden
from app.services import deployment

_STEPS = [("Task_ContractReview", "contract"), ("Task_OrderReview", "order"), ("Task_OrderRecheck", "order"),
          ("Task_FinalCheck", None)]


def _approval(element: str, stage: str | None, incoming: str, outgoing: str) -> str:
    stage_property = f'<spiffworkflow:property name="approvalStage" value="{stage}" />' if stage else ""
    return f"""<bpmn:userTask id="{element}" name="{element}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />
        <spiffworkflow:property name="approval" value="true" />{stage_property}
        <spiffworkflow:property name="shows" value="comment" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>"""


def _diagram() -> bytes:
    """Start → the four approvals of _STEPS in a row → end, in one lane."""
    nodes = ["StartEvent_Stages", *(element for element, _ in _STEPS), "EndEvent_Stages"]
    flows = [f"Flow_{n}" for n in range(len(nodes) - 1)]
    tasks = [_approval(element, stage, flows[i], flows[i + 1]) for i, (element, stage) in enumerate(_STEPS)]
    sequence = [f'<bpmn:sequenceFlow id="{flow}" sourceRef="{nodes[i]}" targetRef="{nodes[i + 1]}" />'
                for i, flow in enumerate(flows)]
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_Stages" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="stage_probe" name="分段审批样例" isExecutable="true">
    <bpmn:laneSet id="LaneSet_Stages"><bpmn:lane id="Lane_Admin" name="sales_admin">{refs}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_Stages"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="startRoles" value="sales_rep" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>{flows[0]}</bpmn:outgoing></bpmn:startEvent>
    {"".join(tasks)}
    <bpmn:endEvent id="EndEvent_Stages"><bpmn:incoming>{flows[-1]}</bpmn:incoming></bpmn:endEvent>
    {"".join(sequence)}
  </bpmn:process>
</bpmn:definitions>""".encode()


@pytest.fixture
def staged(org):
    from pathlib import Path

    from tests.support.flow_driver import FlowDriver

    approval_form = (Path(__file__).parents[2] / "forms" / "approval.json").read_bytes()
    deployment.deploy({"stage_probe.bpmn": _diagram(), "approval.json": approval_form})
    return FlowDriver(org)


def test_one_person_approves_once_per_stage(staged):
    flow = staged
    instance = flow.start("stage_probe", {}, "rep_east1")
    assert flow.task(instance, "Task_ContractReview").approval_stage == "contract"
    flow.approve(instance, "Task_ContractReview", "sales_admin")
    flow.approve(instance, "Task_OrderReview", "sales_admin")  # another stage: allowed
    with pytest.raises(Forbidden) as caught:  # the same stage twice: refused
        flow.approve(instance, "Task_OrderRecheck", "sales_admin")
    assert caught.value.code == "segregation_of_duties"
    flow.approve(instance, "Task_OrderRecheck", "sales_admin2")
    # a step without a stage only meets other steps without a stage
    flow.approve(instance, "Task_FinalCheck", "sales_admin")
    assert instance.status.value == "completed"
