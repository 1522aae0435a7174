"""/studio/processes/<key>/scenarios: process admins save, edit and delete
test scenarios; auditors list and run them but save nothing; a run against
the draft, a version or the latest version writes nothing; everyone else
is refused."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, HumanTask, LedgerEntry, ProcessInstance, StudioScenario
from tests.support.api_client import PREFIX, error_of
from tests.support.studio_scenarios import APPROVED, BROKEN_GATEWAY, NO_DECISION, REJECTED

SCENARIOS = "/studio/processes/travel_request/scenarios"


def _call(api, username, method, path, **kwargs):
    user = api(username)
    return getattr(user.client, method)(PREFIX + path, headers=user.headers, **kwargs)


def _save(api, fields):
    response = _call(api, "process_admin", "post", SCENARIOS, json=fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _counts():
    return [db.session.scalar(select(func.count()).select_from(model))
            for model in (ProcessInstance, HumanTask, LedgerEntry, AuditEvent, StudioScenario)]


def test_save_list_run_edit_and_delete(api):
    saved = _save(api, APPROVED)
    assert (saved["name"], saved["created_by"], saved["expected_end"]) == (APPROVED["name"], "process_admin",
                                                                           "EndEvent_Approved")
    rejected = _save(api, REJECTED)
    listed = api("auditor").ok("get", SCENARIOS)
    assert [s["name"] for s in listed] == sorted([APPROVED["name"], REJECTED["name"]])
    before = _counts()
    run = api("process_admin").ok("post", f"{SCENARIOS}/{saved['id']}/run")
    assert run["passed"] and run["completed"] and run["path"][-1] == "EndEvent_Approved"
    reject_run = api("auditor").ok("post", f"{SCENARIOS}/{rejected['id']}/run?version=1")
    assert reject_run["passed"] and "Task_ReviseRequest" in reject_run["path"]
    assert _counts() == before
    edited = {**APPROVED, "decisions": NO_DECISION["decisions"]}
    response = _call(api, "process_admin", "put", f"{SCENARIOS}/{saved['id']}", json=edited)
    assert response.status_code == 200, response.get_json()
    run = api("process_admin").ok("post", f"{SCENARIOS}/{saved['id']}/run")
    assert (run["passed"], run["stopped_at"], run["reason"]) == (False, "Task_DepartmentHeadApproval", "no_decision")
    assert _call(api, "process_admin", "delete", f"{SCENARIOS}/{saved['id']}").status_code == 204
    assert [s["name"] for s in api("auditor").ok("get", SCENARIOS)] == [REJECTED["name"]]
    error_of(_call(api, "process_admin", "post", f"{SCENARIOS}/{saved['id']}/run"), 404)


def test_a_run_against_the_draft_stops_at_its_broken_gateway(api):
    saved = _save(api, APPROVED)
    error_of(_call(api, "process_admin", "post", f"{SCENARIOS}/{saved['id']}/run?draft=1"), 404)
    response = _call(api, "process_admin", "put", "/studio/drafts/travel_request",
                     json={"xml": BROKEN_GATEWAY, "revision": 0})
    assert response.status_code == 200
    run = api("auditor").ok("post", f"{SCENARIOS}/{saved['id']}/run?draft=1")
    assert (run["passed"], run["stopped_at"], run["reason"]) == (False, "Gateway_ManagerDecision", "engine_error")
    assert "verdict" in run["message"]
    latest = api("auditor").ok("post", f"{SCENARIOS}/{saved['id']}/run")
    assert latest["passed"]
    error_of(_call(api, "process_admin", "post", f"{SCENARIOS}/{saved['id']}/run?draft=1&version=1"), 422)
    error_of(_call(api, "process_admin", "post", f"{SCENARIOS}/{saved['id']}/run?version=99"), 404)


def test_an_auditor_runs_but_never_saves(api):
    saved = _save(api, APPROVED)
    path = f"{SCENARIOS}/{saved['id']}"
    for method, url, kwargs in [("post", SCENARIOS, {"json": REJECTED}), ("put", path, {"json": REJECTED}),
                                ("delete", path, {})]:
        error_of(_call(api, "auditor", method, url, **kwargs), 403, "read_only")
    assert [s["name"] for s in api("auditor").ok("get", SCENARIOS)] == [APPROVED["name"]]
    assert api("auditor").ok("post", f"{path}/run")["passed"]


def test_a_sales_rep_is_refused_everywhere(api):
    saved = _save(api, APPROVED)
    path = f"{SCENARIOS}/{saved['id']}"
    for method, url, kwargs in [("get", SCENARIOS, {}), ("post", SCENARIOS, {"json": REJECTED}),
                                ("put", path, {"json": REJECTED}), ("delete", path, {}), ("post", f"{path}/run", {})]:
        error_of(_call(api, "rep_east1", method, url, **kwargs), 403)


def test_bad_input_names_the_field(api):
    _save(api, APPROVED)
    taken = error_of(_call(api, "process_admin", "post", SCENARIOS, json=APPROVED), 422)
    assert "name" in taken["details"]["fields"]
    bad = error_of(_call(api, "process_admin", "post", SCENARIOS,
                         json={**REJECTED, "decisions": {"Task_ManagerApproval": "approve"}}), 422)
    assert "decisions" in bad["details"]["fields"]
    for fields, field in [({**REJECTED, "start_data": [1]}, "start_data"), ({"decisions": {}}, "name"),
                          ({**REJECTED, "name": "  "}, "name")]:
        assert field in error_of(_call(api, "process_admin", "post", SCENARIOS, json=fields), 422)["details"]["fields"]
    error_of(_call(api, "process_admin", "post", "/studio/processes/nope/scenarios", json=REJECTED), 404)
    error_of(_call(api, "process_admin", "post", f"{SCENARIOS}/{2**40}/run"), 404)
    error_of(_call(api, "process_admin", "post", f"{SCENARIOS}/1/run?version=x"), 422)
