"""The migration pages without a browser: plan with a dry run, a bad field
shown in Chinese (400), the second admin's approval, the planner refused
his own, the run advanced by the page, reps refused, auditors reading."""
from app.services.accounts import create_user
from tests.support.logins import WebUser, csrf_token_from, forget_request_caches
from tests.support.migration_travel import HEAD_STEP, deploy_v2, start_at

NEW = "/operate/migrations/new"


def test_plan_dry_run_approve_and_run_in_the_pages(app, flow):
    create_user("admin_qian", "correct-horse", roles=["process_admin"], display_name="第二流程管理员")
    movable, stuck = start_at(flow, "manager", 1), start_at(flow, "head", 2)
    v2 = deploy_v2()
    planner = WebUser(app, "process_admin")
    assert "新建迁移" in planner.page(NEW)
    plan = {"process_key": "travel_request", "source_version": "1", "target_version": str(v2)}

    bad = planner.post(NEW, {**plan, "target_version": "1", "action": "dry_run"}, token_from=NEW)
    assert bad.status_code == 400 and 'id="target_version-err"' in bad.get_data(as_text=True)

    dry = planner.post(NEW, {**plan, "action": "dry_run"}, token_from=NEW).get_data(as_text=True)
    assert f'id="dry-run-{movable.id}" class="movable"' in dry and f'id="dry-run-{stuck.id}" class="unmovable"' in dry
    assert "步骤已改" in dry and HEAD_STEP in dry

    no_reason = planner.post(NEW, {**plan, "action": "plan"}, token_from=NEW)
    assert no_reason.status_code == 400 and 'id="reason-err"' in no_reason.get_data(as_text=True)
    saved = planner.post(NEW, {**plan, "action": "plan", "reason": "部门经理审批需核对预算"}, token_from=NEW)
    assert saved.status_code == 302
    page_url = saved.headers["Location"]
    batch_id = int(page_url.rsplit("/", 1)[1])

    own = planner.post(f"/operate/migrations/{batch_id}/approve", token_from=page_url, follow_redirects=True)
    assert "从不由计划者本人批准" in own.get_data(as_text=True)
    approver = WebUser(app, "admin_qian", "correct-horse")
    approver.post(f"/operate/migrations/{batch_id}/approve", token_from=page_url)
    planner.post(f"/operate/migrations/{batch_id}/run", token_from=page_url)
    token = csrf_token_from(planner.page(page_url))
    forget_request_caches()
    progress = planner.client.post(f"/operate/migrations/{batch_id}/advance", headers={"X-CSRFToken": token}).get_json()
    assert (progress["status"], progress["percent"], progress["moved"]) == ("finished", 100, 1)
    done = planner.page(page_url)
    assert f'id="item-{movable.id}" class="item-moved"' in done and f'id="item-{stuck.id}" class="item-refused"' in done
    assert 'value="100"' in done

    auditor = WebUser(app, "auditor")
    assert auditor.get(page_url).status_code == 200
    assert auditor.get(f"/operate/migrations/{batch_id}/progress.json").get_json()["moved"] == 1
    assert auditor.get(NEW).status_code == 403
    assert f'id="migration-{batch_id}"' in auditor.page("/operate/migrations")
    rep = WebUser(app, "rep_east1")
    for url in ("/operate/migrations", page_url, NEW):
        assert rep.get(url).status_code == 403


def test_the_page_offers_a_mapping_for_a_renamed_step(app, flow):
    from tests.support.migration_travel import deploy_xml, v2_renamed_only_xml

    stuck = start_at(flow, "head", 1)
    v2 = deploy_xml(v2_renamed_only_xml("Task_HeadApproval"))
    planner = WebUser(app, "process_admin")
    plan = {"process_key": "travel_request", "source_version": "1", "target_version": str(v2), "action": "dry_run"}
    unmapped = planner.post(NEW, plan, token_from=NEW).get_data(as_text=True)
    assert f'id="dry-run-{stuck.id}" class="unmovable"' in unmapped and "步骤已改名" in unmapped
    assert f'name="map.{HEAD_STEP}"' in unmapped
    assert '<option value="Task_HeadApproval" >部门经理审批 (Task_HeadApproval) · 建议</option>' in unmapped
    mapped = planner.post(NEW, {**plan, f"map.{HEAD_STEP}": "Task_HeadApproval"}, token_from=NEW)
    assert f'id="dry-run-{stuck.id}" class="movable"' in mapped.get_data(as_text=True)
    wrong = planner.post(NEW, {**plan, f"map.{HEAD_STEP}": "Task_Nowhere"}, token_from=NEW)
    assert wrong.status_code == 400 and f'id="mapping-{HEAD_STEP}-err"' in wrong.get_data(as_text=True)
