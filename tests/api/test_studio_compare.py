"""/studio compare, presence and restore: two real versions of
travel_request compared element by element with old and new values and the
running instances waiting on each changed step; the draft against its
base; who else has the draft open, until they go quiet; a discarded draft
restored (not over another draft); everyone but process admins and
auditors refused, auditors refused every write."""
from app.extensions import db
from app.models import StudioPresence
from tests.support.api_client import PREFIX, error_of
from tests.support.samples import TRIP
from tests.support.studio_versions import TRAVEL, deploy_v2, travel_v2


def _call(api, username, method, path, **kwargs):
    user = api(username)
    return getattr(user.client, method)(PREFIX + path, headers=user.headers, **kwargs)


def test_two_versions_compared_with_old_and_new_values_and_waiting_instances(api):
    for number in range(3):
        api("rep_east1").start("travel_request", TRIP, business_key=f"TR-{number}")
    deploy_v2()
    api("rep_east1").start("travel_request", TRIP, business_key="TR-v2")
    result = api("process_admin").ok("get", "/studio/processes/travel_request/compare?a=1&b=2")
    assert (result["a"]["side"], result["a"]["production"], result["a"]["running"]) == ("1", False, 3)
    assert (result["b"]["side"], result["b"]["production"], result["b"]["running"]) == ("2", True, 1)
    assert [(e["id"], e["kind"]) for e in result["added"]] == [("Task_AmendRequest", "userTask")]
    assert [(e["id"], e["name"]) for e in result["removed"]] == [("Task_ReviseRequest", "修改出差申请")]
    changed = {e["id"]: {c["property"]: (c["old"], c["new"]) for c in e["changes"]} for e in result["changed"]}
    assert changed["Task_ManagerApproval"] == {"@name": ("直接主管审批", "直接主管审核")}
    old_shows, new_shows = changed["Task_GMApproval"]["property:shows"]
    assert old_shows.endswith("estimated_cost,companions") and new_shows.endswith("estimated_cost")
    old_condition, new_condition = changed["Flow_ToGMApproval"]["conditionExpression"]
    assert '== "director"' in old_condition and 'in ("department_head", "director")' in new_condition
    assert changed["Flow_ToReviseRequest"]["@targetRef"] == ("Task_ReviseRequest", "Task_AmendRequest")
    assert "Gateway_Applicable" not in changed and result["layout"] == ["Gateway_Applicable"]
    assert result["files"] == [] and result["problems"] == []
    # Three requests of v1 and one of v2 wait on the manager's step, which changed.
    assert result["waiting"] == {"a": {"Task_ManagerApproval": 3}, "b": {"Task_ManagerApproval": 1}}
    # Reversed, the same facts the other way round; an auditor may read them.
    back = api("auditor").ok("get", "/studio/processes/travel_request/compare?a=2&b=1")
    assert [e["id"] for e in back["added"]] == ["Task_ReviseRequest"]
    assert {e["id"]: e for e in back["changed"]}["Task_ManagerApproval"]["changes"] == [
        {"property": "@name", "old": "直接主管审核", "new": "直接主管审批"}]


def test_the_draft_against_its_base_and_the_defaults(api):
    admin = api("process_admin")
    same = admin.ok("get", "/studio/processes/travel_request/compare")
    assert (same["a"]["side"], same["b"]["side"]) == ("1", "1")
    assert same["added"] == same["removed"] == same["changed"] == same["layout"] == []
    saved = _call(api, "process_admin", "put", "/studio/drafts/travel_request",
                  json={"xml": travel_v2(), "revision": 0})
    assert saved.status_code == 200
    result = admin.ok("get", "/studio/processes/travel_request/compare")
    assert (result["a"]["side"], result["b"]["side"], result["b"]["version"]) == ("1", "draft", 1)
    assert {e["id"] for e in result["added"]} == {"Task_AmendRequest"}
    assert result["waiting"]["b"] == {}


def test_bad_sides_are_named_and_missing_ones_are_404(api):
    assert error_of(_call(api, "process_admin", "get", "/studio/processes/travel_request/compare?a=x&b=1"),
                    422)["details"]["fields"]["a"]
    assert error_of(_call(api, "process_admin", "get", "/studio/processes/travel_request/compare?a=1&b=-2"),
                    422)["details"]["fields"]["b"]
    error_of(_call(api, "process_admin", "get", "/studio/processes/travel_request/compare?a=1&b=9"), 404)
    error_of(_call(api, "process_admin", "get", "/studio/processes/travel_request/compare?a=1&b=draft"), 404)
    error_of(_call(api, "process_admin", "get", "/studio/processes/nothing/compare?a=1&b=1"), 404)
    error_of(_call(api, "process_admin", "get", "/studio/processes/travel_request/compare?a=" + "9" * 40), 422)


