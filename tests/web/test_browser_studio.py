"""In the browser, as the process admin: the studio's process list, the
modeler of travel_request, a form picked for a user task in the platform's
panel, the autosave landing (a reload opens the draft), a lint problem
introduced and shown in the problems list (a click selects its element),
then English and the draft discarded. An auditor sees the modeler read only.
Pictures go to test-artifacts/studio/ and, when STUDIO_SHOTS names a
folder, there too."""
import os
import re
import shutil

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import StudioDraft
from app.services.deployment import REPO_ROOT
from app.workflow.studio_reading import platform_properties
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
TASK = "Task_GMApproval"
TRAVEL = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")


def _picture(page, name):
    shot(page, "studio", name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / "studio" / f"{name}.png", os.environ["STUDIO_SHOTS"])


def _open_modeler(page):
    page.wait_for_selector(f'.djs-element[data-element-id="{TASK}"]')
    page.wait_for_selector(".djs-minimap")


def _select_task(page):
    page.locator(f'.djs-element[data-element-id="{TASK}"]').click()
    page.wait_for_selector('[data-group-id="group-lanes-platform"]')


def _draft_xml(app) -> str:
    with app.app_context():
        xml = db.session.scalar(select(StudioDraft.xml).where(StudioDraft.process_key == "travel_request"))
        db.session.remove()
    return xml


def _select_by_id(page, element_id):
    page.evaluate("id => { const s = window.lanesStudio; s.get('selection').select(s.get('elementRegistry').get(id)); }",
                  element_id)


def _choose(page, label, value):
    """Pick ``value`` in the panel's select ``label``. The panel redraws
    after a selection made by script; on a busy machine the first pick can
    land on the select it replaces, so pick until the shown one holds it."""
    field = page.get_by_label(label)
    for _ in range(40):
        field.select_option(value)
        page.wait_for_timeout(250)
        if field.input_value() == value:
            return
    raise AssertionError(f"{label}: {value} not taken")


def _saved(page, text="草稿已保存"):
    page.wait_for_function("t => document.getElementById('studio-save-state').textContent === t", arg=text)


def test_pick_a_form_autosave_and_see_a_lint_problem(person, live_server, live_app):
    page = person("process_admin")
    page.get_by_role("link", name="流程工作室").click()
    row = page.locator("#process-travel_request")
    assert "出差申请" in row.inner_text() and "v1" in row.inner_text()
    _picture(page, "processes-zh")
    row.get_by_role("link", name="打开").click()
    page.wait_for_url(live_server + "/studio/processes/travel_request")
    _open_modeler(page)
    assert page.locator("#studio-draft-notice").is_hidden()

    _select_task(page)
    form = page.get_by_label("表单", exact=True)
    assert form.input_value() == "approval.json"
    assert page.get_by_label("审批步骤（同意或驳回）").is_checked()
    form.select_option("travel_claim.json")
    _saved(page)
    assert page.locator("#studio-draft-notice").inner_text() == "草稿，基于 v1"
    assert page.get_by_role("button", name="放弃草稿").is_visible()

    page.reload()
    _open_modeler(page)
    assert page.locator("#studio-draft-notice").inner_text() == "草稿，基于 v1"
    _select_task(page)
    assert page.get_by_label("表单", exact=True).input_value() == "travel_claim.json"
    page.wait_for_selector("#studio-problems[data-checked-revision='1']", state="attached")  # the deploy lint passes the modeler's XML
    assert page.locator("#studio-problems li").count() == 0
    # The modeler wrote back everything the platform reads, and changed only the form picked.
    expected = platform_properties(TRAVEL)
    expected[TASK] = [("property", "formJsonSchemaFilename", "travel_claim.json") if fact[:2] == (
        "property", "formJsonSchemaFilename") else fact for fact in expected[TASK]]
    assert platform_properties(_draft_xml(live_app)) == expected

    page.get_by_label("表单", exact=True).select_option("")  # no form: the deploy lint refuses the task
    _saved(page)
    page.wait_for_selector("#studio-problems[data-checked-revision='2']", state="attached")
    problem = page.locator("#studio-problems li button", has_text="names no form")
    problem.wait_for()
    assert problem.get_attribute("data-element-id") == TASK
    assert page.locator(f'.djs-element.lanes-problem[data-element-id="{TASK}"]').count() == 1
    page.locator("#studio-canvas").click(position={"x": 5, "y": 5})  # select nothing, then the problem
    problem.click()
    assert page.evaluate("() => window.lanesStudio.get('selection').get().map(e => e.id)") == [TASK]
    _picture(page, "modeler-problem-zh")

    _select_by_id(page, "Task_CheckTraveller")  # under the palette at this zoom: selected as the outline would
    _choose(page, "服务操作", "ledger.register_contract")
    _saved(page)
    page.get_by_label("customer（必填，str）").fill("customer_code")
    page.get_by_label("结果变量").fill("contract_result")
    wanted = [("property", "nameEn", "Check traveller eligibility"),  # its English name stays
              ("operation", "ledger.register_contract", "contract_result"), ("parameter", "customer", "str", "customer_code")]
    for _ in range(120):  # the typing is debounced, then autosaved: the saved draft says when it landed
        facts = platform_properties(_draft_xml(live_app))["Task_CheckTraveller"]
        if facts == wanted:
            break
        page.wait_for_timeout(250)
    assert facts == wanted

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    _open_modeler(page)
    _select_task(page)
    assert page.locator("#studio-draft-notice").inner_text() == "Draft, based on v1"
    assert page.get_by_label("Form", exact=True).input_value() == ""
    page.locator("#studio-problems li button", has_text="names no form").wait_for()
    _picture(page, "modeler-problem-en")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():  # the page reloads once the draft is gone
        page.get_by_role("button", name="Discard draft").click()
    _open_modeler(page)
    assert page.locator("#studio-draft-notice").is_hidden()
    _select_task(page)
    assert page.get_by_label("Form", exact=True).input_value() == "approval.json"
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []


def test_an_auditor_sees_the_modeler_read_only(person, live_server):
    page = person("auditor")
    page.goto(live_server + "/studio/processes/travel_request")
    _open_modeler(page)
    assert "只读" in page.locator("#studio-save-state").inner_text()
    assert page.locator("#studio-problems-empty").inner_text() == "部署检查在流程管理员编辑时进行。"
    assert page.get_by_role("button", name="放弃草稿").count() == 0
    _select_by_id(page, "Task_CheckTraveller")  # under the palette at this zoom: selected as the outline would
    assert page.get_by_label("服务操作").input_value() == "ledger.check_traveller"
    assert page.get_by_label("结果变量").input_value() == "traveller_check"
    _picture(page, "modeler-service-task-zh")
    _select_by_id(page, "StartEvent_TravelRequested")
    assert page.get_by_label("表单", exact=True).input_value() == "travel_request.json"
    assert page.get_by_label("可发起：销售代表").is_checked() and not page.get_by_label("可发起：流程管理员").is_checked()
    _select_by_id(page, "Lane_GeneralManager")
    assert page.get_by_label("本泳道办理人（角色）").input_value() == "general_manager"
    _picture(page, "modeler-auditor-zh")
    assert person.errors == []
