"""The incidents page in chromium, as a process admin uses it: two causes
of failed advance payments (one per employee without a payee account), a
group expanded to see each request's call input and error, the master data
fixed for one employee, "retry all with this cause", and the outcomes; the
other cause stays listed. In Chinese, then in English. Screenshots in
test-artifacts/inc/."""

import pytest

from app.extensions import db
from app.models import Customer
from app.services import accounts
from tests.support.flow_driver import FlowDriver
from tests.support.incidents import failed_advances, payee_accounts
from tests.web.browser_driving import browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)


def _shot(page, name):
    shot(page, "inc", name)


@pytest.fixture
def stuck(live_app, monkeypatch):
    on_file = payee_accounts(monkeypatch)  # the registry is global: the server thread sees the seam too
    with live_app.app_context():
        flow = FlowDriver(accounts.find_user)

        def code(name):
            return db.session.scalar(db.select(Customer.code).where(Customer.name == name))

        east1 = [i.id for i in failed_advances(flow, code, 3, rep="rep_east1")]
        east2 = [i.id for i in failed_advances(flow, code, 1, rep="rep_east2")]
        db.session.remove()
    return on_file, east1, east2


def test_an_admin_retries_all_with_one_cause(live_server, person, stuck):
    on_file, east1, east2 = stuck
    page = person("process_admin")
    page.goto(live_server + "/")
    page.get_by_role("link", name="运维", exact=True).click()
    page.wait_for_url("**/operate/")
    assert "4 个出错" in page.locator("#operate-incidents").inner_text()
    _shot(page, "operate-home-zh")
    page.locator("#operate-incidents h2 a").click()
    page.wait_for_url("**/operate/incidents")
    groups = page.locator("details.incident-group")
    assert groups.count() == 2
    first = groups.filter(has_text="rep_east1")
    assert "申请 3 个" in first.locator("summary").inner_text() and "财务借支" in first.inner_text()
    first.locator("summary").click()
    row = first.locator(f"#incident-{east1[0]}")
    assert "ledger.pay_advance" in row.inner_text() and "employee: rep_east1" in row.inner_text()
    assert "无收款账户" in row.inner_text()
    _shot(page, "incidents-zh")

    on_file.add("rep_east1")  # the cashier's master data is fixed for this employee
    first.get_by_role("button", name="重试同一原因的全部申请").click()
    page.wait_for_url("**/operate/incidents/retries/*")
    outcomes = page.locator("table.retry-outcomes tbody tr")
    assert outcomes.count() == 3
    for instance_id in east1:
        assert "已恢复" in page.locator(f"#outcome-{instance_id}").inner_text()
    _shot(page, "retry-outcome-zh")
    outcome_url = page.url

    page.get_by_role("button", name="English").click()
    page.goto(live_server + "/operate/incidents")
    left = page.locator("details.incident-group")
    assert left.count() == 1 and "rep_east2" in left.inner_text() and "Requests: 1" in left.inner_text()
    left.locator("summary").click()
    assert "Retry all with this cause" in left.inner_text() and f"#{east2[0]}" in left.inner_text()
    assert "Recent retries" in page.inner_text("#retries")
    _shot(page, "incidents-en")
    page.goto(outcome_url)
    assert "Recovered" in page.inner_text("table.retry-outcomes")
    _shot(page, "retry-outcome-en")
    assert not person.errors
