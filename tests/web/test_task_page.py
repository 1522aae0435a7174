"""The task page: the request, its history, the form; completing it."""
import re

from app.extensions import db
from app.models import HumanTask, InstanceStatus, ProcessInstance, TaskStatus

from tests.support.flow_driver import ready_task_id
from tests.web.forms import TRIP_FORM, field_error


def test_task_page_needs_login(client, trip):
    from tests.support.logins import forget_request_caches

    forget_request_caches()
    assert client.get(f"/tasks/{ready_task_id(trip, 'Task_ManagerApproval')}").status_code == 302


def test_approval_page_shows_the_request_and_two_buttons(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    page = web("rm_east").page(f"/tasks/{task_id}")
    assert "直接主管审批" in page and "出差事由" in page and "拜访客户" in page and "¥1,280.50" in page
    assert re.search(r'<button type="submit" name="decision" value="approve"\s+class="primary"\s*>同意</button>', page)
    assert re.search(r'name="decision" value="reject"\s+class="danger"\s+data-requires="comment"\s*>驳回</button>', page)
    assert '<textarea id="f-comment" name="comment"' in page
    assert 'name="csrf_token"' in page


def test_approve_goes_back_to_the_inbox_with_a_confirmation(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    manager = web("rm_east")
    response = manager.post(f"/tasks/{task_id}", {"decision": "approve", "comment": "同意出差"}, token_from=f"/tasks/{task_id}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "已办理：直接主管审批" in manager.page("/")
    assert db.session.get(HumanTask, task_id).outcome == "approve"
    assert ready_task_id(trip, "Task_DepartmentHeadApproval")


def test_reject_without_comment_shows_the_message_next_to_the_comment(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    response = web("rm_east").post(f"/tasks/{task_id}", {"decision": "reject", "comment": ""}, token_from=f"/tasks/{task_id}")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "f-comment") == "此项必填。"
    assert db.session.get(HumanTask, task_id).status == TaskStatus.ready


def test_complete_needs_csrf(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    response = web("rm_east").client.post(f"/tasks/{task_id}", data={"decision": "approve"})
    assert response.status_code == 400
    assert db.session.get(HumanTask, task_id).status == TaskStatus.ready


def test_outsiders_cannot_see_or_complete_the_task(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    outsider = web("rep_south1")
    assert outsider.get(f"/tasks/{task_id}").status_code == 403
    response = outsider.post(f"/tasks/{task_id}", {"decision": "approve"})
    assert response.status_code == 403
    assert db.session.get(HumanTask, task_id).status == TaskStatus.ready


def test_the_requester_may_read_but_not_approve(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    rep = web("rep_east1")
    page = rep.page(f"/tasks/{task_id}")
    assert "您可以查看此任务，但不能办理" in page and 'value="approve"' not in page
    assert rep.post(f"/tasks/{task_id}", {"decision": "approve"}).status_code == 403


def test_rejection_comes_back_to_the_requester_prefilled(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    web("rm_east").post(f"/tasks/{task_id}", {"decision": "reject", "comment": "请改坐火车以外"}, token_from=f"/tasks/{task_id}")
    revise = ready_task_id(trip, "Task_ReviseRequest")
    rep = web("rep_east1")
    assert "修改出差申请" in rep.page("/")
    page = rep.page(f"/tasks/{revise}")
    assert "请改坐火车以外" in page and "驳回" in page  # the reviewer's comment in the steps so far
    assert 'value="上海"' in page and 'value="1280.5"' in page  # pre-filled with the request
    assert 'name="action" value="resubmit"' in page and 'name="action" value="withdraw"' in page
    form = {**TRIP_FORM, "transport": "飞机", "action": "resubmit"}
    response = rep.post(f"/tasks/{revise}", form, token_from=f"/tasks/{revise}")
    assert response.status_code == 302
    assert ready_task_id(trip, "Task_ManagerApproval")
    assert db.session.get(ProcessInstance, trip).data["transport"] == "飞机"


def test_finished_task_page_says_so_and_a_second_submit_is_turned_away(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    manager = web("rm_east")
    token_page = f"/tasks/{task_id}"
    manager.post(token_page, {"decision": "approve"}, token_from=token_page)
    assert "此任务已办理或已取消" in manager.page(token_page)
    response = manager.post(token_page, {"decision": "approve"}, token_from=token_page)
    assert response.status_code == 302
    assert "此任务已办理或已取消" in manager.page("/")


def test_whole_trip_to_completion(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    web("rm_east").post(f"/tasks/{task_id}", {"decision": "approve"}, token_from=f"/tasks/{task_id}")
    head = ready_task_id(trip, "Task_DepartmentHeadApproval")
    web("director").post(f"/tasks/{head}", {"decision": "approve"}, token_from=f"/tasks/{head}")
    assert db.session.get(ProcessInstance, trip).status == InstanceStatus.completed


def _watch(monkeypatch, steps: list):
    """Record, in order, completing a task and building a task's page."""
    from app.services import inbox, tasks

    def watched(name, original):
        def call(*args, **kwargs):
            steps.append(name)
            return original(*args, **kwargs)
        return call

    monkeypatch.setattr(tasks, "complete_task", watched("complete", tasks.complete_task))
    monkeypatch.setattr(inbox, "_page", watched("page", inbox._page))


def test_a_submit_that_succeeds_completes_and_builds_no_page(web, trip, monkeypatch):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    manager = web("rm_east")
    steps: list = []
    _watch(monkeypatch, steps)
    response = manager.post(f"/tasks/{task_id}", {"decision": "approve"})  # the token from the inbox
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert steps == ["complete"]
    assert db.session.get(HumanTask, task_id).status == TaskStatus.completed


def test_a_refused_submit_shows_the_page_again_with_what_was_typed(web, trip, monkeypatch):
    web("rm_east").post(f"/tasks/{ready_task_id(trip, 'Task_ManagerApproval')}", {"decision": "reject", "comment": "改"})
    revise = ready_task_id(trip, "Task_ReviseRequest")
    rep = web("rep_east1")
    steps: list = []
    _watch(monkeypatch, steps)
    form = {**TRIP_FORM, "destination": "广州", "estimated_cost": "很多", "action": "resubmit"}
    response = rep.post(f"/tasks/{revise}", form)
    assert response.status_code == 422
    assert steps == ["complete", "page"]  # built once, after the refusal
    html = response.get_data(as_text=True)
    assert 'value="广州"' in html and 'value="很多"' in html and field_error(html, "f-estimated_cost")
    assert "出差事由" in html  # the request itself, read-only, as on the first showing
    assert db.session.get(HumanTask, revise).status == TaskStatus.ready
