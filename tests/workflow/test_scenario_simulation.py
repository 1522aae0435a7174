"""The in-memory scenario run on one construct each: where it waits for a
timer or a message, and a script failing in the sandbox, each named by its
element; the diagrams compiled as a deployment compiles them."""
import pytest

from app.actions import registered_actions
from app.workflow.bundle import compile_bundle
from app.workflow.scenario_run import simulate
from tests.support import mini_diagrams as mini


def _run(node: str, *extra: str, data: dict | None = None):
    compiled, problems = compile_bundle({"mini.bpmn": mini.definitions(mini.process("mini", node), *extra)}, {},
                                        lane_names={"sales_rep"}, actions=registered_actions())
    assert not problems, problems
    [process] = compiled
    return simulate(f"test:{process.content_hash}", process.spec_json, data or {}, {}, {})


def test_a_timer_stops_the_run_waiting_there():
    run = _run(mini.catch_event('<bpmn:timerEventDefinition><bpmn:timeDuration>"P3D"</bpmn:timeDuration>'
                                '</bpmn:timerEventDefinition>'))
    assert (run.completed, run.reason, run.stopped_at) == (False, "waiting_timer", "Node")
    assert run.path == ("StartEvent_mini",)


def test_a_message_stops_the_run_waiting_there():
    run = _run(mini.catch_event('<bpmn:messageEventDefinition messageRef="Message_Paid" />'),
               '<bpmn:message id="Message_Paid" name="paid" />')
    assert (run.completed, run.reason, run.stopped_at) == (False, "waiting_message", "Node")
    assert "paid" in run.message


@pytest.mark.parametrize("script, said", [("x = amount / zero", "division by zero"), ("x = nowhere + 1", "nowhere"),
                                          ("x = int(text)", "invalid literal")])
def test_a_script_failing_in_the_sandbox_stops_there_with_its_error(script, said):
    run = _run(mini.script_task(script), data={"amount": 1, "zero": 0, "text": "abc"})
    assert (run.completed, run.reason, run.stopped_at) == (False, "engine_error", "Node")
    assert said in run.message and run.path == ("StartEvent_mini",)


def test_a_script_that_runs_reaches_the_end():
    run = _run(mini.script_task("total = amount * 2"), data={"amount": 21})
    assert run.completed and run.path == ("StartEvent_mini", "Node", "EndEvent_mini")
