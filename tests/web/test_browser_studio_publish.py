"""In the browser, as the process admin: add a step to travel_request in the
modeler (a user task placed in the general manager's lane and connected
into the flow), see the deploy lint's problem on it until a form is picked
in the panel, then publish v2 with a change note from the publish dialog.
Through the API a request started before the publish stays on v1 and
completes there, and a new one runs v2 and reaches the new step. Pictures
in Chinese and English go to test-artifacts/studio-publish/ and, when
STUDIO_SHOTS names a folder, there too."""
import os
import shutil

import pytest

from tests.support.api_client import PREFIX
from tests.support.logins import DEMO_PASSWORD
from tests.support.samples import APPROVE, TRIP
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
KEY = "travel_request"
NEW = "Task_TravelDesk"
NOTE = "出差批准后由总经理办公室预订车票酒店"

# The palette's create-and-connect, done through the modeler's own services:
# a user task in the general manager's lane between the approvals and the end.
ADD_STEP = """([id, name]) => {
  const s = window.lanesStudio, registry = s.get('elementRegistry'), modeling = s.get('modeling');
  const businessObject = s.get('bpmnFactory').create('bpmn:UserTask', { id });
  const shape = s.get('elementFactory').createShape({ type: 'bpmn:UserTask', businessObject });
  const participant = registry.get('Participant_TravelRequest');
  const task = modeling.createShape(shape, { x: 1600, y: 605 }, participant);
  modeling.updateLabel(task, name);
  modeling.reconnectEnd(registry.get('Flow_ToApprovedEnd'), task, { x: 1560, y: 605 });
  modeling.connect(task, registry.get('EndEvent_Approved'), { type: 'bpmn:SequenceFlow' });
  return task.businessObject.id;
}"""


def _picture(page, name):
    shot(page, "studio-publish", name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / "studio-publish" / f"{name}.png", os.environ["STUDIO_SHOTS"])


