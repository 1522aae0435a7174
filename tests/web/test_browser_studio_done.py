"""Issue 17's "done when", in the browser as the process admin.

A: travel_request gets a new step (a user task in the general manager's
lane): while it is unconnected and has no form the canvas lint and the
deploy lint mark it and the publish button waits; connected and given its
form in the panel, a saved scenario runs through it, Compare shows it added
against v1, and v2 is published with a note. A request started before stays
on v1 and completes there; a new one runs v2 and reaches the new step.

B: the shipment authority table's threshold is edited alone and published
from the table's page; a shipment between the old and the new threshold,
started before, skips the general manager; the next one goes to him, and
the process list shows the new version with the note.

Pictures in Chinese and English go to test-artifacts/studio-done/ and, when
STUDIO_SHOTS names a folder, there too."""
import json
import os
import shutil

import pytest

from tests.support.live_api import LiveApi
from tests.support.samples import APPROVE, TRIP
from tests.support.studio_scenarios import APPROVED
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
FOLDER = "studio-done"
KEY = "travel_request"
NEW = "Task_TravelDesk"
NOTE = "审批通过后由总经理办公室预订车票酒店"
TABLE = "shipment_approval_authority.dmn"
TABLE_NOTE = "营销总监出货审批权限下调至10万元"
SAVED = "() => document.getElementById('studio-save-state').textContent === '草稿已保存'"

# The palette's create: a user task dropped in the general manager's lane, not yet connected.
DROP_STEP = """([id, name, x, y]) => {
  const s = window.lanesStudio, registry = s.get('elementRegistry'), modeling = s.get('modeling');
  const businessObject = s.get('bpmnFactory').create('bpmn:UserTask', { id });
  const shape = s.get('elementFactory').createShape({ type: 'bpmn:UserTask', businessObject });
  const task = modeling.createShape(shape, { x, y }, registry.get('Participant_TravelRequest'));
  modeling.updateLabel(task, name);
  return task.businessObject.id;
}"""
# ... and wired into the flow: the approvals' end now leads through it.
WIRE_STEP = """(id) => {
  const s = window.lanesStudio, registry = s.get('elementRegistry'), modeling = s.get('modeling');
  const task = registry.get(id);
  modeling.reconnectEnd(registry.get('Flow_ToApprovedEnd'), task, { x: 1560, y: task.y + task.height / 2 });
  modeling.connect(task, registry.get('EndEvent_Approved'), { type: 'bpmn:SequenceFlow' });
  s.get('selection').select(task);
}"""


def _picture(page, name):
    shot(page, FOLDER, name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / FOLDER / f"{name}.png", os.environ["STUDIO_SHOTS"])


def _problem_on(page, element_id):
    return page.locator(f'#studio-problems li button[data-element-id="{element_id}"]')


def _switch(page, language):
    with page.expect_navigation():
        page.get_by_role("button", name=language).click()


def _scenario(form, scenario):
    form.get_by_label("场景名称").fill(scenario["name"])
    form.get_by_label("预期结束").fill(scenario["expected_end"])
    form.get_by_label("启动数据（JSON）").fill(json.dumps(scenario["start_data"], ensure_ascii=False))
    form.get_by_label("人工任务提交（JSON）").fill(json.dumps(scenario["decisions"], ensure_ascii=False))
    form.get_by_label("服务任务结果（JSON）").fill(json.dumps(scenario["service_results"]))


