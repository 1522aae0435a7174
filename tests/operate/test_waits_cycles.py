"""Firing early the timers no sales flow has yet: a non-interrupting cycle
timer on a step (its pending occurrence runs now, the ones after it keep
their schedule, the step stays open) and an intermediate date timer; both
re-execute VERIFIED."""
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.services import instance_waits, instances, replay, tasks
from app.services.deployment import deploy
from app.models import InstanceStatus

PROBE_FORM = Path(__file__).resolve().parents[1] / "engine" / "diagrams" / "probe_form.json"
DATE = "2026-12-05T00:00:00+00:00"
DIAGRAM = f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_WaitProbe" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="wait_probe" name="等待样例" isExecutable="true">
    <bpmn:laneSet id="LaneSet_WaitProbe">
      <bpmn:lane id="Lane_Requester" name="@requester">
        <bpmn:flowNodeRef>StartEvent_WaitProbe</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Task_Answer</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Timer_Remind</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Timer_Date</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>EndEvent_Reminded</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>EndEvent_Done</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_WaitProbe"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="startRoles" value="sales_rep" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>Flow_ToAnswer</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Answer" name="答复">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="probe_form.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>Flow_ToAnswer</bpmn:incoming><bpmn:outgoing>Flow_Answered</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="Timer_Remind" name="每小时提醒" attachedToRef="Task_Answer" cancelActivity="false">
      <bpmn:outgoing>Flow_Reminded</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDefinition_Remind"><bpmn:timeCycle>"R3/PT1H"</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:intermediateCatchEvent id="Timer_Date" name="等到五日">
      <bpmn:incoming>Flow_Answered</bpmn:incoming><bpmn:outgoing>Flow_Done</bpmn:outgoing>
      <bpmn:timerEventDefinition id="TimerDefinition_Date"><bpmn:timeDate>"{DATE}"</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="EndEvent_Reminded"><bpmn:incoming>Flow_Reminded</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="EndEvent_Done"><bpmn:incoming>Flow_Done</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_ToAnswer" sourceRef="StartEvent_WaitProbe" targetRef="Task_Answer" />
    <bpmn:sequenceFlow id="Flow_Answered" sourceRef="Task_Answer" targetRef="Timer_Date" />
    <bpmn:sequenceFlow id="Flow_Reminded" sourceRef="Timer_Remind" targetRef="EndEvent_Reminded" />
    <bpmn:sequenceFlow id="Flow_Done" sourceRef="Timer_Date" targetRef="EndEvent_Done" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def probe(org, frozen_clock):
    deploy({"wait_probe.bpmn": DIAGRAM.encode(), "probe_form.json": PROBE_FORM.read_bytes()})
    return instances.start_instance("wait_probe", {}, org("rep_east1"))


def _timers(instance, org):
    return {t.element_id: t for t in instance_waits.instance_waits(instance.id, org("process_admin")).waits.timers}


def test_a_cycle_occurrence_fired_now_keeps_the_schedule_of_the_next(probe, org, frozen_clock):
    start = frozen_clock.now
    remind = _timers(probe, org)["Timer_Remind"]
    assert (remind.timing, remind.interrupting, remind.kind) == ("cycle", False, "boundary")
    assert remind.due == start + timedelta(hours=1)
    frozen_clock.advance(minutes=10)
    instance_waits.fire_timer_now(probe.id, "Timer_Remind", "先提醒一次", org("process_admin"))
    after = _timers(probe, org)["Timer_Remind"]
    assert after.due == start + timedelta(hours=2)  # the next occurrence, as scheduled
    assert probe.next_timer_at == start + timedelta(hours=2)
    assert [t.element_id for t in tasks.tasks_for(org("rep_east1")) if t.instance_id == probe.id] == ["Task_Answer"]
    assert replay.reexecute(probe.id).status == "VERIFIED"


def test_an_intermediate_date_timer_fired_now_ends_the_wait(probe, org, frozen_clock):
    task = next(t for t in tasks.tasks_for(org("rep_east1")) if t.instance_id == probe.id)
    tasks.complete_task(task.id, org("rep_east1"), {"name": "ok", "amount": 1})
    date = _timers(probe, org)["Timer_Date"]
    assert (date.kind, date.timing, date.interrupting) == ("intermediate", "date", None)
    assert date.due == datetime.fromisoformat(DATE).astimezone(timezone.utc)
    frozen_clock.advance(hours=1)
    instance_waits.fire_timer_now(probe.id, "Timer_Date", "不必再等", org("process_admin"))
    assert probe.status is InstanceStatus.completed and probe.next_timer_at is None
    assert replay.reexecute(probe.id).status == "VERIFIED"
