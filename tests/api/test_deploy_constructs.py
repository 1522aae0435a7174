"""Deploy says the truth: what would deploy and then fail, wait forever or
spin is refused with the element and the reason, and saves nothing."""
import io

import pytest

from tests.support import mini_diagrams as mini
from tests.support.api_client import error_of

TIMER = '<bpmn:timerEventDefinition><bpmn:{kind}>{text}</bpmn:{kind}></bpmn:timerEventDefinition>'
MI = ('<bpmn:multiInstanceLoopCharacteristics><bpmn:{part}>{text}</bpmn:{part}>'
      '</bpmn:multiInstanceLoopCharacteristics>')
MESSAGE = '<bpmn:message id="Message_Go" name="go" />'
SIGNAL = '<bpmn:signal id="Signal_Go" name="go" />'
EVENT_GATEWAY = """<bpmn:eventBasedGateway id="Node" />
<bpmn:intermediateCatchEvent id="Event_Wait"><bpmn:timerEventDefinition><bpmn:timeDuration>"P1D"</bpmn:timeDuration>
</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="Flow_Wait" sourceRef="Node" targetRef="Event_Wait" />"""


def _upload(files: dict[str, bytes]) -> dict:
    return {"data": {"files": [(io.BytesIO(content), name) for name, content in files.items()]},
            "content_type": "multipart/form-data"}


def _refused(api, files: dict[str, bytes]) -> list[dict]:
    admin = api("process_admin")
    before = admin.ok("get", "/process-definitions?all=true")
    problems = error_of(admin.post("/process-definitions", **_upload(files)), 422, "invalid_deployment")
    assert admin.ok("get", "/process-definitions?all=true") == before  # nothing saved
    return problems["details"]["problems"]


def _one(api, node: str, *extra: str, **ids) -> list[dict]:
    return _refused(api, {"mini.bpmn": mini.definitions(*extra, mini.process("mini", node, **ids))})


def _names(problems, element_id, *words):
    found = [p for p in problems if p["element_id"] == element_id]
    assert found, problems
    assert any(all(word in p["message"] for word in words) for p in found), found
    assert all(p["file"] == "mini.bpmn" and isinstance(p["line"], int) for p in found), found


@pytest.mark.parametrize("node, extra, element_id, words", [
    ('<bpmn:task id="Node" />', (), "Node", ("plain bpmn:task", "userTask")),
    (EVENT_GATEWAY, (), "Node", ("Event-based gateways",)),
    (mini.catch_event('<bpmn:signalEventDefinition signalRef="Signal_Go" />'), (SIGNAL,), "Node", ("Signals",)),
    ('<bpmn:intermediateThrowEvent id="Node"><bpmn:signalEventDefinition signalRef="Signal_Go" />'
     '</bpmn:intermediateThrowEvent>', (SIGNAL,), "Node", ("Signals",)),
    (mini.catch_event('<bpmn:messageEventDefinition messageRef="Message_Go" />'
                      + TIMER.format(kind="timeDuration", text='"P1D"')), (MESSAGE,), "Node", ("several triggers",)),
    (mini.catch_event(TIMER.format(kind="timeDuration", text="PT5M")), (), "Node", ("PT5M", '"PT5M"')),
    (mini.catch_event(TIMER.format(kind="timeCycle", text="R3/PT15S")), (), "Node", ("R3/PT15S", "quote")),
    (mini.script_task("x = 1", inner=MI.format(part="loopCardinality", text="__import__('os')")), (), "Node",
     ("loopCardinality", "not allowed")),
    (mini.script_task("x = 1", inner=MI.format(part="loopCardinality", text="3") + "").replace(
        "</bpmn:loopCardinality>", "</bpmn:loopCardinality><bpmn:completionCondition>().__class__"
        "</bpmn:completionCondition>"), (), "Node", ("completionCondition", "not allowed")),
    (mini.catch_event('<bpmn:conditionalEventDefinition><bpmn:condition>x.__class__</bpmn:condition>'
                      '</bpmn:conditionalEventDefinition>'), (), "Node", ("Conditional event", "not allowed")),
])
def test_a_construct_that_could_not_run_is_refused_naming_it(api, node, extra, element_id, words):
    _names(_one(api, node, *extra), element_id, *words)


def test_a_message_start_event_is_refused(api):
    start = '<bpmn:messageEventDefinition messageRef="Message_Go" />'
    problems = _one(api, mini.script_task("x = 1"), MESSAGE, start_inner=start)
    _names(problems, "StartEvent_mini", "message")


def test_ids_the_engine_uses_itself_are_refused(api):
    problems = _one(api, mini.script_task("x = 1"), start_id="Start", end_id="End",
                    start_inner=mini.START_ROLES)
    _names(problems, "Start", "engine gives its own tasks")
    _names(problems, "End", "engine gives its own tasks")


@pytest.mark.parametrize("script, name", [
    ('text = open("/etc/passwd").read()', "open"),
    ('code = compile("1", "x", "eval")', "compile"),
    ("names = globals()", "globals"),
    ('setattr(date, "today", None)', "setattr"),
])
def test_a_script_calling_what_the_sandbox_does_not_have_is_refused(api, script, name):
    _names(_one(api, mini.script_task(script)), "Node", f"{name}()")


def test_a_script_may_call_what_it_defines_and_what_the_sandbox_has(api):
    script = "def open(x):\n  return x\ny = open(1) + len([1]) + int('2')"
    files = {"mini.bpmn": mini.definitions(mini.process("mini_ok", mini.script_task(script)))}
    assert api("process_admin").ok("post", "/process-definitions", 201, **_upload(files))[0]["key"] == "mini_ok"


def test_a_process_calling_itself_is_refused(api):
    _names(_one(api, mini.call_activity("mini")), "Node", "calls back into its own process", "mini → mini")


def test_processes_calling_each_other_are_refused(api):
    other = mini.process("helper", mini.call_activity("mini", element_id="Call_Back"), node_id="Call_Back")
    problems = _refused(api, {"mini.bpmn": mini.definitions(mini.process("mini", mini.call_activity("helper")), other)})
    _names(problems, "Node", "mini → helper → mini")
    _names(problems, "Call_Back", "helper → mini → helper")


def test_a_call_into_another_file_is_refused_with_the_reason(api):
    files = {"mini.bpmn": mini.definitions(mini.process("mini", mini.call_activity("helper"))),
             "helper.bpmn": mini.definitions(mini.process("helper", mini.script_task("x = 1")))}
    _names(_refused(api, files), "Node", "'helper'", "own file")


def test_a_call_into_the_same_file_deploys(api):
    helper = mini.process("helper_sub", mini.script_task("x = 1", element_id="Script_Sub"), node_id="Script_Sub")
    files = {"mini.bpmn": mini.definitions(mini.process("mini_calls", mini.call_activity("helper_sub")), helper)}
    keys = {d["key"] for d in api("process_admin").ok("post", "/process-definitions", 201, **_upload(files))}
    assert "mini_calls" in keys