def test_a_new_step_linted_fixed_tested_compared_published_while_v1_runs_on(person, live_server, live_app):
    rep = LiveApi(live_app, "rep_east1")
    before = rep.ok("post", "/process-instances", 201, json={"process_key": KEY, "data": TRIP})
    assert before["version"] == 1

    page = person("process_admin")
    page.goto(live_server + f"/studio/processes/{KEY}")
    page.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')
    publish = page.locator("#studio-publish")
    assert publish.is_visible() and publish.is_enabled()
    y = page.evaluate("() => { const l = window.lanesStudio.get('elementRegistry').get('Lane_GeneralManager');"
                      " return l.y + l.height / 2; }")
    assert page.evaluate(DROP_STEP, [NEW, "差旅预订", 1600, y]) == NEW
    page.wait_for_function(SAVED)
    # Unconnected and without a form: the canvas lint and the deploy lint mark it; publishing waits.
    _problem_on(page, NEW).filter(has_text="names no form").wait_for()
    _problem_on(page, NEW).filter(has_text="no-disconnected").wait_for()
    assert page.locator(f'.djs-element.lanes-problem[data-element-id="{NEW}"]').count() == 1
    page.wait_for_function("() => document.getElementById('studio-publish').disabled")
    assert page.locator("#studio-publish-blocked").inner_text().startswith("暂不能发布：画布检查发现")
    _picture(page, "a1-step-problems-zh")

    # Fixed: wired into the flow, and its form picked in the panel; the lane gives its performer.
    page.evaluate(WIRE_STEP, NEW)
    page.get_by_label("表单", exact=True).select_option("approval.json")
    page.wait_for_function(SAVED)
    page.wait_for_function(f"() => !document.querySelector('#studio-problems li button[data-element-id=\"{NEW}\"]')")
    page.wait_for_function("() => !document.getElementById('studio-publish').disabled")
    assert page.locator("#studio-publish-blocked").is_hidden()
    page.evaluate("() => { const s = window.lanesStudio; s.get('selection').select(s.get('elementRegistry').get('Lane_GeneralManager')); }")
    assert page.get_by_label("本泳道办理人（角色）").input_value() == "general_manager"

    # A saved scenario runs the draft through the new step.
    scenario = {**APPROVED, "name": "两级审批后差旅预订",
                "decisions": {**APPROVED["decisions"], NEW: APPROVE}}
    page.get_by_role("button", name="测试场景").click()
    page.get_by_role("button", name="新建场景").click()
    _scenario(page.locator("#scenario-form"), scenario)
    page.get_by_role("button", name="保存并运行").click()
    page.locator("#scenario-result .scenario-verdict.passed").wait_for()
    assert page.locator(f'.djs-element.lanes-scenario-path[data-element-id="{NEW}"]').count() == 1
    _picture(page, "a2-scenario-passed-zh")

    # Compare with v1: the new step is marked added.
    page.locator(".compare-link").click()
    page.wait_for_selector("#compare[data-ready='true']")
    assert page.locator(f'#compare-canvas-b .djs-element.compare-added[data-element-id="{NEW}"]').count() == 1
    _picture(page, "a3-compare-zh")
    page.go_back()
    page.wait_for_selector(f'.djs-element[data-element-id="{NEW}"]')

    page.locator("#studio-publish").click()
    dialog = page.locator("#studio-publish-dialog")
    dialog.get_by_label("变更说明").fill(NOTE)
    dialog.get_by_role("button", name="发布").click()
    page.wait_for_function("() => document.getElementById('studio-publish-message').textContent === '已发布为 v2。'")
    assert "✓ 两级审批后差旅预订" in page.locator("#studio-publish-details").inner_text()
    _picture(page, "a4-published-zh")
    with page.expect_navigation():
        dialog.get_by_role("button", name="关闭").click()

    # Started before the publish: stays on v1 and completes there, never meeting the new step.
    rm, director, gm = LiveApi(live_app, "rm_east"), LiveApi(live_app, "director"), LiveApi(live_app, "gm")
    rm.complete(before["id"], "Task_ManagerApproval")
    director.complete(before["id"], "Task_DepartmentHeadApproval")
    done = rep.ok("get", f"/process-instances/{before['id']}")
    assert (done["version"], done["status"]) == (1, "completed")
    assert NEW not in {t["element_id"] for t in done["tasks"]}
    # Started after: v2, and it reaches the new step in the general manager's lane.
    after = rep.ok("post", "/process-instances", 201, json={"process_key": KEY, "data": TRIP})
    assert after["version"] == 2
    rm.complete(after["id"], "Task_ManagerApproval")
    director.complete(after["id"], "Task_DepartmentHeadApproval")
    assert gm.ready(after["id"]) == [NEW]
    gm.complete(after["id"], NEW)
    assert rep.ok("get", f"/process-instances/{after['id']}")["status"] == "completed"

    # The same screens in English: the held publish button, the scenario, the comparison, the note.
    _switch(page, "English")
    page.wait_for_selector(f'.djs-element[data-element-id="{NEW}"]')
    page.get_by_role("button", name="Test scenarios").click()
    page.locator("#scenario-list li", has_text=scenario["name"]).get_by_role("button", name="Run scenario").click()
    page.locator("#scenario-result .scenario-verdict.passed").wait_for()
    assert page.locator(f'.djs-element.lanes-scenario-path[data-element-id="{NEW}"]').count() == 1  # v2 has it
    _picture(page, "a2-scenario-passed-en")
    page.evaluate(DROP_STEP, ["Task_Loose", "Loose step", 1000, y + 30])
    page.wait_for_function("() => document.getElementById('studio-save-state').textContent === 'Draft saved'")
    page.wait_for_function("() => document.getElementById('studio-publish').disabled")
    assert page.locator("#studio-publish-blocked").inner_text().startswith("Publishing waits: the canvas check shows")
    _picture(page, "a1-step-problems-en")
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Discard draft").click()
    page.goto(live_server + f"/studio/processes/{KEY}/compare?a=1&b=2")
    page.wait_for_selector("#compare[data-ready='true']")
    assert page.locator(f'#compare-canvas-b .djs-element.compare-added[data-element-id="{NEW}"]').count() == 1
    _picture(page, "a3-compare-en")
    page.goto(live_server + "/studio/")
    assert NOTE in page.locator(f"#process-{KEY}").inner_text()
    _picture(page, "a4-versions-en")
    _switch(page, "中文")
    assert person.errors == []


