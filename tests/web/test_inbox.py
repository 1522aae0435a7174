"""The inbox: what it lists, its counts and filters, claim / release / delegate."""
import pytest

from app.extensions import db
from app.models import HumanTask

from tests.support.flow_driver import ready_task_id
from tests.support.samples import RECHECK

PROSPECT = {"company_name": "杭州华信商贸有限公司", "region": "华东", "province": "浙江", "contact_name": "陈经理",
            "contact_phone": "13800000000", "business_scope": "工业设备分销", "expected_annual_volume": 3000000}
EVALUATION = {"visit_date": "2026-11-20", "capital_strength_score": 4, "sales_network_score": 5, "logistics_score": 4,
              "reputation_score": 4, "team_score": 3, "overall_comment": "网络覆盖浙江全省"}


def test_inbox_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_manager_sees_the_request_with_its_facts_and_counts(web, trip):
    page = web("rm_east").page("/")
    assert "直接主管审批" in page and "出差申请" in page and "TR-7" in page
    assert "申请人" in page and "已等待" in page and "截止" in page
    assert 'class="count" aria-label="1 项待办">1<' in page  # the header count
    assert "指派给我 <span class=\"count\">1</span>" in page


def test_the_requester_has_nothing_to_do(web, trip):
    page = web("rep_east1").page("/")
    assert "目前没有待办事项" in page


def test_search_and_process_filters(web, trip):
    manager = web("rm_east")
    assert "TR-7" in manager.page("/?q=tr-7")
    assert "TR-7" not in manager.page("/?q=nothing-like-it")
    assert "没有符合条件的待办" in manager.page("/?q=nothing-like-it")
    assert "TR-7" in manager.page("/?process=travel_request")
    assert "TR-7" not in manager.page("/?process=dealer_onboarding")
    assert "TR-7" not in manager.page("/?box=claimable")
    assert "TR-7" not in manager.page("/?overdue=1")


@pytest.fixture
def role_task(web):
    """The director's approval of a dealer onboarding: a role task (sales_director)."""
    from app.services import instances, tasks
    from app.services.accounts import find_user

    instance = instances.start_instance("dealer_onboarding", PROSPECT, find_user("rep_east2"))
    tasks.complete_task(ready_task_id(instance.id, "Task_FillEvaluation"), find_user("rep_east2"), EVALUATION)
    tasks.complete_task(ready_task_id(instance.id, "Task_RegionalManagerReview"), find_user("rm_east"), RECHECK)
    return ready_task_id(instance.id, "Task_DirectorApproval")


def test_role_task_is_claimable_then_released(web, role_task):
    director = web("director")
    page = director.page("/?box=claimable")
    assert "营销总监批复" in page or "销售总监" in page
    assert f'action="/tasks/{role_task}/claim"' in page
    response = director.post(f"/tasks/{role_task}/claim")
    assert response.status_code == 302
    assert "任务已认领" in director.page("/")
    assert db.session.get(HumanTask, role_task).assignee.username == "director"
    assert f'action="/tasks/{role_task}/release"' in director.page("/?box=mine")
    director.post(f"/tasks/{role_task}/release")
    db.session.expire_all()
    assert db.session.get(HumanTask, role_task).assignee_id is None


def test_claim_needs_csrf(web, role_task):
    assert web("director").client.post(f"/tasks/{role_task}/claim").status_code == 400
    assert db.session.get(HumanTask, role_task).assignee_id is None


def test_someone_without_the_role_cannot_claim(web, role_task):
    rep = web("rep_east3")
    response = rep.post(f"/tasks/{role_task}/claim")
    assert response.status_code == 302
    assert "您无权" in rep.page("/") or "not a performer" in rep.page("/")
    assert db.session.get(HumanTask, role_task).assignee_id is None


def test_delegate_hands_the_task_over(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    manager = web("rm_east")
    response = manager.post(f"/tasks/{task_id}/delegate", {"to": "rm_south"})
    assert response.status_code == 302
    assert "任务已转给 rm_south" in manager.page("/")
    page = web("rm_south").page("/?box=delegated")
    assert "TR-7" in page and "代 " in page


def test_delegate_to_nobody_says_why(web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    manager = web("rm_east")
    manager.post(f"/tasks/{task_id}/delegate", {"to": "no_such_user"})
    assert "没有这个在职用户" in manager.page("/")


def test_a_long_inbox_comes_a_page_at_a_time(web, trip):
    """Past fifty tasks the inbox shows a next page, which lists the rest; a
    cursor edited by hand starts again at the top instead of failing."""
    from app.models import ProcessInstance
    from tests.support.extra_tasks import extra_tasks

    extra_tasks(db.session.get(ProcessInstance, trip), 55)
    director = web("director")
    first = director.page("/")
    assert first.count('<li class="task') == 50 and 'rel="next"' in first
    assert "下一页" in first and "回到第一页" not in first
    after = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    second = director.page(after)
    assert second.count('<li class="task') == 5 and 'rel="next"' not in second and "回到第一页" in second
    ids = {part.split('"')[0] for part in (first + second).split('data-task="')[1:]}
    assert len(ids) == 55
    assert director.page("/?after=garbage").count('<li class="task') == 50
