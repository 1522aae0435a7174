"""/operate/, the process admins' starting point: counts of what needs them
(requests in error here), the header's 运维 link for process admins and
auditors only, the 403 page for a sales rep, and the link from a request's
page to its operate page."""
import pytest

from app.models import InstanceStatus
from tests.support.incidents import failed_advances, payee_accounts
from tests.support.logins import WebUser


@pytest.fixture
def stuck(sales, customer_code, monkeypatch):
    payee_accounts(monkeypatch)
    return failed_advances(sales, customer_code, 2)


def test_the_page_counts_requests_in_error_and_links_every_part(app, stuck):
    assert all(instance.status == InstanceStatus.error for instance in stuck)
    html = WebUser(app, "process_admin").page("/operate/")
    assert "流程运维" in html and "2 个出错" in html and "0 个待审批" in html
    for path in ("/operate/incidents", "/operate/corrections", "/operate/timers", "/operate/messages",
                 "/operate/migrations"):
        assert f'href="{path}"' in html
    assert 'href="/operate/"' in html and ">运维</a>" in html  # the header link


def test_auditors_read_it_and_a_sales_rep_gets_the_403_page(app, stuck):
    auditor = WebUser(app, "auditor")
    assert "2 个出错" in auditor.page("/operate/")
    rep = WebUser(app, "rep_east1")
    response = rep.client.get("/operate/")
    assert response.status_code == 403 and "<html" in response.get_data(as_text=True)
    assert 'href="/operate/"' not in rep.page("/")


def test_a_request_page_links_to_its_operate_page_for_admins_only(app, stuck):
    path = f"/instances/{stuck[0].id}"
    assert f'href="/operate/instances/{stuck[0].id}"' in WebUser(app, "process_admin").page(path)
    assert f'href="/operate/instances/{stuck[0].id}"' not in WebUser(app, "rep_east1").page(path)
