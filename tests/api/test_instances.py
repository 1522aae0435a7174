"""/process-instances: start, list with visibility and pages, read, cancel,
retry and history."""
import io

import pytest

from app.actions import action
from tests.support.samples import TRIP
from tests.support.api_client import error_of

FAILING = {"on": False}


@action("test.api_flaky_posting")
def api_flaky_posting(call, *, label):
    """Fails while FAILING says so, to put an instance in error."""
    if FAILING["on"]:
        raise RuntimeError("the bank interface is down")
    return {"posted": label}


FLAKY_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="Definitions_ApiFlaky" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="api_flaky" name="接口重试样例" isExecutable="true">
    <bpmn:startEvent id="StartEvent_Flaky"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="startRoles" value="order_clerk" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:outgoing>Flow_ToPost</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Task_Post" name="记账">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="test.api_flaky_posting" resultVariable="posting">
          <spiffworkflow:parameters><spiffworkflow:parameter id="label" type="str" value="'api'" /></spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_ToPost</bpmn:incoming><bpmn:outgoing>Flow_Posted</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="EndEvent_Posted"><bpmn:incoming>Flow_Posted</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_ToPost" sourceRef="StartEvent_Flaky" targetRef="Task_Post" />
    <bpmn:sequenceFlow id="Flow_Posted" sourceRef="Task_Post" targetRef="EndEvent_Posted" />
  </bpmn:process>
