"""In the browser: the process admin plans moving travel requests from v1
to a v2 that changes the department head's step, sees the dry run (the
request waiting at that step cannot move, and why), saves the plan; a
second process admin approves it; the planner runs it and the progress
bar reaches 100 % while the page moves the requests; the results show who
moved and who did not. Pictures in Chinese and English go to
test-artifacts/operate-migration/ and, when MIGRATION_SHOTS names a
folder, there too."""
import os
import shutil

import pytest

from tests.support.logins import DEMO_PASSWORD
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock


def _picture(page, name):
    shot(page, "operate-migration", name)
    if os.environ.get("MIGRATION_SHOTS"):
        os.makedirs(os.environ["MIGRATION_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / "operate-migration" / f"{name}.png", os.environ["MIGRATION_SHOTS"])


@pytest.fixture(scope="module")
def requests_on_v1(live_app):
    """Two travel requests at the manager's step and one at the department
    head's, on v1; v2 deployed; a second process admin."""
    from app.services.accounts import create_user, find_user
    from tests.support.flow_driver import FlowDriver
    from tests.support.migration_travel import deploy_v2, start_at

    with live_app.app_context():
        create_user("admin_qian", DEMO_PASSWORD, roles=["process_admin"], display_name="钱流程管理员")
        flow = FlowDriver(find_user)
        ids = {"movable": [start_at(flow, "manager", n).id for n in (1, 2)], "stuck": start_at(flow, "head", 3).id}
        ids["v2"] = deploy_v2()
        from app.extensions import db
        db.session.remove()
    return ids


def test_plan_dry_run_approve_and_run_a_migration(person, live_server, requests_on_v1):
    planner = person("process_admin")
    planner.goto(live_server + "/operate/migrations/new")
    planner.select_option("#process_key", "travel_request")
    planner.select_option("#source_version", "1")
    planner.select_option("#target_version", str(requests_on_v1["v2"]))
    planner.get_by_role("button", name="试运行").click()
    stuck = planner.locator(f"#dry-run-{requests_on_v1['stuck']}")
    assert "步骤已改" in stuck.inner_text() and "Task_DepartmentHeadApproval" in stuck.inner_text()
    for movable in requests_on_v1["movable"]:
        assert "是" in planner.locator(f"#dry-run-{movable}").inner_text()
    assert "3 个中 2 个可以迁移" in planner.locator("#dry-run-title").inner_text()
    _picture(planner, "dry-run-zh")

    planner.fill("#reason", "部门经理审批需核对部门预算")
    planner.get_by_role("button", name="计划此迁移").click()
    planner.wait_for_selector("#batch-state")
    assert planner.locator("#batch-state").inner_text() == "等待审批"
    assert planner.locator("#approve-migration").count() == 0  # never the planner's own
    batch_url = planner.url
    _picture(planner, "planned-zh")

    approver = person("admin_qian")
    approver.goto(batch_url)
    approver.locator("#approve-migration").click()
    approver.wait_for_selector(".flash")
    assert "钱流程管理员" in approver.locator("#batch-approver").inner_text()

    planner.goto(batch_url)
    planner.locator("#run-migration").click()
    planner.wait_for_function("document.querySelector('#batch-state') && "
                              "document.querySelector('#batch-state').textContent.trim() === '已完成'")
    assert planner.locator("#migration-progress").get_attribute("value") == "100"
    assert planner.locator("#migration-percent").inner_text() == "100%"
    for movable in requests_on_v1["movable"]:
        assert "已迁移" in planner.locator(f"#item-{movable} .result").inner_text()
    assert "不能迁移" in planner.locator(f"#item-{requests_on_v1['stuck']} .result").inner_text()
    _picture(planner, "finished-zh")

    planner.get_by_role("button", name="English").click()
    planner.wait_for_function("document.documentElement.lang === 'en'")
    assert planner.locator("#batch-state").inner_text() == "Finished"
    _picture(planner, "finished-en")
    planner.goto(live_server + "/operate/migrations")
    _picture(planner, "list-en")
    planner.goto(live_server + "/operate/migrations/new")
    planner.select_option("#target_version", str(requests_on_v1["v2"]))
    planner.get_by_role("button", name="Dry run").click()
    assert "step changed" in planner.locator(f"#dry-run-{requests_on_v1['stuck']}").inner_text()
    _picture(planner, "dry-run-en")
    planner.get_by_role("button", name="中文").click()
    assert not person.errors, person.errors
