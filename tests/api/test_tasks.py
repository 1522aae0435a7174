"""/tasks: the work list, one task, claim, release, delegate, complete."""
import pytest

from tests.support.samples import APPROVE, EVALUATION, PROSPECT, RECHECK, TERMS, TRIP
from tests.support.api_client import error_of


@pytest.fixture
def director_task(api):
    """dealer_onboarding waiting at the sales director's role task."""
    rep, manager = api("rep_east2"), api("rm_east")
    instance = rep.start("dealer_onboarding", PROSPECT)
    rep.ok("post", f"/tasks/{rep.ready_task(instance['id'], 'Task_FillEvaluation')['id']}/complete", json={"data": EVALUATION})
    manager.ok("post", f"/tasks/{manager.ready_task(instance['id'], 'Task_RegionalManagerReview')['id']}/complete",
               json={"data": RECHECK})
    return api("director").ready_task(instance["id"], "Task_DirectorApproval")


@pytest.fixture
def deputy(api, create_user):
    create_user("deputy", roles=["sales_director"], display_name="副总监")
    return api("deputy", password="correct-horse")


def test_task_list_has_the_contract_fields(api, trip):
    [task] = api("rm_east").ok("get", "/tasks")
    assert set(task) >= {"id", "instance_id", "process_key", "element_id", "name", "role", "assignee", "form_key",
                         "due_at", "created_at"}
    assert (task["instance_id"], task["process_key"], task["form_key"]) == (trip["id"], "travel_request", "approval.json")
    assert (task["name"], task["name_en"]) == ("直接主管审批", "Direct manager approval")  # name stays the Chinese one
    assert api("rm_east").ok("get", "/tasks?scope=mine") == [task]
    assert api("rep_east1").ok("get", "/tasks") == []
    assert api("auditor").ok("get", "/tasks") == []


def test_role_tasks_are_offered_to_the_role_but_are_not_mine_until_claimed(api, director_task, deputy):
    director = api("director")
    assert [t["id"] for t in director.ok("get", "/tasks")] == [director_task["id"]]
    assert director.ok("get", "/tasks?scope=mine") == []
    assert [t["id"] for t in deputy.ok("get", "/tasks")] == [director_task["id"]]
    assert "scope" in error_of(director.get("/tasks?scope=everything"), 422)["details"]["fields"]


def test_task_detail_has_form_and_context(api, director_task):
    detail = api("director").ok("get", f"/tasks/{director_task['id']}")
    assert detail["form"]["title"] == "营销总监批复"
    assert detail["context"]["company_name"] == PROSPECT["company_name"]
    assert api("rep_east2").ok("get", f"/tasks/{director_task['id']}")["id"] == director_task["id"]  # the requester's own
    assert api("auditor").ok("get", f"/tasks/{director_task['id']}")["id"] == director_task["id"]
    error_of(api("rep_north1").get(f"/tasks/{director_task['id']}"), 403, "forbidden")
    error_of(api("director").get("/tasks/999999"), 404, "not_found")


def test_forms_carry_their_fields_kinds_as_the_pages_read_them(api, director_task):
    """A client renders money, references and files from the same keywords
    (README, Form fields): the forms are handed out as deployed."""
    form = api("director").ok("get", f"/tasks/{director_task['id']}")["form"]
    assert form["properties"]["credit_limit"]["x-money"] is True
    assert form["properties"]["annual_target"]["x-money"] is True
    start_form = api("rep_east2").ok("get", "/process-definitions/dealer_onboarding")["start_form"]
    assert start_form["properties"]["expected_annual_volume"]["x-money"] is True
    assert start_form["properties"]["region"]["x-ref"] == "region"


def test_claim_then_someone_else_gets_409_and_an_outsider_403(api, director_task, deputy):
    claimed = api("director").ok("post", f"/tasks/{director_task['id']}/claim")
    assert claimed["assignee"] == "director" and claimed["claimed_at"] is not None
    assert api("director").ok("post", f"/tasks/{director_task['id']}/claim")["assignee"] == "director"  # idempotent
    error_of(deputy.post(f"/tasks/{director_task['id']}/claim"), 409, "claimed_by_other")
    error_of(api("rep_north1").post(f"/tasks/{director_task['id']}/claim"), 403, "forbidden")
    error_of(api("auditor").post(f"/tasks/{director_task['id']}/claim"), 403, "read_only")
    error_of(api("director").post("/tasks/999999/claim"), 404, "not_found")


