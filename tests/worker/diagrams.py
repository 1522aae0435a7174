"""Small diagrams for the worker's tests."""

SLA_PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_SlaProbe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="sla_probe" name="时限样例" isExecutable="true">
    <bpmn:laneSet id="LaneSet_Sla">
      <bpmn:lane id="Lane_Manager" name="@manager_of_requester">
        <bpmn:flowNodeRef>StartEvent_Sla</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>EndEvent_Sla</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_Sla"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="startRoles" value="sales_rep" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>Flow_ToReview</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Review" name="审核">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="sla_form.json" />
        <spiffworkflow:property name="due" value="PT4H" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_ToReview</bpmn:incoming><bpmn:outgoing>Flow_Reviewed</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_Sla"><bpmn:incoming>Flow_Reviewed</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_ToReview" sourceRef="StartEvent_Sla" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_Reviewed" sourceRef="Task_Review" targetRef="EndEvent_Sla" />
  </bpmn:process>
</bpmn:definitions>"""

MONTHLY_PROBE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_MonthlyProbe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="monthly_probe" name="月度样例" isExecutable="true">
    <bpmn:laneSet id="LaneSet_Monthly">
      <bpmn:lane id="Lane_SalesAdmin" name="sales_admin">
        <bpmn:flowNodeRef>StartEvent_ByHand</bpmn:flowNodeRef><bpmn:flowNodeRef>StartEvent_Monthly</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Check</bpmn:flowNodeRef><bpmn:flowNodeRef>EndEvent_Monthly</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_ByHand"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="startRoles" value="sales_admin" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>Flow_ByHand</bpmn:outgoing></bpmn:startEvent>
    <bpmn:startEvent id="StartEvent_Monthly"><bpmn:outgoing>Flow_Monthly</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDefinition_Monthly"><bpmn:timeCycle>"R/2026-01-01T01:00:00+08:00/P1M"</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:userTask id="Task_Check" name="核对">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="sla_form.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_ByHand</bpmn:incoming><bpmn:incoming>Flow_Monthly</bpmn:incoming><bpmn:outgoing>Flow_Checked</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_Monthly"><bpmn:incoming>Flow_Checked</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_ByHand" sourceRef="StartEvent_ByHand" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="Flow_Monthly" sourceRef="StartEvent_Monthly" targetRef="Task_Check" />
    <bpmn:sequenceFlow id="Flow_Checked" sourceRef="Task_Check" targetRef="EndEvent_Monthly" />
  </bpmn:process>
</bpmn:definitions>"""

SLA_FORM = """{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "title": "处理",
 "properties": {"note": {"type": "string", "title": "说明"}}, "additionalProperties": false}"""


def files() -> dict[str, bytes]:
    return {"sla_probe.bpmn": SLA_PROBE.encode(), "monthly_probe.bpmn": MONTHLY_PROBE.encode(),
            "sla_form.json": SLA_FORM.encode()}
