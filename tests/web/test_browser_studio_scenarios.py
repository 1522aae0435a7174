"""In the browser: the process admin opens the modeler's test scenario
panel, types a scenario (a JSON mistake is caught before saving), saves and
runs it, and sees the path marked on the canvas; a scenario missing a
decision stops at that task, marked; the token simulation toggles; then in
English. An auditor runs a scenario but has nothing to save with.
Pictures go to test-artifacts/studio-scenarios/ and, when STUDIO_SHOTS
names a folder, there too."""
import json
import os
import shutil

import pytest

from tests.support.studio_scenarios import APPROVED, NO_DECISION
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
FOLDER = "studio-scenarios"


def _picture(page, name):
    shot(page, FOLDER, name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / FOLDER / f"{name}.png", os.environ["STUDIO_SHOTS"])


def _open_modeler(page, base):
    page.goto(base + "/studio/processes/travel_request")
    page.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')


def _marked(page, element_id, marker="lanes-scenario-path"):
    return page.locator(f'.djs-element.{marker}[data-element-id="{element_id}"]').count() == 1


def _fill(page, scenario):
    form = page.locator("#scenario-form")
    form.get_by_label("场景名称").fill(scenario["name"])
    form.get_by_label("预期结束").fill(scenario["expected_end"])
    form.get_by_label("启动数据（JSON）").fill(json.dumps(scenario["start_data"], ensure_ascii=False))
    form.get_by_label("人工任务提交（JSON）").fill(json.dumps(scenario["decisions"], ensure_ascii=False))
    form.get_by_label("服务任务结果（JSON）").fill(json.dumps(scenario["service_results"]))


def test_create_and_run_scenarios_and_toggle_the_token_simulation(person, live_server):
    page = person("process_admin")
    _open_modeler(page, live_server)
    page.get_by_role("button", name="测试场景").click()
    page.get_by_text("本流程还没有保存的测试场景。").wait_for()
    page.get_by_role("button", name="新建场景").click()
    assert "Task_ManagerApproval, " in page.locator('[data-ids-for="decisions"]').inner_text()
    assert page.locator('[data-ids-for="service_results"]').inner_text() == "本图中：Task_CheckTraveller"
    _fill(page, APPROVED)
    page.get_by_label("人工任务提交（JSON）").fill('{"Task_ManagerApproval": ')
    assert page.locator('[data-error-for="decisions"]').inner_text().startswith("不是有效的 JSON")
    assert page.get_by_role("button", name="保存并运行").is_disabled()
    page.get_by_label("人工任务提交（JSON）").fill('{"Task_ManagerApproval": "approve"}')
    assert "表单数据应为对象" in page.locator('[data-error-for="decisions"]').inner_text()
    page.get_by_label("人工任务提交（JSON）").fill(json.dumps(APPROVED["decisions"]))
    page.get_by_role("button", name="保存并运行").click()
    page.locator("#scenario-result .scenario-verdict.passed").wait_for()
    assert page.locator("#scenario-result .scenario-verdict").inner_text() == f"通过 · {APPROVED['name']}"
    for element_id in ("StartEvent_TravelRequested", "Task_ManagerApproval", "Task_DepartmentHeadApproval",
                       "EndEvent_Approved"):
        assert _marked(page, element_id), element_id
    assert not _marked(page, "Task_GMApproval") and not _marked(page, "Task_ReviseRequest")
    assert page.locator('.djs-connection.lanes-scenario-path[data-element-id="Flow_ToApprovedEnd"]').count() == 1
    assert page.locator("#scenario-result .scenario-path li").count() == 12
    _picture(page, "scenario-passed-zh")

    page.get_by_role("button", name="新建场景").click()
    _fill(page, NO_DECISION)
    page.get_by_role("button", name="保存并运行").click()
    page.locator("#scenario-result .scenario-verdict.passed", has_text=NO_DECISION["name"]).wait_for()  # expected
    assert "Task_DepartmentHeadApproval" in page.locator("#scenario-result .scenario-reason").inner_text()
    page.locator('#scenario-result .scenario-path button[data-element-id="Task_ManagerApproval"]').wait_for()
    assert _marked(page, "Task_DepartmentHeadApproval", "lanes-scenario-stop")
    assert not _marked(page, "EndEvent_Approved")
    assert page.locator("#scenario-list li").count() == 2
    _picture(page, "scenario-stopped-zh")

    page.get_by_role("button", name="令牌模拟").click()
    page.wait_for_selector("#studio-canvas .bjs-container.simulation")
    assert page.get_by_role("button", name="令牌模拟").get_attribute("aria-pressed") == "true"
    page.wait_for_selector(".bts-palette:not(.hidden)")
    page.evaluate("() => { const c = window.lanesStudio.get('canvas'); c.zoom(1, { x: 0, y: 0 }); }")  # pads show from 1:2 up
    play = page.locator('.djs-overlays[data-container-id="StartEvent_TravelRequested"] .bts-context-pad:visible')
    play.first.click()  # a token leaves the start event
    page.wait_for_selector(".bts-token", state="attached")
    _picture(page, "token-simulation-zh")
    page.get_by_role("button", name="令牌模拟").click()
    page.wait_for_selector("#studio-canvas .bjs-container:not(.simulation)")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')
    page.get_by_role("button", name="Test scenarios").click()
    row = page.locator("#scenario-list li", has_text=APPROVED["name"])
    row.get_by_role("button", name="Run scenario").click()
    page.locator("#scenario-result .scenario-verdict.passed").wait_for()
    assert page.locator("#scenario-result .scenario-verdict").inner_text().startswith("Scenario passed")
    assert page.locator("#scenario-result .scenario-reason").inner_text() == "The process completed."
    _picture(page, "scenario-passed-en")
    page.get_by_role("button", name="Token simulation").click()
    page.wait_for_selector("#studio-canvas .bjs-container.simulation")
    _picture(page, "token-simulation-en")
    page.get_by_role("button", name="Token simulation").click()
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []


def test_an_auditor_runs_a_scenario_but_saves_nothing(person, live_server):
    admin = person("process_admin")
    _open_modeler(admin, live_server)
    admin.get_by_role("button", name="测试场景").click()
    admin.wait_for_selector("#scenario-list[data-loaded]", state="attached")
    if admin.locator("#scenario-list li", has_text=APPROVED["name"]).count() == 0:
        admin.get_by_role("button", name="新建场景").click()
        _fill(admin, APPROVED)
        admin.get_by_role("button", name="保存并运行").click()
        admin.locator("#scenario-result .scenario-verdict").wait_for()
    page = person("auditor")
    _open_modeler(page, live_server)
    page.get_by_role("button", name="测试场景").click()
    row = page.locator("#scenario-list li", has_text=APPROVED["name"])
    row.wait_for()
    assert page.get_by_role("button", name="新建场景").count() == 0 and row.get_by_role("button", name="删除").count() == 0
    row.get_by_role("button", name="运行").click()
    page.locator("#scenario-result .scenario-verdict.passed").wait_for()
    assert _marked(page, "EndEvent_Approved")
    row.get_by_role("button", name=APPROVED["name"]).click()
    assert page.locator("#scenario-form").get_by_label("场景名称").get_attribute("readonly") is not None
    assert page.get_by_role("button", name="保存并运行").count() == 0
    _picture(page, "scenario-auditor-zh")
    assert person.errors == []
