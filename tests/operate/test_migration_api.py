"""/api/v1/operate/migrations: the whole round through the API (dry run,
plan, approval by a second admin, run, progress, move back), and the API
attacked: a rep and an auditor, the planner approving his own batch, bad
fields named."""
import pytest

from app.services.accounts import create_user
from tests.support.api_client import error_of, signed_in
from tests.support.migration_travel import HEAD_STEP, deploy_v2, start_at


@pytest.fixture
def travel(flow):
    create_user("admin_qian", "correct-horse", roles=["process_admin"], display_name="第二流程管理员")
    instances = [start_at(flow, "manager", 1), start_at(flow, "head", 2)]
    return instances, deploy_v2()


def test_plan_approve_run_and_move_back_through_the_api(client, travel):
    (movable, stuck), v2 = travel
    planner = signed_in(client, "process_admin")
    approver = signed_in(client, "admin_qian", "correct-horse")
    plan = {"process_key": "travel_request", "source_version": 1, "target_version": v2}

    rows = planner.ok("post", "/operate/migrations/dry-run", json=plan)
    assert {row["instance_id"]: row["movable"] for row in rows} == {movable.id: True, stuck.id: False}
    [why] = [row["reasons"] for row in rows if not row["movable"]]
    assert why[0]["element_id"] == HEAD_STEP and why[0]["reason"] == "changed"

    batch = planner.ok("post", "/operate/migrations", 201, json={**plan, "reason": "部门经理审批需核对预算"})
    assert (batch["status"], batch["progress"]["total"], batch["planned_by"]) == ("pending", 2, "process_admin")
    error_of(planner.post(f"/operate/migrations/{batch['id']}/approve"), 403, "own_batch")
    error_of(planner.post(f"/operate/migrations/{batch['id']}/run"), 409, "not_approved")
    assert approver.ok("post", f"/operate/migrations/{batch['id']}/approve")["approved_by"] == "admin_qian"
    assert planner.ok("post", f"/operate/migrations/{batch['id']}/run")["status"] == "running"
    progress = planner.ok("post", f"/operate/migrations/{batch['id']}/advance")
    assert {k: progress[k] for k in ("status", "percent", "moved", "refused")} == \
        {"status": "finished", "percent": 100, "moved": 1, "refused": 1}
    assert planner.ok("get", f"/operate/migrations/{batch['id']}/progress") == progress
    detail = signed_in(client, "auditor").ok("get", f"/operate/migrations/{batch['id']}")
    assert {item["instance_id"]: item["status"] for item in detail["items"]} == \
        {movable.id: "moved", stuck.id: "refused"}
    assert [b["id"] for b in planner.ok("get", "/operate/migrations")] == [batch["id"]]

    back = planner.ok("post", f"/operate/migrations/{batch['id']}/move-back", 201, json={"reason": "回到 v1"})
    assert (back["source_version"], back["target_version"], back["reverse_of"]) == (v2, 1, batch["id"])
    assert [item["instance_id"] for item in back["items"]] == [movable.id]
    approver.ok("post", f"/operate/migrations/{back['id']}/approve")
    planner.ok("post", f"/operate/migrations/{back['id']}/run")
    assert planner.ok("post", f"/operate/migrations/{back['id']}/advance")["moved"] == 1
    instance = planner.ok("get", f"/process-instances/{movable.id}")
    assert instance["version"] == 1


@pytest.mark.parametrize("who, code", [("rep_east1", "forbidden"), ("auditor", "read_only")])
def test_reps_and_auditors_change_nothing(client, travel, who, code):
    _, v2 = travel
    outsider = signed_in(client, who)
    plan = {"process_key": "travel_request", "source_version": 1, "target_version": v2, "reason": "x"}
    dry = {k: v for k, v in plan.items() if k != "reason"}
    error_of(outsider.post("/operate/migrations/dry-run", json=dry), 403, code)
    error_of(outsider.post("/operate/migrations", json=plan), 403, code)
    batch = signed_in(client, "process_admin").ok("post", "/operate/migrations", 201, json=plan)
    for action in ("approve", "run", "advance", "move-back"):
        error_of(outsider.post(f"/operate/migrations/{batch['id']}/{action}", json={}), 403, code)
    if who == "rep_east1":
        error_of(outsider.get("/operate/migrations"), 403)
        error_of(outsider.get(f"/operate/migrations/{batch['id']}/progress"), 403)
    else:
        assert outsider.ok("get", f"/operate/migrations/{batch['id']}/progress")["total"] == 2


@pytest.mark.parametrize("change, field", [
    ({"process_key": "nope"}, "process_key"),
    ({"source_version": 7}, "source_version"),
    ({"target_version": "two"}, "target_version"),
    ({"target_version": 1}, "target_version"),
    ({"reason": ""}, "reason"),
    ({"selection": {"ids": ["x"]}}, "selection"),
    ({"selection": {"started_from": "soon"}}, "selection"),
    ({"mapping": {"Task_Nowhere": HEAD_STEP}}, "mapping.Task_Nowhere"),
])
def test_bad_fields_are_named(client, travel, change, field):
    _, v2 = travel
    plan = {"process_key": "travel_request", "source_version": 1, "target_version": v2, "reason": "x", **change}
    response = signed_in(client, "process_admin").post("/operate/migrations", json=plan)
    assert 400 <= response.status_code < 500
    body = response.get_json()["error"]
    assert field in str(body["details"]), body
    error_of(signed_in(client, "process_admin").get("/operate/migrations/99999999999"), 404, "not_found")
