"""Publishing a studio draft: one new version with its change note through
the deploy path of ``processes deploy``, refused on lint problems, on a
stale base and for anyone but a process admin; with the approval setting a
second process admin (never the requester) approves; a table or form
published alone makes new versions of every process that uses it."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.errors import Conflict, Forbidden, NotFound
from app.models import AuditEvent, ProcessDefinition, User
from app.services import studio_publish
from app.services.deployment import REPO_ROOT
from tests.support.api_client import PREFIX, error_of
from tests.support.samples import APPROVE, TRIP
from tests.support.studio_publish import TRAVEL, travel_with_desk

KEY = "travel_request"


def _call(api, username, method, path, **kwargs):
    user = api(username)
    return getattr(user.client, method)(PREFIX + path, headers=user.headers, **kwargs)


def _draft(api, xml, username="process_admin", revision=0):
    response = _call(api, username, "put", f"/studio/drafts/{KEY}", json={"xml": xml, "revision": revision})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _publish(api, note="加差旅预订", username="process_admin"):
    return _call(api, username, "post", f"/studio/drafts/{KEY}/publish", json={"note": note})


def _approve_all(api, username, instance_id, element_id):
    user = api(username)
    task = user.ready_task(instance_id, element_id)
    user.ok("post", f"/tasks/{task['id']}/complete", json={"data": APPROVE})


def _deploy_events(key=KEY):
    return [e for e in db.session.scalars(select(AuditEvent).where(AuditEvent.chain == f"definition:{key}")
                                           .order_by(AuditEvent.id))]


def test_publish_makes_one_version_with_its_note_and_clears_the_draft(api):
    before = api("rep_east1").start(KEY, TRIP)
    _draft(api, travel_with_desk())
    response = _publish(api, "  出差批准后由总经理办公室预订  ")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["versions"] == [{"key": KEY, "version": 2, "created": True}] and body["request"] is None
    assert body["runs"] == []
    error_of(_call(api, "process_admin", "get", f"/studio/drafts/{KEY}"), 404)
    v2 = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == KEY, ProcessDefinition.version == 2))
    assert (v2.change_note, v2.published_from_draft, v2.deployed_by.username) == ("出差批准后由总经理办公室预订", 1, "process_admin")
    event = _deploy_events()[-1]
    assert event.kind == "definition_deployed"
    assert event.data["note"] == "出差批准后由总经理办公室预订" and event.data["published_from_draft"] == 1
    assert event.data["version"] == 2
    # The auditors' admin actions report gives the note as the deploy's why.
    deploys = api("auditor").ok("get", "/audit/controls/admin-actions?kind=definition_deployed")["rows"]
    assert [row["why"] for row in deploys if row["what"].startswith("travel_request v2")] == ["出差批准后由总经理办公室预订"]
    # Started before: stays on v1 and ends there without the new step.
    assert api("rep_east1").ok("get", f"/process-instances/{before['id']}")["version"] == 1
    _approve_all(api, "rm_east", before["id"], "Task_ManagerApproval")
    _approve_all(api, "director", before["id"], "Task_DepartmentHeadApproval")
    assert api("rep_east1").ok("get", f"/process-instances/{before['id']}")["status"] == "completed"
    # Started after: runs v2 and reaches the new step.
    after = api("rep_east1").start(KEY, TRIP)
    assert after["version"] == 2
    _approve_all(api, "rm_east", after["id"], "Task_ManagerApproval")
    _approve_all(api, "director", after["id"], "Task_DepartmentHeadApproval")
    assert api("gm").ready_task(after["id"], "Task_TravelDesk")


def test_lint_problems_refuse_the_publish_naming_the_elements(api):
    _draft(api, travel_with_desk(form=False))
    error = error_of(_publish(api), 422, "invalid_deployment")
    assert "Task_TravelDesk" in {p["element_id"] for p in error["details"]["problems"]}
    assert _call(api, "process_admin", "get", f"/studio/drafts/{KEY}").status_code == 200  # the draft is kept
    assert db.session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.key == KEY)
                             .order_by(ProcessDefinition.version.desc()).limit(1)) == 1


def test_a_note_is_required_and_an_unchanged_draft_publishes_nothing(api):
    _draft(api, TRAVEL)
    error = error_of(_publish(api, ""), 422)
    assert "note" in str(error["details"])
    error_of(_publish(api, "   "), 422, "validation_failed")
    error_of(_call(api, "process_admin", "post", f"/studio/drafts/{KEY}/publish", json={}), 422)
    error_of(_publish(api, "没改"), 422, "invalid_deployment")
    error_of(_call(api, "process_admin", "post", "/studio/drafts/no_such/publish", json={"note": "x"}), 404)


def test_a_draft_on_an_older_version_is_refused_naming_the_newer_one(api):
    _draft(api, travel_with_desk())
    # Meanwhile v2 is deployed from the command line (the same deploy path).
    from app.services import deployment
    deployment.deploy({"travel_request.bpmn": TRAVEL.replace('name="总经理审批"', 'name="总经理批准"').encode()})
    error = error_of(_publish(api), 409, "stale_base")
    assert error["details"] == {"base_version": 1, "latest_version": 2} and "v2" in error["message"]


def test_sales_reps_and_auditors_are_refused(api):
    _draft(api, travel_with_desk())
    error_of(_publish(api, username="rep_east1"), 403)
    error_of(_publish(api, username="auditor"), 403, "read_only")
    error_of(_call(api, "rep_east1", "get", "/studio/publish-requests"), 403)
    assert _call(api, "auditor", "get", "/studio/publish-requests").status_code == 200
    error_of(_call(api, "auditor", "post", "/studio/publish-requests/1/approve"), 403, "read_only")
    error_of(_call(api, "rep_east1", "post", "/studio/publish-requests/1/reject", json={"reason": "x"}), 403)


@pytest.fixture
def approval(app):
    app.config["STUDIO_PUBLISH_APPROVAL"] = True
    yield
    app.config["STUDIO_PUBLISH_APPROVAL"] = False


def test_with_approval_on_a_second_admin_approves_never_the_requester(api, create_user, approval):
    create_user("admin2", roles=["process_admin"], password="correct-horse")
    _draft(api, travel_with_desk())
    body = _publish(api).get_json()
    assert body["versions"] == [] and body["request"]["status"] == "pending"
    request_id = body["request"]["id"]
    assert db.session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.key == KEY)
                             .order_by(ProcessDefinition.version.desc()).limit(1)) == 1
    # The requester may neither approve nor reject their own publish.
    error_of(_call(api, "process_admin", "post", f"/studio/publish-requests/{request_id}/approve"), 403, "own_publish")
    error_of(_call(api, "process_admin", "post", f"/studio/publish-requests/{request_id}/reject",
                   json={"reason": "自己"}), 403, "own_publish")
    second = api("admin2", password="correct-horse")
    approved = second.ok("post", f"/studio/publish-requests/{request_id}/approve")
    assert (approved["status"], approved["decided_by"], approved["published_version"]) == ("approved", "admin2", 2)
    v2 = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == KEY, ProcessDefinition.version == 2))
    assert v2.change_note == "加差旅预订" and v2.deployed_by.username == "admin2"
    kinds = [e.kind for e in _deploy_events()]
    assert kinds[-3:] == ["publish_requested", "publish_approved", "definition_deployed"]
    error_of(_call(api, "process_admin", "get", f"/studio/drafts/{KEY}"), 404)
    error_of(second.post(f"/studio/publish-requests/{request_id}/approve"), 409, "already_decided")
    error_of(second.post("/studio/publish-requests/99999999999/approve"), 404)


def test_with_approval_on_a_rejection_deploys_nothing(api, create_user, approval):
    create_user("admin2", roles=["process_admin"], password="correct-horse")
    _draft(api, travel_with_desk())
    request_id = _publish(api).get_json()["request"]["id"]
    second = api("admin2", password="correct-horse")
    error_of(second.post(f"/studio/publish-requests/{request_id}/reject", json={"reason": ""}), 422)
    rejected = second.ok("post", f"/studio/publish-requests/{request_id}/reject", json={"reason": "先跑场景"})
    assert (rejected["status"], rejected["reason"]) == ("rejected", "先跑场景")
    assert _deploy_events()[-1].kind == "publish_rejected"
    assert db.session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.key == KEY)
                             .order_by(ProcessDefinition.version.desc()).limit(1)) == 1
    listed = api("auditor").ok("get", "/studio/publish-requests")
    assert [r["status"] for r in listed] == ["rejected"]


def test_a_form_published_alone_makes_a_new_version_of_every_process_using_it(api):
    form = (REPO_ROOT / "forms" / "approval.json").read_text(encoding="utf-8")
    users = sorted(d.key for d in db.session.scalars(select(ProcessDefinition)) if "approval.json" in d.files)
    assert len(users) > 1 and KEY in users
    changed = form.rstrip() + "\n\n"
    admin = db.session.scalar(select(User).where(User.username == "process_admin"))
    with pytest.raises(Conflict):
        studio_publish.publish_file_content("approval.json", changed, "旧底稿", admin, base_hash="0" * 64)
    with pytest.raises(NotFound):
        studio_publish.publish_file_content("no_such.json", changed, "没人用", admin)
    with pytest.raises(Forbidden):
        studio_publish.publish_file_content("approval.json", changed, "销售", db.session.scalar(
            select(User).where(User.username == "rep_east1")))
    results = studio_publish.publish_file_content("approval.json", changed, "审批意见表单换行", admin)
    assert sorted(r.key for r in results if r.created) == users
    for key in users:
        latest = db.session.scalar(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                   .order_by(ProcessDefinition.version.desc()).limit(1))
        assert latest.version == 2 and latest.change_note == "审批意见表单换行"
        assert latest.files["approval.json"] == changed


def test_a_failing_saved_scenario_refuses_the_publish_and_passing_ones_are_shown(api):
    from app.services import studio_scenarios
    from tests.support.studio_scenarios import APPROVED, NO_DECISION
    admin = db.session.scalar(select(User).where(User.username == "process_admin"))
    studio_scenarios.create_scenario(KEY, NO_DECISION, admin)
    approved = studio_scenarios.create_scenario(KEY, APPROVED, admin)
    _draft(api, travel_with_desk())
    # The new step stands before the approved end: the approval scenario now stops there.
    error = error_of(_publish(api), 422, "scenario_failed")
    runs = {run["name"]: run for run in error["details"]["runs"]}
    assert runs[APPROVED["name"]]["passed"] is False and runs[APPROVED["name"]]["stopped_at"] == "Task_TravelDesk"
    assert runs[NO_DECISION["name"]]["passed"] is True
    studio_scenarios.delete_scenario(KEY, approved.id, admin)
    body = _publish(api).get_json()
    assert body["versions"][0]["version"] == 2 and [run["name"] for run in body["runs"]] == [NO_DECISION["name"]]


def test_a_form_draft_published_alone_through_the_api(api):
    form = (REPO_ROOT / "forms" / "approval.json").read_text(encoding="utf-8")
    changed = form.rstrip() + "\n\n"
    saved = _call(api, "process_admin", "put", "/studio/files/approval.json", json={"content": changed, "revision": 0})
    assert saved.status_code == 200, saved.get_json()
    error_of(_call(api, "rep_east1", "post", "/studio/files/approval.json/publish", json={"note": "x"}), 403)
    error_of(_call(api, "auditor", "post", "/studio/files/approval.json/publish", json={"note": "x"}), 403, "read_only")
    error_of(_call(api, "process_admin", "post", "/studio/files/approval.json/publish", json={"note": ""}), 422)
    error_of(_call(api, "process_admin", "post", "/studio/files/travel_request.json/publish", json={"note": "x"}), 404)
    body = api("process_admin").ok("post", "/studio/files/approval.json/publish", json={"note": "审批表单换行"})
    assert KEY in {v["key"] for v in body["versions"] if v["created"]} and len(body["versions"]) > 1
    error_of(_call(api, "process_admin", "get", "/studio/files/approval.json/publish"), 405)
