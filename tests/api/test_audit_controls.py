"""/audit/controls/…: the control reports, read by auditors and process
administrators from what the real flows recorded; 403 for everyone else."""
import io
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import HumanTask, User
from app.services.access_history import set_roles
from app.services.deployment import REPO_ROOT
from tests.support.api_client import error_of
from tests.support.samples import APPROVE

SOD = "/audit/controls/sod"
TRAVEL_BPMN = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text()
TRAVEL_FORM = (REPO_ROOT / "forms" / "travel_request.json").read_text()


def _kinds(rows, instance_id):
    return sorted(row["kind"] for row in rows if row["instance_id"] == instance_id)


@pytest.mark.parametrize("path", [SOD, "/audit/controls/admin-actions", "/audit/controls/access",
                                  "/audit/controls/versions", "/audit/controls/versions/travel_request/diff?version=1"])
def test_a_sales_rep_is_refused_every_report(api, path):
    error_of(api("rep_east1").get(path), 403, "forbidden")
    assert api("auditor").get(path).status_code == 200
    assert api("process_admin").get(path).status_code == 200


def test_an_auditor_cannot_write_through_the_reports(api):
    error_of(api("auditor").post(SOD, json={}), 403, "read_only")


def test_approval_by_delegation_is_reported_with_who_delegated(api, trip):
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    api("rm_east").ok("post", f"/tasks/{task['id']}/delegate", json={"to": "rm_north"})
    api("rm_north").ok("post", f"/tasks/{task['id']}/complete", json={"data": APPROVE})
    report = api("auditor").ok("get", SOD)
    [row] = [row for row in report["rows"] if row["instance_id"] == trip["id"]]
    assert (row["kind"], row["person"], row["on_behalf_of"], row["step"]) == (
        "delegated", "rm_north", "rm_east", "Task_ManagerApproval")
    assert "delegated by rm_east" in row["detail"] and report["count"] == len(report["rows"])
    # the date range leaves it out when it happened outside
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert _kinds(api("auditor").ok("get", f"{SOD}?from={tomorrow}")["rows"], trip["id"]) == []


def test_an_approval_by_the_requester_or_twice_by_one_person_is_reported(api, trip):
    """The controls refuse both; rows changed behind the controls' back (as
    if recorded before them) are what the report exists to catch."""
    manager = api("rm_east")
    manager.ok("post", f"/tasks/{manager.ready_task(trip['id'], 'Task_ManagerApproval')['id']}/complete",
               json={"data": APPROVE})
    assert _kinds(api("auditor").ok("get", SOD)["rows"], trip["id"]) == []  # a clean approval is no exception
    head = api("director").ready_task(trip["id"], "Task_DepartmentHeadApproval")
    api("director").ok("post", f"/tasks/{head['id']}/complete", json={"data": APPROVE})
    rep = db.session.scalar(db.select(User).where(User.username == "rep_east1"))
    rm_east = db.session.scalar(db.select(User).where(User.username == "rm_east"))
    db.session.get(HumanTask, head["id"]).completed_by_id = rm_east.id
    db.session.commit()
    assert _kinds(api("auditor").ok("get", SOD)["rows"], trip["id"]) == ["two_approvals"]
    db.session.get(HumanTask, head["id"]).completed_by_id = rep.id
    db.session.commit()
    rows = api("auditor").ok("get", SOD)["rows"]
    assert _kinds(rows, trip["id"]) == ["own_request"]
    assert [row["step"] for row in rows if row["instance_id"] == trip["id"]] == ["Task_DepartmentHeadApproval"]


def test_admin_actions_name_who_when_and_why_and_leave_out_a_starters_own_cancel(api, trip):
    own = api("rep_east1").start("travel_request", {**_trip_data(), "purpose": "自己撤回"})
    api("rep_east1").ok("post", f"/process-instances/{own['id']}/cancel")
    task = api("rm_east").ready_task(trip["id"], "Task_ManagerApproval")
    api("process_admin").ok("post", f"/tasks/{task['id']}/reassign", json={"to": "assistant", "reason": "主管休假"})
    api("process_admin").ok("post", f"/process-instances/{trip['id']}/cancel", json={"reason": "重复申请"})
    rows = api("auditor").ok("get", "/audit/controls/admin-actions")["rows"]
    mine = [(row["kind"], row["actor"], row["why"]) for row in rows if row["instance_id"] == trip["id"]]
    assert mine == [("instance_cancelled", "process_admin", "重复申请"), ("task_reassigned", "process_admin", "主管休假")]
    assert [row for row in rows if row["instance_id"] == own["id"]] == []
    assert any(row["kind"] == "definition_deployed" and row["chain"] == "definition:travel_request" for row in rows)
    only = api("auditor").ok("get", "/audit/controls/admin-actions?kind=task_reassigned")["rows"]
    assert {row["kind"] for row in only} == {"task_reassigned"}
    error_of(api("auditor").get("/audit/controls/admin-actions?kind=nonsense"), 422)


