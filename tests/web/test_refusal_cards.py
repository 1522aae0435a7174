"""A task that declares it shows the ledger's reason for a refusal
(``….error`` in its ``shows``) has no card for it until a refusal happens:
no "error: not filled in" card on a first visit; after one, the card says
why. F21's research plan: its recording refused once by the ledger."""
import pytest

from tests.support.presales import PLAN, REP, opportunity
from tests.support.refusals import refuse_once
from tests.web.test_task_shows import section, task_page

WHY = "项目档案正在盘点，请稍后重试。"


@pytest.fixture
def sales(web, flow, master_data):
    return flow


def test_the_refusal_card_appears_only_after_a_refusal(sales, web, monkeypatch):
    instance = sales.start("presales_proposal", opportunity(), REP)
    first = task_page(web, "presales", instance, "Task_ResearchPlan")
    assert 'data-shows="plan_version.error"' not in first
    assert 'data-shows="opportunity"' in first  # what it declares besides is there
    refuse_once(monkeypatch, "ledger.record_research_plan", "project_locked", WHY)
    sales.complete(instance, "Task_ResearchPlan", "presales", PLAN)
    sales.approve(instance, "Task_PlanApproval", "project_mgr")
    again = task_page(web, "presales", instance, "Task_ResearchPlan")
    assert WHY in section(again, "plan_version.error")
