"""The benchmark's diagram: ten user tasks in a row; after step 2 the
request can be sent back to step 1 (the rejection loop)."""

STEPS = 10
FORM = """{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "title": "步骤",
 "properties": {"decision": {"type": "string", "enum": ["approve", "reject"]}, "note": {"type": "string"}},
 "additionalProperties": false}"""


def _task(number: int) -> str:
    return f"""
    <bpmn:userTask id="Task_Step{number:02d}" name="步骤{number}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="bench_step.json" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>"""


def _flow(source: str, target: str, condition: str | None = None) -> str:
    body = f"<bpmn:conditionExpression>{condition}</bpmn:conditionExpression>" if condition else ""
    return f'<bpmn:sequenceFlow id="Flow_{source}_{target}" sourceRef="{source}" targetRef="{target}">{body}</bpmn:sequenceFlow>'


def bench_bpmn() -> str:
    tasks = [f"Task_Step{n:02d}" for n in range(1, STEPS + 1)]
    nodes = ["StartEvent_Bench", *tasks, "Gateway_Loop", "EndEvent_Bench"]
    flows = [_flow("StartEvent_Bench", tasks[0]), _flow(tasks[0], tasks[1]), _flow(tasks[1], "Gateway_Loop"),
             _flow("Gateway_Loop", tasks[0], 'decision == "reject"'),
             _flow("Gateway_Loop", tasks[2], 'decision != "reject"')]
    flows += [_flow(a, b) for a, b in zip(tasks[2:], tasks[3:])] + [_flow(tasks[-1], "EndEvent_Bench")]
    refs = "".join(f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>" for node in nodes)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_Bench" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="bench_ten_steps" name="十步基准" isExecutable="true">
    <bpmn:laneSet id="LaneSet_Bench"><bpmn:lane id="Lane_Requester" name="@requester">{refs}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_Bench">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="startRoles" value="sales_rep" />
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:startEvent>
    {"".join(_task(n) for n in range(1, STEPS + 1))}
    <bpmn:exclusiveGateway id="Gateway_Loop" />
    <bpmn:endEvent id="EndEvent_Bench" />
    {"".join(flows)}
  </bpmn:process>
</bpmn:definitions>"""
