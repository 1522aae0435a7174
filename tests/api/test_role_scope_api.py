"""Through the API and the web inbox, the factory's finance (org FAC) gets
nothing of the head company's expense advance: not in his list or counts,
not the task itself, no claim, no completion."""
import pytest

from tests.support.api_client import error_of
from tests.support.logins import WebUser

ADVANCE = {"amount": 3000, "purpose": "华东客户拜访借支", "category": "travel", "expected_settlement_date": "2026-12-20"}


@pytest.fixture
def review(api, sales):
    """rep_east1's advance, approved by rm_east: HQ's finance review, as the API lists it."""
    started = api("rep_east1").start("expense_advance", ADVANCE)
    manager = api("rm_east").ready_task(started["id"], "Task_ManagerApproval")
    api("rm_east").ok("post", f"/tasks/{manager['id']}/complete", json={"data": {"decision": "approve", "comment": "同意"}})
    return api("finance").ready_task(started["id"], "Task_FinanceReview")


def test_the_factorys_finance_gets_nothing_of_hqs_review_through_the_api(api, review):
    assert review["id"] in [task["id"] for task in api("finance").ok("get", "/tasks")]
    outsider = api("fac_finance")
    assert outsider.ok("get", "/tasks") == []
    error_of(outsider.get(f"/tasks/{review['id']}"), 403)
    error_of(outsider.post(f"/tasks/{review['id']}/claim"), 403)
    error_of(outsider.post(f"/tasks/{review['id']}/complete",
                           json={"data": {"decision": "approve", "comment": "同意"}}), 403)
    assert api("finance").ready_task(review["instance_id"], "Task_FinanceReview")["assignee"] is None


def test_the_factorys_finance_web_inbox_neither_lists_nor_counts_it(app, api, review):
    hq_page = WebUser(app, "finance").page("/")
    assert "财务审核借支" in hq_page
    page = WebUser(app, "fac_finance").page("/")
    assert "目前没有待办事项" in page and f"/tasks/{review['id']}" not in page
    assert '全部 <span class="count">0</span>' in page and '待我的角色认领 <span class="count">0</span>' in page
    assert '待我的角色认领 <span class="count">1</span>' in hq_page