def _shipment(live_app, rep, dispatcher, director):
    """A 150,000 shipment (between the old 200,000 and the new 100,000
    threshold) started by the rep and approved by the director: the
    element ids ready after the authority table decided."""
    from app.extensions import db
    from app.models import Customer

    with live_app.app_context():
        customer = db.session.scalar(db.select(Customer.code).where(Customer.name == "江苏机电设备经销部"))
        db.session.remove()
    started = rep.ok("post", "/process-instances", 201, json={"process_key": "shipment_approval", "data": {
        "customer": customer, "request_channel": "phone", "requested_items": "YE3 电机一百台", "requested_date": "2026-12-08"}})
    rep.complete(started["id"], "Task_FillDeliveryNote", {
        "delivery_note_no": f"JH2026120{started['id']:04d}",
        "lines": [{"material": "MTR001", "spec": "YE3-80M2-2 1.1kW", "qty": 100, "unit_price": 1500.0}],
        "delivery_date": "2026-12-08", "delivery_place": "杭州市滨江区江南大道 88 号", "transport_mode": "own_truck",
        "acceptance_terms": "到货开箱验收", "settlement_terms": "monthly_30", "note_action": "submit"})
    dispatcher.complete(started["id"], "Task_StockArrangement",
                        {"stock_status": "available", "planned_ship_date": "2026-12-05", "stock_note": "成品库现货"})
    return started


def _edit_cell(page, row, text):
    cell = page.locator(".tjs-table tbody tr").nth(row).locator("td.input-cell").first
    cell.locator("[contenteditable]").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.locator("h1").click()  # leave the cell: dmn-js commits the edit