def test_release_gives_the_task_back(api, director_task, deputy):
    api("director").ok("post", f"/tasks/{director_task['id']}/claim")
    error_of(deputy.post(f"/tasks/{director_task['id']}/release"), 403, "forbidden")
    released = api("director").ok("post", f"/tasks/{director_task['id']}/release")
    assert released["assignee"] is None
    assert [t["id"] for t in deputy.ok("get", "/tasks")] == [director_task["id"]]
    error_of(api("auditor").post(f"/tasks/{director_task['id']}/release"), 403, "read_only")
    error_of(api("director").post("/tasks/999999/release"), 404, "not_found")


def test_person_tasks_cannot_be_released(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    error_of(api("rm_east").post(f"/tasks/{task['id']}/release"), 409, "not_releasable")


def test_delegate_hands_the_task_over(api, trip):
    manager = api("rm_east")
    task = manager.ready_task(trip["id"], "Task_ManagerApproval")
    delegated = manager.ok("post", f"/tasks/{task['id']}/delegate", json={"to": "assistant"})
    assert (delegated["assignee"], delegated["delegated_from"]) == ("assistant", "rm_east")
    assert [t["id"] for t in api("assistant").ok("get", "/tasks?scope=mine")] == [task["id"]]
    done = api("assistant").ok("post", f"/tasks/{task['id']}/complete", json={"data": APPROVE})
    approval = next(t for t in done["tasks"] if t["id"] == task["id"])
    assert (approval["completed_by"], approval["on_behalf_of"], approval["outcome"]) == ("assistant", "rm_east", "approve")


@pytest.mark.parametrize("body, field", [
    ({"to": "nobody"}, "to"), ({"to": "rm_east"}, "to"), ({}, "to"), ({"to": 7}, "to"), ({"to": ""}, "to"),
])
def test_bad_delegations_are_422(api, trip, body, field):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    assert field in error_of(api("rm_east").post(f"/tasks/{task['id']}/delegate", json=body), 422)["details"]["fields"]


def test_delegate_refusals(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    error_of(api("rm_north").post(f"/tasks/{task['id']}/delegate", json={"to": "assistant"}), 403, "forbidden")
    error_of(api("auditor").post(f"/tasks/{task['id']}/delegate", json={"to": "assistant"}), 403, "read_only")
    error_of(api("rm_east").post("/tasks/999999/delegate", json={"to": "assistant"}), 404, "not_found")


def test_complete_twice_is_409(api, trip):
    manager = api("rm_east")
    task = manager.ready_task(trip["id"], "Task_ManagerApproval")
    manager.ok("post", f"/tasks/{task['id']}/complete", json={"data": APPROVE})
    error_of(manager.post(f"/tasks/{task['id']}/complete", json={"data": APPROVE}), 409, "task_not_ready")
    error_of(manager.post(f"/tasks/{task['id']}/claim"), 409, "task_not_ready")


def test_complete_on_a_cancelled_instance_is_409(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    api("rep_east1").ok("post", f"/process-instances/{trip['id']}/cancel")
    error_of(api("rm_east").post(f"/tasks/{task['id']}/complete", json={"data": APPROVE}), 409, "task_not_ready")


def test_complete_refusals(api, trip, director_task):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    error_of(api("rm_north").post(f"/tasks/{task['id']}/complete", json={"data": APPROVE}), 403, "forbidden")
    error_of(api("auditor").post(f"/tasks/{task['id']}/complete", json={"data": APPROVE}), 403, "read_only")
    error_of(api("rm_east").post("/tasks/999999/complete", json={"data": APPROVE}), 404, "not_found")
    error_of(api("rep_east2").post(f"/tasks/{director_task['id']}/complete", json={"data": TERMS}), 403, "forbidden")


def test_requester_cannot_approve_their_own_request_through_a_delegation(api):
    """Segregation of duties: rm_east delegates rep_east1's approval back to
    rep_east1 (refused at once), and rep_east1 cannot complete it either."""
    trip = api("rep_east1").start("travel_request", TRIP)
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    refused = error_of(api("rm_east").post(f"/tasks/{task['id']}/delegate", json={"to": "rep_east1"}), 403,
                       "segregation_of_duties")
    assert "to" in refused["details"]["fields"]
    response = api("rep_east1").post(f"/tasks/{task['id']}/complete", json={"data": APPROVE})
    error_of(response, 403)


@pytest.mark.parametrize("body, field", [
    ({"data": {"decision": "maybe"}}, "decision"),
    ({"data": {"decision": "reject"}}, "comment"),
    ({"data": {"decision": "approve", "extra": 1}}, "extra"),
    ({"data": "approve"}, "data"),
    ({}, "data"),
    ({"data": APPROVE, "version": 3}, "version"),
])
def test_bad_completion_data_is_422(api, trip, body, field):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    response = api("rm_east").post(f"/tasks/{task['id']}/complete", json=body)
    assert field in error_of(response, 422)["details"]["fields"]
