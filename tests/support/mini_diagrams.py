"""Minimal BPMN diagrams written for one construct each: a none start event
that sales reps may start, the construct, an end event, and the flows
between them. They are otherwise valid, so a refusal is the construct's."""
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_Mini" '
        'targetNamespace="http://bpmn.io/schema/bpmn">\n')
START_ROLES = ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="startRoles" '
               'value="sales_rep" /></spiffworkflow:properties></bpmn:extensionElements>')


def process(key: str, node: str, *, node_id: str = "Node", start_id: str | None = None,
            end_id: str | None = None, start_inner: str = START_ROLES) -> str:
    """One process ``key``: start → ``node`` (an element with id ``node_id``) → end."""
    start_id, end_id = start_id or f"StartEvent_{key}", end_id or f"EndEvent_{key}"
    return (f'<bpmn:process id="{key}" name="{key}" isExecutable="true">\n'
            f'<bpmn:startEvent id="{start_id}">{start_inner}</bpmn:startEvent>\n{node}\n'
            f'<bpmn:endEvent id="{end_id}" />\n'
            f'<bpmn:sequenceFlow id="Flow_In_{key}" sourceRef="{start_id}" targetRef="{node_id}" />\n'
            f'<bpmn:sequenceFlow id="Flow_Out_{key}" sourceRef="{node_id}" targetRef="{end_id}" />\n'
            f'</bpmn:process>\n')


def definitions(*parts: str) -> bytes:
    """A BPMN file holding ``parts`` (processes, signals, messages)."""
    return (HEAD + "".join(parts) + "</bpmn:definitions>\n").encode()


def script_task(script: str, element_id: str = "Node", inner: str = "") -> str:
    return f'<bpmn:scriptTask id="{element_id}">{inner}<bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'


def catch_event(definitions_xml: str, element_id: str = "Node") -> str:
    return f'<bpmn:intermediateCatchEvent id="{element_id}">{definitions_xml}</bpmn:intermediateCatchEvent>'


def call_activity(called: str, element_id: str = "Node") -> str:
    return f'<bpmn:callActivity id="{element_id}" calledElement="{called}" />'