def test_b_a_threshold_published_alone_routes_the_next_request(person, live_server, live_app):
    rep = LiveApi(live_app, "rep_east2")  # the customer's own representative
    dispatcher = LiveApi(live_app, "dispatcher")
    director, admin = LiveApi(live_app, "director"), LiveApi(live_app, "process_admin")
    old = {d["key"]: d["version"] for d in admin.ok("get", "/process-definitions")}["shipment_approval"]
    before = _shipment(live_app, rep, dispatcher, director)
    assert before["version"] == old

    page = person("process_admin")
    page.goto(live_server + f"/studio/decisions/{TABLE}")
    page.wait_for_selector(".tjs-table")
    _edit_cell(page, 1, "> 100000")
    _edit_cell(page, 2, "<= 100000")
    page.wait_for_function(SAVED)
    page.get_by_role("button", name="发布").click()
    dialog = page.locator("#studio-file-publish-dialog")
    dialog.get_by_role("button", name="发布").click()
    assert dialog.is_visible()  # the browser asks for the required note first
    dialog.get_by_label("变更说明").fill(TABLE_NOTE)
    dialog.get_by_role("button", name="发布").click()
    page.wait_for_function("() => (document.getElementById('studio-file-publish-message').textContent || '')"
                           ".startsWith('已发布：')")
    details = page.locator("#studio-file-publish-details").inner_text()
    assert f"shipment_approval：v{old + 1}" in details
    _picture(page, "b1-table-published-zh")

    # Started before the publish, decided after: its version keeps the old table, no general manager.
    director.complete(before["id"], "Task_DirectorApproval")
    assert rep.ready(before["id"]) == ["Task_UploadSignedFax"]
    # The next request follows the new table: 150,000 now needs the general manager.
    after = _shipment(live_app, rep, dispatcher, director)
    assert after["version"] == old + 1
    director.complete(after["id"], "Task_DirectorApproval")
    assert rep.ready(after["id"]) == ["Task_GMApproval"]

    with page.expect_navigation():
        dialog.get_by_role("button", name="关闭").click()
    page.wait_for_selector(".tjs-table")
    assert page.locator("#studio-draft-notice").is_hidden()
    page.goto(live_server + "/studio/")
    row = page.locator("#process-shipment_approval")
    assert TABLE_NOTE in row.inner_text() and f"v{old + 1}" in row.inner_text()
    _picture(page, "b2-versions-zh")
    _switch(page, "English")
    assert TABLE_NOTE in page.locator("#process-shipment_approval").inner_text()
    _picture(page, "b2-versions-en")
    page.goto(live_server + f"/studio/decisions/{TABLE}")
    page.wait_for_selector(".tjs-table")
    _edit_cell(page, 1, "> 90000")
    page.wait_for_function("() => document.getElementById('studio-save-state').textContent === 'Draft saved'")
    page.get_by_role("button", name="Publish").click()
    dialog = page.locator("#studio-file-publish-dialog")
    dialog.wait_for(state="visible")
    dialog.get_by_label("Change note").fill("overlapping rules")  # rule 2 and 3 now both match 95,000
    dialog.get_by_role("button", name="Publish").click()
    page.wait_for_function("() => document.getElementById('studio-file-publish-message').textContent"
                           " === 'Not published: the deploy check finds 1 problem(s).'")
    assert "Rule_WithinDirectorAuthority" in page.locator("#studio-file-publish-details").inner_text()
    _picture(page, "b1-table-refused-en")
    page.get_by_role("button", name="Close").click()
    page.once("dialog", lambda d: d.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Discard draft").click()
    _switch(page, "中文")
    auditor = person("auditor")  # reads the table, publishes nothing
    auditor.goto(live_server + f"/studio/decisions/{TABLE}")
    auditor.wait_for_selector(".tjs-table")
    assert auditor.locator("#studio-file-publish").count() == 0
    assert auditor.get_by_role("button", name="发布").count() == 0
    assert person.errors == []