</bpmn:definitions>
"""


# --- start -------------------------------------------------------------------------------------------

def test_start_returns_the_instance_with_its_first_task(api):
    body = api("rep_east1").start("travel_request", TRIP, business_key="TR-9")
    assert set(body) >= {"id", "process_key", "version", "business_key", "status", "started_by", "started_at",
                         "ended_at", "data", "tasks"}
    assert "error" not in body
    assert (body["process_key"], body["status"], body["started_by"], body["ended_at"]) == \
        ("travel_request", "running", "rep_east1", None)
    assert body["data"]["requester"]["username"] == "rep_east1"
    [task] = body["tasks"]
    assert (task["element_id"], task["assignee"], task["status"]) == ("Task_ManagerApproval", "rm_east", "ready")


def test_start_data_that_fails_the_start_form_is_422_per_field(api):
    response = api("rep_east1").post("/process-instances", json={
        "process_key": "travel_request", "data": {**TRIP, "estimated_cost": -5, "transport": "火箭", "destination": None}})
    fields = error_of(response, 422, "validation_failed")["details"]["fields"]
    assert {"estimated_cost", "transport", "destination"} <= set(fields)
    assert all(isinstance(m, list) and m for m in fields.values())


@pytest.mark.parametrize("body, field", [
    ({"process_key": "no_such_process", "data": {}}, "process_key"),
    ({"process_key": 5, "data": {}}, "process_key"),
    ({"process_key": "travel_request", "data": "a string"}, "data"),
    ({"process_key": "travel_request", "data": [1, 2]}, "data"),
    ({"data": TRIP}, "process_key"),
    ({"process_key": "travel_request"}, "data"),
    ({"process_key": "travel_request", "data": TRIP, "business_key": "K" * 129}, "business_key"),
    ({"process_key": "travel_request", "data": TRIP, "business_key": 12}, "business_key"),
    ({"process_key": "travel\x00request", "data": TRIP}, "process_key"),
    ({"process_key": "travel_request", "data": TRIP, "colour": "red"}, "colour"),
])
def test_bad_start_bodies_are_422(api, body, field):
    response = api("rep_east1").post("/process-instances", json=body)
    assert field in error_of(response, 422)["details"]["fields"]


def test_a_body_that_is_not_an_object_is_422(api):
    response = api("rep_east1").post("/process-instances", json=["travel_request"])
    error_of(response, 422, "validation_failed")


# --- read and list -----------------------------------------------------------------------------------

def test_starter_and_performers_see_the_instance_outsiders_do_not(api, trip):
    for username in ("rep_east1", "rm_east", "auditor", "process_admin"):
        assert api(username).ok("get", f"/process-instances/{trip['id']}")["id"] == trip["id"]
    error_of(api("rep_east3").get(f"/process-instances/{trip['id']}"), 403, "forbidden")
    error_of(api("rep_east3").get(f"/process-instances/{trip['id']}/history"), 403, "forbidden")


def test_missing_instance_is_404(api):
    for path in ("", "/history"):
        error_of(api("auditor").get(f"/process-instances/999999{path}"), 404, "not_found")
    for path in ("/cancel", "/retry"):
        error_of(api("process_admin").post(f"/process-instances/999999{path}"), 404, "not_found")


def test_list_shows_only_visible_instances(api, trip):
    other = api("rep_south1").start("travel_request", TRIP)
    ids = lambda user, query="": [i["id"] for i in api(user).ok("get", f"/process-instances{query}")["items"]]
    assert ids("rep_east1") == [trip["id"]]
    assert ids("rm_east") == [trip["id"]]          # the assignee of its approval
    assert ids("rm_south") == [other["id"]]
    assert ids("rep_east3") == []
    assert ids("auditor") == [other["id"], trip["id"]]  # newest first
    assert ids("auditor", "?started_by=rep_east1") == [trip["id"]]
    assert ids("rep_south1", "?started_by=me") == [other["id"]]
    assert ids("auditor", "?started_by=nobody") == []
    assert ids("auditor", "?business_key=TR-1") == [trip["id"]]
    assert ids("auditor", "?process_key=dealer_onboarding") == []
    assert ids("auditor", "?status=running&process_key=travel_request") == [other["id"], trip["id"]]
    assert ids("auditor", "?status=completed") == []


def test_an_approver_keeps_seeing_what_they_approved(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    api("rm_east").ok("post", f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}})
    assert [i["id"] for i in api("rm_east").ok("get", "/process-instances")["items"]] == [trip["id"]]
    assert [i["id"] for i in api("director").ok("get", "/process-instances")["items"]] == [trip["id"]]


def test_list_is_paginated(api):
    rep = api("rep_east1")
    started = [rep.start("travel_request", TRIP)["id"] for _ in range(5)]
    first = rep.ok("get", "/process-instances?per_page=2")
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 5)
    assert [i["id"] for i in first["items"]] == started[::-1][:2]
    assert "tasks" not in first["items"][0]
    last = rep.ok("get", "/process-instances?per_page=2&page=3")
    assert [i["id"] for i in last["items"]] == [started[0]]
    assert rep.ok("get", "/process-instances?per_page=2&page=9")["items"] == []
    assert rep.ok("get", "/process-instances")["per_page"] == 20


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("per_page=0", "per_page"), ("per_page=101", "per_page"), ("page=x", "page"),
    ("status=lost", "status"), ("business_key=" + "k" * 129, "business_key"),
])
def test_bad_list_queries_are_422(api, query, field):
    assert field in error_of(api("auditor").get(f"/process-instances?{query}"), 422)["details"]["fields"]


# --- cancel ------------------------------------------------------------------------------------------

def test_only_the_starter_or_a_process_admin_cancels(api, trip):
    error_of(api("rm_east").post(f"/process-instances/{trip['id']}/cancel"), 403, "forbidden")
    error_of(api("auditor").post(f"/process-instances/{trip['id']}/cancel"), 403, "read_only")
    body = api("rep_east1").ok("post", f"/process-instances/{trip['id']}/cancel", json={"reason": "行程取消"})
    assert body["status"] == "cancelled" and body["ended_at"] is not None
    assert all(t["status"] == "cancelled" for t in body["tasks"])
    error_of(api("rep_east1").post(f"/process-instances/{trip['id']}/cancel"), 409, "instance_ended")
    other = api("rep_east2").start("travel_request", TRIP)
    assert api("process_admin").ok("post", f"/process-instances/{other['id']}/cancel")["status"] == "cancelled"
    history = api("rep_east1").ok("get", f"/process-instances/{trip['id']}/history")["events"]
    assert history[-1]["kind"] == "instance_cancelled" and history[-1]["data"] == {"reason": "行程取消"}


def test_cancel_reason_must_be_text(api, trip):
    response = api("rep_east1").post(f"/process-instances/{trip['id']}/cancel", json={"reason": ["no"]})
    assert "reason" in error_of(response, 422)["details"]["fields"]


# --- retry -------------------------------------------------------------------------------------------

def test_retry_reruns_the_failed_step(api):
    admin = api("process_admin")
    deployed = admin.ok("post", "/process-definitions", 201,
                        data={"files": [(io.BytesIO(FLAKY_BPMN.encode()), "api_flaky.bpmn")]},
                        content_type="multipart/form-data")
    assert deployed == [{"key": "api_flaky", "version": 1, "created": True}]
    FAILING["on"] = True
    try:
        failed = api("order_clerk").start("api_flaky", {})
    finally:
        FAILING["on"] = False
    assert failed["status"] == "error"
    assert failed["error"]["element_id"] == "Task_Post" and "bank interface" in failed["error"]["message"]
    error_of(api("order_clerk").post(f"/process-instances/{failed['id']}/retry"), 403, "forbidden")
    error_of(api("auditor").post(f"/process-instances/{failed['id']}/retry"), 403, "read_only")
    done = admin.ok("post", f"/process-instances/{failed['id']}/retry")
    assert done["status"] == "completed" and "error" not in done
    assert done["data"]["posting"] == {"ok": True, "posted": "api"}
    error_of(admin.post(f"/process-instances/{failed['id']}/retry"), 409, "not_in_error")


# --- history -----------------------------------------------------------------------------------------

def test_history_is_the_hash_chain_in_order(api, trip):
    events = api("auditor").ok("get", f"/process-instances/{trip['id']}/history")["events"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[0]["prev_hash"] == "" and events[0]["kind"] == "instance_started"
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in zip(events, events[1:]))
    assert set(events[0]) == {"seq", "at", "kind", "element_id", "task_id", "task_api_id", "actor", "on_behalf_of", "data",
                              "prev_hash", "hash"}
