"""The corrections through the API and the web pages: process admins ask,
another approves; reps, auditors and the requester himself are refused; a
suspended instance's tasks are refused on both doors with a clear code; bad
input names its field; the pages read in Chinese and in English."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ProcessInstance
from tests.support.api_client import error_of, signed_in
from tests.support.logins import WebUser
from tests.support.samples import TRIP


@pytest.fixture
def api(client, org, deployed):
    made = {}

    def as_user(username):
        if username not in made:
            made[username] = signed_in(client, username)
        return made[username]

    return as_user


@pytest.fixture
def trip(api):
    return api("rep_east1").start("travel_request", TRIP, business_key="TR-C")["id"]


def _path(instance_id):
    return f"/operate/instances/{instance_id}/corrections"


def test_a_data_correction_through_the_api_waits_for_another_admin(api, trip):
    asked = api("process_admin").ok("post", _path(trip), 201,
                                     json={"kind": "data", "reason": "金额录错", "field": "destination", "value": "杭州"})
    assert asked["status"] == "pending"
    assert db.session.get(ProcessInstance, trip).data["destination"] == TRIP["destination"]
    error_of(api("process_admin").post(f"/operate/corrections/{asked['id']}/approve", json={}), 403, "own_correction")
    error_of(api("rep_east1").post(f"/operate/corrections/{asked['id']}/approve", json={}), 403)
    error_of(api("auditor").post(f"/operate/corrections/{asked['id']}/approve", json={}), 403, "read_only")
    assert [r["id"] for r in api("auditor").ok("get", "/operate/corrections?status=pending")] == [asked["id"]]
    error_of(api("rep_east1").get("/operate/corrections"), 403)
    done = api("process_admin2").ok("post", f"/operate/corrections/{asked['id']}/approve", json={"note": "核对无误"})
    assert done["status"] == "applied" and done["decided_by"] == "process_admin2"
    db.session.expire_all()
    assert db.session.get(ProcessInstance, trip).data["destination"] == "杭州"
    error_of(api("process_admin2").post(f"/operate/corrections/{asked['id']}/approve", json={}), 409, "already_decided")


def test_bad_input_names_the_field(api, trip):
    admin = api("process_admin")
    error_of(admin.post(_path(trip), json={"kind": "data", "field": "destination", "value": "x"}), 422)
    assert "reason" in error_of(admin.post(_path(trip), json={"kind": "data", "field": "destination", "value": "x"}),
                                422)["details"]["fields"]
    assert "kind" in error_of(admin.post(_path(trip), json={"kind": "delete", "reason": "x"}), 422)["details"]["fields"]
    assert "value" in error_of(admin.post(_path(trip), json={"kind": "data", "reason": "x", "field": "estimated_cost",
                                                             "value": "lots"}), 422)["details"]["fields"]
    assert "to_element" in error_of(admin.post(_path(trip), json={"kind": "move", "reason": "x", "task_id": "nope"}),
                                    422)["details"]["fields"]
    assert "task_id" in error_of(admin.post(_path(trip), json={"kind": "skip", "reason": "x", "task_id": "nope"}),
                                 422)["details"]["fields"]
    error_of(admin.post(_path(99999999), json={"kind": "suspend", "reason": "x"}), 404)
    error_of(api("rep_east1").post(_path(trip), json={"kind": "suspend", "reason": "x"}), 403)


def test_a_suspended_instance_refuses_its_tasks_on_the_api(api, trip):
    api("process_admin").ok("post", _path(trip), 201, json={"kind": "suspend", "reason": "核查"})
    task = api("rm_east").ready_task(trip, "Task_ManagerApproval")
    for action, body in (("claim", {}), ("complete", {"data": {"decision": "approve", "comment": "同意"}}),
                         ("delegate", {"to": "rm_north"})):
        error_of(api("rm_east").post(f"/tasks/{task['id']}/{action}", json=body), 409, "instance_suspended")
    error_of(api("process_admin").post(f"/process-instances/{trip}/retry", json={}), 409, "instance_suspended")
    api("process_admin").ok("post", _path(trip), 201, json={"kind": "resume", "reason": "核查完毕"})
    api("rm_east").ok("post", f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve", "comment": "同意"}})


def test_the_web_pages_in_chinese_and_english_and_a_suspended_task_page(app, api, trip):
    admin, second = WebUser(app, "process_admin"), WebUser(app, "process_admin2")
    page = admin.page(f"/operate/instances/{trip}")
    assert '<html lang="zh-CN">' in page and "更正数据" in page and "operate/_instance_waits" not in page
    back = admin.post(f"/operate/instances/{trip}/corrections",
                      {"kind": "data", "field": "estimated_cost", "value": "1800", "reason": "金额录错"},
                      token_from=f"/operate/instances/{trip}")
    assert back.status_code == 302
    assert db.session.get(ProcessInstance, trip).data["estimated_cost"] == TRIP["estimated_cost"]
    refused = admin.post(f"/operate/instances/{trip}/corrections", {"kind": "data", "field": "estimated_cost",
                                                                      "value": "1800", "reason": ""},
                         token_from=f"/operate/instances/{trip}", follow_redirects=True)
    assert refused.status_code == 200 and "原因" in refused.get_data(as_text=True)
    listing = second.page("/operate/corrections")
    request_id = int(listing.split('id="request-')[1].split('"')[0])
    second.post(f"/operate/corrections/{request_id}/approve", {}, token_from="/operate/corrections")
    db.session.expire_all()
    assert str(db.session.get(ProcessInstance, trip).data["estimated_cost"]) in ("1800", "1800.00")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == trip,
                                                       AuditEvent.kind == "data_corrected"))
    assert event.data["approved_by"] == "process_admin2"
    replay = WebUser(app, "auditor").page(f"/audit/instances/{trip}/replay?seq={event.seq}")
    assert "管理员操作" in replay and "何运维" in replay and "金额录错" in replay
    english = second.client.get(f"/operate/instances/{trip}", headers={"Accept-Language": "en"})
    assert english.status_code == 200
    for who in ("rep_east1", "rm_east"):
        assert WebUser(app, who).get(f"/operate/instances/{trip}").status_code == 403
        assert WebUser(app, who).get("/operate/corrections").status_code == 403
    auditor = WebUser(app, "auditor").page(f"/operate/instances/{trip}")
    assert 'id="form-data"' not in auditor


def test_a_suspended_instance_refuses_its_tasks_on_the_web(app, api, trip):
    api("process_admin").ok("post", _path(trip), 201, json={"kind": "suspend", "reason": "核查"})
    task = api("rm_east").ready_task(trip, "Task_ManagerApproval")
    manager = WebUser(app, "rm_east")
    for url, data in ((f"/tasks/{task['id']}", {"decision": "approve", "comment": "同意"}),
                      (f"/tasks/{task['id']}/claim", {}), (f"/tasks/{task['id']}/delegate", {"to": "rm_north"})):
        response = manager.post(url, data, follow_redirects=True)
        assert response.status_code == 200 and "流程管理员已暂停该申请" in response.get_data(as_text=True), url
    assert api("rm_east").ready_task(trip, "Task_ManagerApproval")["status"] == "ready"
    page = WebUser(app, "process_admin").page(f"/operate/instances/{trip}")
    assert 'data-status="suspended"' in page and 'id="form-resume"' in page and 'id="form-data"' not in page