class Api:
    """The JSON API of the live app, as one demo user."""

    def __init__(self, app, username):
        self.client = app.test_client()
        token = self.client.post(PREFIX + "/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert token.status_code == 201, token.get_json()
        self.headers = {"Authorization": f"Bearer {token.get_json()['token']}"}

    def ok(self, method, path, status=200, **kwargs):
        response = getattr(self.client, method)(PREFIX + path, headers=self.headers, **kwargs)
        assert response.status_code == status, (path, response.status_code, response.get_data(as_text=True)[:600])
        return response.get_json()

    def approve(self, instance_id, element_id):
        tasks = self.ok("get", f"/process-instances/{instance_id}")["tasks"]
        ready = [t for t in tasks if t["status"] == "ready" and t["element_id"] == element_id]
        assert ready, [(t["element_id"], t["status"]) for t in tasks]
        self.ok("post", f"/tasks/{ready[0]['id']}/complete", json={"data": APPROVE})


def _checked(page, revision_at_least):
    page.wait_for_function("n => Number(document.getElementById('studio-problems').dataset.checkedRevision || 0) >= n",
                           arg=revision_at_least)


def test_add_a_step_fix_its_lint_problem_publish_v2_and_run_both_versions(person, live_server, live_app):
    rep = Api(live_app, "rep_east1")
    before = rep.ok("post", "/process-instances", 201, json={"process_key": KEY, "data": TRIP})
    assert before["version"] == 1

    page = person("process_admin")
    page.goto(live_server + f"/studio/processes/{KEY}")
    page.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')
    assert page.get_by_role("button", name="发布").is_visible()
    assert page.evaluate(ADD_STEP, [NEW, "差旅预订"]) == NEW
    page.wait_for_function("() => document.getElementById('studio-save-state').textContent === '草稿已保存'")
    # The deploy lint finds the new step has no form: shown on it, in the problems list.
    problem = page.locator(f'#studio-problems li button[data-element-id="{NEW}"]', has_text="names no form")
    problem.wait_for()
    assert page.locator(f'.djs-element.lanes-problem[data-element-id="{NEW}"]').count() == 1
    problem.click()
    assert page.evaluate("() => window.lanesStudio.get('selection').get().map(e => e.id)") == [NEW]
    page.locator('[data-group-id="group-lanes-platform"]').wait_for()
    _picture(page, "add-step-problem-zh")

    # Fixed in the panel: the step's form, then its lane's performer seen on the lane.
    page.get_by_label("表单", exact=True).select_option("approval.json")
    page.wait_for_function("() => document.getElementById('studio-save-state').textContent === '草稿已保存'")
    page.wait_for_function(f"() => !document.querySelector('#studio-problems li button[data-element-id=\"{NEW}\"]')")
    page.locator("#studio-problems-empty").wait_for(state="visible")
    page.evaluate("() => { const s = window.lanesStudio; s.get('selection').select(s.get('elementRegistry').get('Lane_GeneralManager')); }")
    assert page.get_by_label("本泳道办理人（角色）").input_value() == "general_manager"

    # Publish: the note is required, then v2.
    page.get_by_role("button", name="发布").click()
    dialog = page.locator("#studio-publish-dialog")
    dialog.wait_for(state="visible")
    dialog.get_by_role("button", name="发布").click()
    assert page.locator("#studio-publish-dialog").is_visible()  # the browser asks for the required note first
    dialog.get_by_label("变更说明").fill(NOTE)
    dialog.get_by_role("button", name="发布").click()
    page.wait_for_function("() => document.getElementById('studio-publish-message').textContent === '已发布为 v2。'")
    _picture(page, "publish-dialog-zh")
    with page.expect_navigation():
        dialog.get_by_role("button", name="关闭").click()
    page.wait_for_selector('.djs-element[data-element-id="Task_TravelDesk"]')
    assert "v2" in page.locator("h1").inner_text() and page.locator("#studio-draft-notice").is_hidden()

    # The process list shows the note on v2.
    page.goto(live_server + "/studio/")
    row = page.locator(f"#process-{KEY}")
    assert NOTE in row.inner_text() and "v2" in row.inner_text()
    _picture(page, "processes-note-zh")

    # Started before the publish: stays on v1 and completes there.
    rm, director, gm = Api(live_app, "rm_east"), Api(live_app, "director"), Api(live_app, "gm")
    rm.approve(before["id"], "Task_ManagerApproval")
    director.approve(before["id"], "Task_DepartmentHeadApproval")
    done = rep.ok("get", f"/process-instances/{before['id']}")
    assert (done["version"], done["status"]) == (1, "completed")
    # Started after: runs v2 and reaches the new step in the general manager's lane.
    after = rep.ok("post", "/process-instances", 201, json={"process_key": KEY, "data": TRIP})
    assert after["version"] == 2
    rm.approve(after["id"], "Task_ManagerApproval")
    director.approve(after["id"], "Task_DepartmentHeadApproval")
    gm.approve(after["id"], NEW)
    assert rep.ok("get", f"/process-instances/{after['id']}")["status"] == "completed"

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert NOTE in page.locator(f"#process-{KEY}").inner_text()
    _picture(page, "processes-note-en")
    page.goto(live_server + f"/studio/processes/{KEY}")
    page.wait_for_selector(f'.djs-element[data-element-id="{NEW}"]')
    page.get_by_role("button", name="Publish").click()
    page.locator("#studio-publish-dialog").wait_for(state="visible")
    assert "Nothing to publish" in page.locator("#studio-publish-message").inner_text()
    assert page.get_by_role("button", name="Discard draft").is_hidden()  # no draft after the publish
    _picture(page, "publish-dialog-en")
    page.get_by_role("button", name="Close").click()
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []


def test_a_second_admin_approves_a_publish_request_in_the_browser(person, live_server, live_app):
    live_app.config["STUDIO_PUBLISH_APPROVAL"] = True
    try:
        _request_and_approve(live_app, person, live_server)
    finally:
        live_app.config["STUDIO_PUBLISH_APPROVAL"] = False


def _request_and_approve(live_app, person, live_server):
    from app.extensions import db
    from app.services import accounts, studio, studio_publish

    with live_app.app_context():
        accounts.create_user("admin2", DEMO_PASSWORD, roles=["process_admin"], display_name="江流程管理员")
        db.session.commit()
        admin = accounts.find_user("process_admin")
        latest = studio.latest_definition(KEY, admin)  # v1, or v2 after the test above
        xml = latest.files[latest.bpmn_file].replace('name="总经理审批"', 'name="总经理批准"')
        draft = studio.find_draft(KEY, admin)
        studio.save_draft(KEY, xml, draft.revision if draft else 0, admin)
        request_id = studio_publish.publish_draft(KEY, "总经理审批改名为总经理批准", admin).request.id
        db.session.remove()
    own = person("process_admin")
    own.goto(live_server + "/studio/publish-requests")
    own.locator(f"#publish-request-{request_id}").get_by_role("button", name="批准并发布").click()
    own.locator(".flash.error", has_text="申请人不能自己审批").wait_for()

    page = person("admin2")
    page.goto(live_server + "/studio/publish-requests")
    row = page.locator(f"#publish-request-{request_id}")
    assert "等待审批" in row.inner_text() and "总经理审批改名为总经理批准" in row.inner_text()
    _picture(page, "publish-requests-zh")
    row.get_by_role("button", name="批准并发布").click()
    page.locator(".flash", has_text="已发布 travel_request v").wait_for()
    assert "admin2 已批准" in page.locator(f"#publish-request-{request_id}").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert "Approved by admin2" in page.locator(f"#publish-request-{request_id}").inner_text()
    _picture(page, "publish-requests-en")
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []
