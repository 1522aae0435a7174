"""A command's engine work ends in one Outcome: plain values the service
applies, never an engine object, and only what the command changed."""
import dataclasses
from datetime import datetime

import pytest

from app.workflow.outcome import Outcome
from app.workflow.runtime import Run

TRIP = {"purpose": "客户拜访", "reason": "客户提出现场需求", "destination": "西安", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 300,
        "requester": {"username": "x", "display_name": "x", "level": "staff", "department": None, "region": None}}
PLAIN = (str, int, float, bool, type(None), datetime)


def _assert_plain(value, path="outcome"):
    if dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            _assert_plain(getattr(value, item.name), f"{path}.{item.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _assert_plain(key, f"{path}[key]")
            _assert_plain(item, f"{path}[{key!r}]")
    elif isinstance(value, (list, tuple, frozenset)):
        for index, item in enumerate(value):
            _assert_plain(item, f"{path}[{index}]")
    else:
        assert isinstance(value, PLAIN), f"{path} is a {type(value).__name__}"


@pytest.fixture
def travel(deployed):
    from app.services.deployment import find_definition

    return find_definition("travel_request")


def _applies(_task, _operation, _params) -> dict:
    return {"ok": True}  # ledger.check_traveller: the traveller works at head office


def _start(definition) -> Run:
    return Run.start(definition.cache_key, definition.spec, TRIP, service_handler=_applies)


def test_starting_reports_the_first_task_with_its_data(travel):
    outcome = _start(travel).settle()
    assert isinstance(outcome, Outcome)
    _assert_plain(outcome)
    (task,) = outcome.opened
    assert task.element_id == "Task_ManagerApproval" and task.data["destination"] == "西安"
    assert outcome.closed == frozenset() and outcome.thrown == () and outcome.failure is None
    assert not outcome.completed and outcome.data["requester"]["username"] == "x"
    assert isinstance(outcome.state, str) and outcome.awaited == frozenset() and outcome.next_timer_due is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        outcome.completed = True


def test_a_step_reports_what_it_opened_and_closed(travel):
    """Against the tasks READY when its run was loaded: one run, one command."""
    started = _start(travel).settle()
    (approval,) = started.opened
    run = Run.load(travel.cache_key, travel.spec, started.state, service_handler=None)
    run.complete(approval.task_id, {"decision": "reject", "comment": "再改"})
    outcome = run.settle()
    _assert_plain(outcome)
    assert outcome.closed == {approval.task_id}
    assert [task.element_id for task in outcome.opened] == ["Task_ReviseRequest"]
    assert outcome.data["decision"] == "reject"


def test_cancelling_a_loaded_run_reports_its_open_task_closed(travel):
    started = _start(travel).settle()
    (approval,) = started.opened
    run = Run.load(travel.cache_key, travel.spec, started.state, service_handler=None)
    run.cancel()
    outcome = run.outcome()
    _assert_plain(outcome)
    assert outcome.closed == {approval.task_id} and outcome.opened == () and outcome.failure is None