def _trip_data():
    from tests.support.samples import TRIP

    return dict(TRIP)


def test_access_review_shows_the_role_held_then_and_not_after_its_revocation(api, create_user, frozen_clock):
    create_user("temp", roles=["finance"], display_name="临时会计")
    granted_day = clock.today().isoformat()
    frozen_clock.advance(days=5)
    set_roles(db.session.scalar(db.select(User).where(User.username == "temp")), [], by="process_admin",
              reason="contract ended")
    db.session.commit()
    then = api("auditor").ok("get", f"/audit/controls/access?as_of={granted_day}")
    assert {"username": "temp", "role": "finance"}.items() <= next(
        row for row in then["roles"] if row["username"] == "temp").items()
    now = api("auditor").ok("get", "/audit/controls/access")
    assert [row for row in now["roles"] if row["username"] == "temp"] == []
    assert any(row["username"] == "director" and row["role"] == "sales_director" for row in now["roles"])
    assert "as_of" in error_of(api("auditor").get("/audit/controls/access?as_of=yesterday"), 422)["details"]["fields"]
    assert "as_of" in error_of(api("auditor").get("/audit/controls/access?as_of=9999-12-31"), 422)["details"]["fields"]


def test_a_modified_version_is_diffed_against_the_one_before(api):
    admin = api("process_admin")
    bpmn = TRAVEL_BPMN.replace('name="直接主管审批"', 'name="主管审批"', 1).replace(
        "</bpmn:process>", '<bpmn:textAnnotation id="Annotation_Audit"><bpmn:text>审计</bpmn:text>'
                           "</bpmn:textAnnotation></bpmn:process>", 1)
    form = TRAVEL_FORM.replace('"title": "出差申请单"', '"title": "出差申请表"', 1)
    files = [(io.BytesIO(bpmn.encode()), "travel_request.bpmn"), (io.BytesIO(form.encode()), "travel_request.json")]
    [deployed] = admin.ok("post", "/process-definitions", 201, data={"files": files}, content_type="multipart/form-data")
    assert deployed["version"] == 2
    versions = api("auditor").ok("get", "/audit/controls/versions?key=travel_request")["rows"]
    assert [(v["version"], v["deployed_by"], v["added"], v["changed"]) for v in versions] == [
        (2, "process_admin", 1, 1), (1, None, None, None)]
    diff = api("auditor").ok("get", "/audit/controls/versions/travel_request/diff?version=2")
    assert diff["previous_version"] == 1 and diff["removed"] == []
    assert [e["id"] for e in diff["added"]] == ["Annotation_Audit"]
    [changed] = diff["changed"]
    assert changed["id"] == "Task_ManagerApproval" and changed["changes"] == {"@name": ["直接主管审批", "主管审批"]}
    [form_change] = diff["files"]
    assert form_change["name"] == "travel_request.json" and form_change["status"] == "changed"
    assert '-  "title": "出差申请单",' in form_change["diff"] and '+  "title": "出差申请表",' in form_change["diff"]
    error_of(api("auditor").get("/audit/controls/versions/travel_request/diff?version=9"), 404)


def test_a_maker_approving_the_document_he_made_is_reported(api):
    """dealer_onboarding names Task_FillEvaluation the maker of what the
    regional manager reviews; the evaluation is re-attributed to rm_east
    behind the controls' back, as a record from before them would be."""
    from tests.support.samples import EVALUATION, PROSPECT, RECHECK

    rep, manager = api("rep_east2"), api("rm_east")
    instance = rep.start("dealer_onboarding", PROSPECT)
    evaluation = rep.ready_task(instance["id"], "Task_FillEvaluation")
    rep.ok("post", f"/tasks/{evaluation['id']}/complete", json={"data": EVALUATION})
    manager.ok("post", f"/tasks/{manager.ready_task(instance['id'], 'Task_RegionalManagerReview')['id']}/complete",
               json={"data": RECHECK})
    assert _kinds(api("auditor").ok("get", SOD)["rows"], instance["id"]) == []
    rm_east = db.session.scalar(db.select(User).where(User.username == "rm_east"))
    db.session.get(HumanTask, evaluation["id"]).completed_by_id = rm_east.id
    db.session.commit()
    [row] = [row for row in api("auditor").ok("get", SOD)["rows"] if row["instance_id"] == instance["id"]]
    assert (row["kind"], row["person"], row["step"]) == ("own_document", "rm_east", "Task_RegionalManagerReview")
    assert row["facts"]["made_at"] == evaluation["name"]
