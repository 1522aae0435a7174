"""A command whose engine steps never reach a person, a timer or a message
is stopped by the step budget: the instance shows the error, nothing hangs."""
import io
import signal

import pytest

from app.workflow import runtime
from tests.support import mini_diagrams as mini

# start → Node → Gateway_Again → Node → ...: the way to the end is never taken.
LOOP = mini.definitions(f"""<bpmn:process id="runaway" isExecutable="true">
<bpmn:startEvent id="StartEvent_Runaway">{mini.START_ROLES}</bpmn:startEvent>
{mini.script_task("laps = 1")}
<bpmn:exclusiveGateway id="Gateway_Again" default="Flow_Again" />
<bpmn:endEvent id="EndEvent_Never" />
<bpmn:sequenceFlow id="Flow_In" sourceRef="StartEvent_Runaway" targetRef="Node" />
<bpmn:sequenceFlow id="Flow_Lap" sourceRef="Node" targetRef="Gateway_Again" />
<bpmn:sequenceFlow id="Flow_Again" sourceRef="Gateway_Again" targetRef="Node" />
<bpmn:sequenceFlow id="Flow_Never" sourceRef="Gateway_Again" targetRef="EndEvent_Never">
<bpmn:conditionExpression>laps &lt; 0</bpmn:conditionExpression></bpmn:sequenceFlow>
</bpmn:process>""")


class _Hung(Exception):
    pass


@pytest.fixture
def deadline():
    """Fails the test instead of hanging it: SIGALRM after ``seconds``."""
    def on_alarm(*_):
        raise _Hung("the command did not finish")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    yield lambda seconds: signal.alarm(seconds)
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("limit", ["steps", "seconds"])
def test_a_runaway_start_stops_with_the_instance_in_error(api, monkeypatch, deadline, limit):
    if limit == "steps":
        monkeypatch.setattr(runtime, "MAX_ENGINE_STEPS", 300)
    else:
        monkeypatch.setattr(runtime, "MAX_ENGINE_SECONDS", 0.5)
    upload = {"data": {"files": [(io.BytesIO(LOOP), "runaway.bpmn")]}, "content_type": "multipart/form-data"}
    api("process_admin").ok("post", "/process-definitions", 201, **upload)
    deadline(60)
    started = api("rep_east1").start("runaway", {})
    assert started["status"] == "error"
    assert started["error"]["element_id"] in {"Node", "Gateway_Again"}
    assert ("engine steps" in started["error"]["message"]) and ("loop" in started["error"]["message"])
