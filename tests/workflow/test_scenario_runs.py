"""Saved studio scenarios run in memory against the real travel_request,
compiled as a deployment compiles it: approval to the end, the reject path,
a missing decision, a broken gateway, a missing service result; nothing of
it is stored."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, HumanTask, LedgerEntry, ProcessInstance, StudioScenario
from app.services import studio_scenarios
from app.services.deployment import find_definition
from tests.support.studio_scenarios import (APPROVED, BROKEN_GATEWAY, NO_DECISION, REJECTED, RESUBMITTED, TRAVEL,
                                            TRAVEL_FILE)

COUNTED = (ProcessInstance, HumanTask, LedgerEntry, AuditEvent)


@pytest.fixture
def saved(org, deployed):
    admin = org("process_admin")

    def save(*scenarios):
        for fields in scenarios:
            studio_scenarios.create_scenario("travel_request", fields, admin)

    return save


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def _by_name(runs):
    return {run.name: run for run in runs}


def test_scenarios_walk_the_real_diagram_and_write_nothing(saved):
    saved(APPROVED, REJECTED, NO_DECISION, RESUBMITTED)
    before = _counts()
    runs = _by_name(studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: TRAVEL}))
    assert _counts() == before
    approved = runs[APPROVED["name"]]
    assert approved.passed and approved.stopped_at is None and approved.completed
    assert approved.path == ("StartEvent_TravelRequested", "Task_CheckTraveller", "Gateway_Applicable",
                             "Gateway_JoinSubmission", "Gateway_ByLevel", "Task_ManagerApproval",
                             "Gateway_ManagerDecision", "Gateway_DepartmentHeadNeeded", "Task_DepartmentHeadApproval",
                             "Gateway_DepartmentHeadDecision", "Gateway_JoinApproved", "EndEvent_Approved")
    rejected = runs[REJECTED["name"]]
    assert rejected.passed and rejected.path[-4:] == ("Gateway_JoinRevision", "Task_ReviseRequest",
                                                      "Gateway_RevisionAction", "EndEvent_Withdrawn")
    assert "Task_DepartmentHeadApproval" not in rejected.path
    missing = runs[NO_DECISION["name"]]
    assert (missing.passed, missing.stopped_at, missing.reason) == (True, "Task_DepartmentHeadApproval", "no_decision")
    assert "Task_DepartmentHeadApproval" in missing.message and "EndEvent_Approved" not in missing.path
    again = runs[RESUBMITTED["name"]]
    assert again.passed and again.path.count("Task_ManagerApproval") == 2


def test_a_scenario_expecting_another_end_fails(saved):
    saved({**REJECTED, "expected_end": "EndEvent_Approved"})
    [run] = studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: TRAVEL})
    assert not run.passed and run.completed and "EndEvent_Withdrawn" in run.path


def test_a_broken_gateway_condition_stops_there_naming_it(saved):
    saved(APPROVED)
    [run] = studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: BROKEN_GATEWAY})
    assert (run.passed, run.stopped_at, run.reason) == (False, "Gateway_ManagerDecision", "engine_error")
    assert "verdict" in run.message
    assert run.path[-1] == "Task_ManagerApproval"


def test_a_missing_service_result_stops_at_the_service_task(saved):
    saved({**APPROVED, "service_results": {}})
    [run] = studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: TRAVEL})
    assert (run.passed, run.stopped_at, run.reason) == (False, "Task_CheckTraveller", "no_service_result")
    assert "Task_CheckTraveller" in run.message


def test_a_field_office_answer_takes_the_not_applicable_end(saved):
    saved({**APPROVED, "service_results": {"Task_CheckTraveller": {"ok": False}}, "expected_end": "EndEvent_NotApplicable"})
    [run] = studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: TRAVEL})
    assert run.passed and run.path[-1] == "EndEvent_NotApplicable" and "Task_ManagerApproval" not in run.path


def test_a_deployed_version_runs_with_its_own_files(saved):
    saved(APPROVED)
    definition = find_definition("travel_request")
    [run] = studio_scenarios.run_saved_scenarios("travel_request", dict(definition.files))
    assert run.passed


def test_a_draft_that_does_not_compile_fails_every_scenario(saved):
    saved(APPROVED, REJECTED)
    broken = TRAVEL.replace('targetRef="Task_ManagerApproval"', 'targetRef="Task_Nowhere"')
    runs = studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: broken})
    assert len(runs) == 2 and all(not run.passed and run.reason == "compile_failed" for run in runs)
    assert "does not compile" in runs[0].message


def test_no_saved_scenario_runs_nothing(org, deployed):
    assert studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: TRAVEL}) == []
    assert db.session.scalar(select(func.count()).select_from(StudioScenario)) == 0


def test_a_condition_the_sandbox_refuses_fails_the_compile_naming_its_flow(saved):
    saved(APPROVED)
    refused = TRAVEL.replace('>decision == "approve"<', '>open("/etc/passwd") == "approve"<', 1)
    [run] = studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: refused})
    assert (run.passed, run.reason, run.stopped_at) == (False, "compile_failed", "Flow_ManagerApproved")
    assert "open()" in run.message


def test_a_decision_its_form_refuses_stops_there(saved):
    saved({**APPROVED, "decisions": {"Task_ManagerApproval": {"decision": "reject"}}},  # a rejection must say why
          {**REJECTED, "name": "未知字段", "decisions": {"Task_ManagerApproval": {"decision": "approve", "bonus": 1}}})
    runs = _by_name(studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: TRAVEL}))
    for run in runs.values():
        assert (run.passed, run.reason, run.stopped_at) == (False, "invalid_data", "Task_ManagerApproval")
    assert "comment" in runs[APPROVED["name"]].message and "bonus" in runs["未知字段"].message


def test_start_data_its_form_refuses_stops_before_the_start(saved):
    saved({**APPROVED, "start_data": {**APPROVED["start_data"], "estimated_cost": "lots"}})
    [run] = studio_scenarios.run_saved_scenarios("travel_request", {TRAVEL_FILE: TRAVEL})
    assert (run.passed, run.reason, run.path) == (False, "invalid_data", ())
    assert "estimated_cost" in run.message
