"""The control report pages under /audit/controls/: auditors and process
administrators read them and export CSV; a refused self-approval through
the web is recorded; everyone else gets the 403 page."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import SodRefusal
from tests.support.flow_driver import FlowDriver, ready_task_id
from tests.support.logins import WebUser
from tests.support.samples import EVALUATION, PROSPECT, RECHECK, TERMS

PAGES = ["/audit/controls/", "/audit/controls/sod", "/audit/controls/admin-actions", "/audit/controls/access",
         "/audit/controls/versions", "/audit/controls/versions/travel_request/1"]
EXPORTS = ["/audit/controls/sod.csv", "/audit/controls/admin-actions.csv", "/audit/controls/access.csv",
           "/audit/controls/access-delegations.csv", "/audit/controls/versions.csv"]


@pytest.fixture
def own_request(app, org, web, create_user):
    """selfie, a rep who also holds the director's role, started a dealer
    onboarding now at the director's approval; returns (instance id, task id)."""
    create_user("selfie", roles=["sales_rep", "sales_director"], display_name="自批", manager="rm_east",
                region="华东大区")
    flow = FlowDriver(org)
    instance = flow.start("dealer_onboarding", PROSPECT, "selfie")
    flow.complete(instance, "Task_FillEvaluation", "selfie", EVALUATION)
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    return instance.id, ready_task_id(instance.id, "Task_DirectorApproval")


def test_a_requester_approving_his_own_request_on_the_web_is_refused_and_recorded(app, own_request):
    instance_id, task_id = own_request
    selfie = WebUser(app, "selfie", password="correct-horse")
    form = {key: str(value) for key, value in TERMS.items()}
    response = selfie.post(f"/tasks/{task_id}", form, token_from=f"/tasks/{task_id}")
    assert response.status_code == 403
    selfie.post(f"/tasks/{task_id}/claim", token_from=f"/tasks/{task_id}")
    rows = db.session.scalars(select(SodRefusal).order_by(SodRefusal.id)).all()
    assert [(r.action, r.actor, r.reason, r.instance_id) for r in rows] == [
        ("complete", "selfie", "requester", instance_id), ("claim", "selfie", "requester", instance_id)]


def test_the_sod_page_shows_the_refusal_and_the_period_filter_leaves_it_out(app, web, own_request):
    instance_id, task_id = own_request
    selfie = WebUser(app, "selfie", password="correct-horse")
    selfie.post(f"/tasks/{task_id}/claim", token_from=f"/tasks/{task_id}")
    page = web("auditor").page("/audit/controls/sod")
    assert "职责分离例外" in page and "被拒绝的尝试" in page and f"/instances/{instance_id}" in page and "selfie" in page
    later = web("auditor").page("/audit/controls/sod?from=2026-12-02")
    assert f"/instances/{instance_id}" not in later and "该期间没有记录" in later
    assert web("auditor").get("/audit/controls/sod?from=not-a-date").status_code == 422


def test_the_landing_page_links_the_four_reports(web):
    page = web("process_admin").page("/audit/controls/")
    for url in PAGES[1:5]:
        assert f'href="{url}"' in page


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_sales_rep_gets_the_403_page(web, url):
    response = web("rep_east1").get(url)
    assert response.status_code == 403
    assert "<html" in response.get_data(as_text=True)


def test_the_pages_need_a_login(client, org):
    assert client.get("/audit/controls/sod").status_code == 302


@pytest.mark.parametrize("url", EXPORTS)
def test_each_export_is_csv_with_a_byte_order_mark(web, url):
    response = web("auditor").get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode()) and "attachment" in response.headers["Content-Disposition"]


def test_the_access_page_and_its_export_show_the_roles_held(web):
    page = web("auditor").page("/audit/controls/access?as_of=2026-12-01")
    assert "用户权限复核" in page and "sales_director" in page and "director" in page
    text = web("auditor").get("/audit/controls/access.csv?as_of=2026-12-01").data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("用户名,") and ",director," not in text  # username, role … columns
    assert any(line.startswith("director,") and ",sales_director," in line for line in text.splitlines())
    before = web("auditor").page("/audit/controls/access?as_of=2020-01-01")
    assert "当时没有人持有角色" in before


def test_the_versions_page_links_each_version_to_its_diff(web):
    page = web("auditor").page("/audit/controls/versions?key=travel_request")
    assert "/audit/controls/versions/travel_request/1" in page
    diff = web("auditor").page("/audit/controls/versions/travel_request/1")
    assert "第一个版本" in diff and "Task_ManagerApproval" in diff
    assert web("auditor").get("/audit/controls/versions/travel_request/99").status_code == 404
