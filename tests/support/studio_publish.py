"""travel_request with one more step (a travel desk booking by the general
manager after the approvals), as a studio draft publishes it."""
from app.services.deployment import REPO_ROOT

TRAVEL = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")
NEW_TASK = """<bpmn:userTask id="Task_TravelDesk" name="差旅预订">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_ToApprovedEnd</bpmn:incoming>
      <bpmn:outgoing>Flow_TravelDeskDone</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_TravelDeskDone" sourceRef="Task_TravelDesk" targetRef="EndEvent_Approved" />
    """


def travel_with_desk(form: bool = True, lane: bool = True) -> str:
    """The diagram with Task_TravelDesk between the approvals and the end;
    without ``form`` or ``lane`` it breaks the deploy lint."""
    xml = TRAVEL.replace('<bpmn:sequenceFlow id="Flow_ToApprovedEnd" sourceRef="Gateway_JoinApproved" '
                         'targetRef="EndEvent_Approved" />',
                         '<bpmn:sequenceFlow id="Flow_ToApprovedEnd" sourceRef="Gateway_JoinApproved" '
                         'targetRef="Task_TravelDesk" />')
    xml = xml.replace('<bpmn:incoming>Flow_ToApprovedEnd</bpmn:incoming>\n    </bpmn:endEvent>',
                      '<bpmn:incoming>Flow_TravelDeskDone</bpmn:incoming>\n    </bpmn:endEvent>')
    task = NEW_TASK if form else NEW_TASK.replace(
        '<spiffworkflow:property name="formJsonSchemaFilename" value="approval.json" />', "")
    xml = xml.replace('<bpmn:endEvent id="EndEvent_Approved"', task + '<bpmn:endEvent id="EndEvent_Approved"')
    if lane:
        xml = xml.replace("<bpmn:flowNodeRef>Gateway_GMDecision</bpmn:flowNodeRef>",
                          "<bpmn:flowNodeRef>Gateway_GMDecision</bpmn:flowNodeRef>\n"
                          "        <bpmn:flowNodeRef>Task_TravelDesk</bpmn:flowNodeRef>")
    assert "Task_TravelDesk" in xml and 'targetRef="Task_TravelDesk"' in xml
    return xml
