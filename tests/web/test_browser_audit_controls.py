"""The control reports in chromium, as the auditor reads them: the landing
section, the segregation-of-duties exceptions (a refused self-approval and
an approval by delegation), the admin actions, the access review as of a
date and a version diff, in Chinese and in English. A picture of every
page goes to test-artifacts/controls/."""

import pytest

from app.errors import Forbidden
from app.services import accounts, deployment, tasks
from app.services.deployment import REPO_ROOT
from tests.support.flow_driver import FlowDriver
from tests.support.samples import APPROVE, EVALUATION, PROSPECT, RECHECK, TRIP
from tests.web.browser_driving import browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

PAGES = [("landing", "/audit/controls/", "控制报告", "Control reports"),
         ("sod", "/audit/controls/sod", "职责分离例外", "Segregation-of-duties exceptions"),
         ("admin", "/audit/controls/admin-actions", "管理操作", "Admin actions"),
         ("access", "/audit/controls/access?as_of=2026-12-01", "用户权限复核", "User-access review"),
         ("versions", "/audit/controls/versions", "已部署版本", "Deployed versions"),
         ("diff", "/audit/controls/versions/travel_request/2", "修改元素", "Elements changed")]

@pytest.fixture(scope="module")
def recorded(live_app):
    """What the reports show: selfie (a rep holding the director's role)
    tries to claim the approval of his own dealer onboarding (refused,
    recorded); rm_east's approval of a trip is delegated to rm_north; the
    process admin deploys a changed travel request."""
    with live_app.app_context():
        accounts.create_user("selfie", "correct-horse", roles=["sales_rep", "sales_director"], display_name="自批",
                             manager="rm_east", region="华东大区")
        flow = FlowDriver(accounts.find_user)
        onboarding = flow.start("dealer_onboarding", PROSPECT, "selfie")
        flow.complete(onboarding, "Task_FillEvaluation", "selfie", EVALUATION)
        flow.complete(onboarding, "Task_RegionalManagerReview", "rm_east", RECHECK)
        with pytest.raises(Forbidden):
            tasks.claim_task(flow.task(onboarding, "Task_DirectorApproval").id, accounts.find_user("selfie"))
        trip = flow.start("travel_request", TRIP, "rep_east1", business_key="TR-SOD")
        approval = flow.task(trip, "Task_ManagerApproval").id
        tasks.delegate_task(approval, accounts.find_user("rm_east"), "rm_north")
        tasks.complete_task(approval, accounts.find_user("rm_north"), APPROVE)
        bpmn = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text().replace(
            'name="直接主管审批"', 'name="主管审批"', 1)
        form = (REPO_ROOT / "forms" / "travel_request.json").read_text().replace(
            '"title": "出差申请单"', '"title": "出差申请表"', 1)
        deployment.deploy({"travel_request.bpmn": bpmn.encode(), "travel_request.json": form.encode()},
                          accounts.find_user("process_admin"))
        return onboarding.id, trip.id

def _visit(page, base, url, heading):
    page.goto(base + url)
    page.wait_for_load_state()
    assert heading in page.inner_text("main"), page.inner_text("main")[:500]

def test_the_auditor_reads_every_control_report_in_both_languages(person, live_server, recorded):
    onboarding, trip = recorded
    auditor = person("auditor")
    for name, url, zh, _en in PAGES:
        _visit(auditor, live_server, url, zh)
        shot(auditor, "controls", f"{name}-zh")
    _visit(auditor, live_server, "/audit/controls/sod", "职责分离例外")
    text = auditor.inner_text("main")
    assert "被拒绝的尝试" in text and "selfie" in text and "授权代批" in text and "rm_north" in text
    assert auditor.locator(f'a[href="/instances/{onboarding}"]').count() >= 1
    _visit(auditor, live_server, "/audit/controls/versions/travel_request/2", "修改元素")
    assert "直接主管审批" in auditor.inner_text("#changed") and "主管审批" in auditor.inner_text("#changed")
    auditor.get_by_role("button", name="English").click()
    auditor.wait_for_load_state()
    for name, url, _zh, en in PAGES:
        _visit(auditor, live_server, url, en)
        shot(auditor, "controls", f"{name}-en")
    auditor.get_by_role("button", name="中文").click()
    auditor.wait_for_load_state()

def test_a_sales_rep_meets_the_403_page(person, live_server, recorded):
    rep = person("rep_east1")
    response = rep.goto(live_server + "/audit/controls/sod")
    assert response.status == 403 and "无权" in rep.inner_text("main")
    shot(rep, "controls", "sod-403-rep")
