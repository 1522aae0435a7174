"""A move keeps what is under way: a request waiting at a step with a
boundary timer moves to a version that only relabels the step; its task
row (the same row, with its new label) and its timer's due time stay, and
the timer fires on the new version as it would have on the old one."""
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import HumanTask, InstanceStatus
from app.services import deployment, events, migrations, replay

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_MigTimer" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="mig_timer_probe" name="迁移计时样例" isExecutable="true">
    <bpmn:laneSet id="LaneSet_MigTimer">
      <bpmn:lane id="Lane_Admin" name="sales_admin">
        <bpmn:flowNodeRef>StartEvent_MigTimer</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Timer_Late</bpmn:flowNodeRef><bpmn:flowNodeRef>EndEvent_Done</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>EndEvent_Late</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_MigTimer"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="startRoles" value="sales_rep" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>Flow_ToReview</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Review" name="LABEL">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="mig_timer_form.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_ToReview</bpmn:incoming><bpmn:outgoing>Flow_Reviewed</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="Timer_Late" name="两天未处理" attachedToRef="Task_Review"><bpmn:outgoing>Flow_Late</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDefinition_Late"><bpmn:timeDuration>"PT48H"</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:endEvent id="EndEvent_Done"><bpmn:incoming>Flow_Reviewed</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="EndEvent_Late"><bpmn:incoming>Flow_Late</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_ToReview" sourceRef="StartEvent_MigTimer" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="Flow_Reviewed" sourceRef="Task_Review" targetRef="EndEvent_Done" />
    <bpmn:sequenceFlow id="Flow_Late" sourceRef="Timer_Late" targetRef="EndEvent_Late" />
  </bpmn:process>
</bpmn:definitions>"""
FORM = """{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "title": "处理",
 "properties": {"note": {"type": "string", "title": "说明"}}, "additionalProperties": false}"""


def _deploy(label: str) -> int:
    [done] = deployment.deploy({"mig_timer_probe.bpmn": DIAGRAM.replace("LABEL", label).encode("utf-8"),
                                "mig_timer_form.json": FORM.encode("utf-8")})
    return done.version


def test_a_relabelled_step_keeps_its_task_row_and_its_timer(flow, frozen_clock, app):
    _deploy("审核")
    instance = flow.start("mig_timer_probe", {}, "rep_east1")
    [row] = flow.ready(instance)
    due = instance.next_timer_at
    assert due == frozen_clock.now + timedelta(hours=48)
    frozen_clock.advance(hours=10)  # a reset timer would now be due 10 hours later
    v2 = _deploy("审核（新）")

    app.config["OPERATE_MIGRATION_APPROVAL"] = False
    try:
        batch = migrations.plan_batch(flow.user("process_admin"), "mig_timer_probe", 1, v2, {}, {}, "改名")
    finally:
        app.config["OPERATE_MIGRATION_APPROVAL"] = True
    migrations.start_batch(batch.id, flow.user("process_admin"))
    assert migrations.migrate_next_item(batch.id) is not None
    assert migrations.progress(batch.id, flow.user("process_admin"))["moved"] == 1
    db.session.refresh(instance)
    db.session.refresh(row)
    assert instance.definition.version == v2 and instance.next_timer_at == due
    assert (row.name, row.status.value) == ("审核（新）", "ready")
    assert db.session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance.id)).all() == [row.id]

    frozen_clock.advance(hours=38, seconds=1)
    assert events.fire_next_due_timer() is not None
    db.session.refresh(instance)
    assert instance.status == InstanceStatus.completed
    assert replay.reexecute(instance.id).status == "VERIFIED"