def test_presence_shows_the_other_analyst_and_expires(api, frozen_clock, create_user):
    create_user("wang_analyst", roles=["process_admin"], display_name="王分析师")
    assert api("process_admin").ok("post", "/studio/drafts/travel_request/presence")["others"] == []
    others = api("wang_analyst", "correct-horse").ok("post", "/studio/drafts/travel_request/presence")["others"]
    assert [o["username"] for o in others] == ["process_admin"]
    frozen_clock.advance(seconds=20)
    others = api("process_admin").ok("post", "/studio/drafts/travel_request/presence")["others"]
    assert [(o["username"], o["name"]) for o in others] == [("wang_analyst", "王分析师")]
    assert [o["username"] for o in api("auditor").ok("get", "/studio/drafts/travel_request/presence")["others"]] == [
        "process_admin", "wang_analyst"]
    frozen_clock.advance(seconds=30)  # wang last seen 50 s ago: gone; one row per editor, however often
    assert api("process_admin").ok("post", "/studio/drafts/travel_request/presence")["others"] == []
    assert db.session.query(StudioPresence).count() == 2


def test_restore_after_discard_and_never_over_another_draft(api):
    admin = api("process_admin")
    edited = TRAVEL.replace('name="总经理审批"', 'name="总经理批准"')
    _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": edited, "revision": 0})
    assert _call(api, "process_admin", "delete", "/studio/drafts/travel_request").status_code == 204
    kept = admin.ok("get", "/studio/drafts/travel_request/discarded")
    assert [(k["discarded_by"], k["updated_by"], k["base_version"], k["revision"]) for k in kept] == [
        ("process_admin", "process_admin", 1, 1)]
    # Someone starts a new draft: restoring would overwrite it, so it is refused.
    _call(api, "process_admin", "put", "/studio/drafts/travel_request", json={"xml": TRAVEL, "revision": 0})
    refused = error_of(_call(api, "process_admin", "post", "/studio/drafts/travel_request/restore",
                             json={"id": kept[0]["id"]}), 409, "draft_exists")
    assert refused["details"]["updated_by"] == "process_admin"
    assert admin.ok("get", "/studio/drafts/travel_request")["xml"] == TRAVEL
    _call(api, "process_admin", "delete", "/studio/drafts/travel_request")
    restored = admin.ok("post", "/studio/drafts/travel_request/restore", json={"id": kept[0]["id"]})
    assert (restored["xml"], restored["revision"], restored["base_version"]) == (edited, 1, 1)
    assert [k["revision"] for k in admin.ok("get", "/studio/drafts/travel_request/discarded")] == [1]  # the other one
    error_of(_call(api, "process_admin", "post", "/studio/drafts/travel_request/restore", json={"id": kept[0]["id"]}),
             404)
    error_of(_call(api, "process_admin", "post", "/studio/drafts/travel_request/restore", json={"id": 0}), 422)
    error_of(_call(api, "process_admin", "post", "/studio/drafts/travel_request/restore", json={}), 422)


def test_others_are_refused_and_auditors_only_read(api):
    for method, path, kwargs in [("get", "/studio/processes/travel_request/compare?a=1&b=1", {}),
                                 ("get", "/studio/drafts/travel_request/presence", {}),
                                 ("post", "/studio/drafts/travel_request/presence", {}),
                                 ("get", "/studio/drafts/travel_request/discarded", {}),
                                 ("post", "/studio/drafts/travel_request/restore", {"json": {"id": 1}})]:
        error_of(_call(api, "rep_east1", method, path, **kwargs), 403)
    error_of(_call(api, "auditor", "post", "/studio/drafts/travel_request/presence"), 403, "read_only")
    error_of(_call(api, "auditor", "post", "/studio/drafts/travel_request/restore", json={"id": 1}), 403, "read_only")
    assert api("auditor").ok("get", "/studio/drafts/travel_request/discarded") == []


def test_a_form_changed_alone_shows_as_a_line_diff(api):
    from app.services import deployment
    from app.services.deployment import REPO_ROOT

    form = (REPO_ROOT / "forms" / "travel_request.json").read_text(encoding="utf-8")
    edited = form.replace('"title": "出差目的"', '"title": "出差目的（必填）"', 1)
    assert edited != form
    deployment.deploy({"travel_request.json": edited.encode("utf-8")})  # a new version of every process using it
    result = api("auditor").ok("get", "/studio/processes/travel_request/compare?a=1&b=2")
    assert result["added"] == result["removed"] == result["changed"] == []
    [changed] = result["files"]
    assert (changed["name"], changed["status"]) == ("travel_request.json", "changed")
    assert '-      "title": "出差目的",' in changed["diff"] and '+      "title": "出差目的（必填）",' in changed["diff"]
