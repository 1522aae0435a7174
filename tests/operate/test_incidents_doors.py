"""The incidents' doors attacked: the API and the web page read for
process admins and auditors only; only a process admin retries (a sales
rep and an auditor are refused on the API and the web form); the web form
needs its CSRF token; a retry body that is not what it takes is a 400
naming the field; the page is in Chinese by default."""
import pytest

from app.extensions import db
from app.models import AuditEvent, IncidentRetry, InstanceStatus
from tests.support.api_client import error_of, signed_in
from tests.support.incidents import failed_advances, payee_accounts
from tests.support.logins import WebUser, forget_request_caches


@pytest.fixture
def stuck(sales, customer_code, monkeypatch):
    accounts = payee_accounts(monkeypatch)
    return failed_advances(sales, customer_code, 2), accounts


@pytest.fixture
def api(client, sales):
    return lambda username: signed_in(client, username)


def _retries() -> int:
    return db.session.query(IncidentRetry).count()


def test_the_api_lists_groups_for_admins_and_auditors_only(api, stuck):
    instances, _ = stuck
    body = api("auditor").ok("get", "/operate/incidents")
    (group,) = body["groups"]
    assert group["count"] == 2 and group["element_id"] == "Task_PayAdvance"
    assert group["incidents"][0]["operation"] == "ledger.pay_advance"
    assert group["incidents"][0]["params"]["employee"] == "rep_east1"
    assert body["overdue"] == []
    assert api("process_admin").ok("get", "/operate/incidents")["groups"][0]["key"] == group["key"]
    error_of(api("rep_east1").get("/operate/incidents"), 403, "forbidden")


def test_only_a_process_admin_retries_through_the_api(api, stuck):
    instances, accounts = stuck
    accounts.add("rep_east1")
    key = api("process_admin").ok("get", "/operate/incidents")["groups"][0]["key"]
    error_of(api("rep_east1").post("/operate/incidents/retry", json={"group": key}), 403, "forbidden")
    error_of(api("auditor").post("/operate/incidents/retry", json={"group": key}), 403, "read_only")
    error_of(api("rm_east").post("/operate/incidents/retry", json={"instance_ids": [instances[0].id]}), 403)
    assert _retries() == 0 and all(i.status is InstanceStatus.error for i in instances)
    done = api("process_admin").ok("post", "/operate/incidents/retry", 201, json={"group": key})
    assert done["counts"] == {"recovered": 2} and done["requested_by"] == "process_admin"
    assert [item["outcome"] for item in done["items"]] == ["recovered", "recovered"]
    kept = api("auditor").ok("get", f"/operate/incidents/retries/{done['id']}")
    assert kept["items"] == done["items"] and kept["group_key"] == key
    error_of(api("rep_east1").get(f"/operate/incidents/retries/{done['id']}"), 403)
    error_of(api("auditor").get("/operate/incidents/retries/999999"), 404)


@pytest.mark.parametrize("body, field", [
    ({"group": "0123456789abcdef"}, "group"),  # no such cause
    ({"group": ""}, "group"),
    ({"group": ["x"]}, "group"),
    ({}, "instance_ids"),
    ({"instance_ids": []}, "instance_ids"),
    ({"instance_ids": "12"}, "instance_ids"),
    ({"instance_ids": [1, "x"]}, "instance_ids"),
    ({"instance_ids": [True]}, "instance_ids"),
    ({"instance_ids": [-3]}, "instance_ids"),
    ({"instance_ids": [1], "group": "0123456789abcdef"}, "group"),
])
def test_bad_retry_bodies_are_400_naming_the_field(api, stuck, body, field):
    error = error_of(api("process_admin").post("/operate/incidents/retry", json=body), 400, "bad_retry_request")
    assert field in error["details"]["fields"]
    assert _retries() == 0


def test_the_page_is_chinese_and_admins_retry_all_with_one_cause(app, stuck):
    instances, accounts = stuck
    admin = WebUser(app, "process_admin")
    html = admin.page("/operate/incidents")
    assert "异常" in html and "财务借支" in html and "ledger.pay_advance" in html and "无收款账户" in html
    assert 'name="instance_ids"' in html and 'name="group"' in html
    key = html.split('name="group" value="')[1].split('"')[0]
    accounts.add("rep_east1")
    response = admin.post("/operate/incidents/retry", {"group": key}, token_from="/operate/incidents")
    assert response.status_code == 302 and "/operate/incidents/retries/" in response.headers["Location"]
    outcome = admin.page(response.headers["Location"])
    assert outcome.count("已恢复") >= 3  # the count line and one per instance
    assert all(f"#{i.id}" in outcome for i in instances)
    retry_id = response.headers["Location"].rsplit("/", 1)[1]
    events = {e.kind: e.seq for e in db.session.query(AuditEvent).filter_by(instance_id=instances[0].id)}
    auditor = WebUser(app, "auditor")
    shown = auditor.page(f"/audit/instances/{instances[0].id}/replay?seq={events['retry']}")
    assert "批量重试" in shown and f"/operate/incidents/retries/{retry_id}" in shown
    shown = auditor.page(f"/audit/instances/{instances[0].id}/replay?seq={events['error']}")
    assert "出错的服务调用" in shown and "ledger.pay_advance" in shown


def test_the_web_form_refuses_reps_auditors_and_a_missing_token(app, stuck):
    instances, accounts = stuck
    accounts.add("rep_east1")
    assert WebUser(app, "rep_east1").get("/operate/incidents").status_code == 403
    auditor = WebUser(app, "auditor")
    html = auditor.page("/operate/incidents")
    assert "财务借支" in html and 'name="instance_ids"' not in html and 'name="group"' not in html
    form = {"instance_ids": [str(instances[0].id)]}
    assert auditor.post("/operate/incidents/retry", form, token_from="/operate/incidents").status_code == 403
    rep = WebUser(app, "rep_east1")
    assert rep.post("/operate/incidents/retry", form).status_code == 403
    admin = WebUser(app, "process_admin")
    forget_request_caches()
    assert admin.client.post("/operate/incidents/retry", data=form).status_code == 400  # no CSRF token
    assert _retries() == 0 and all(i.status is InstanceStatus.error for i in instances)
    response = admin.post("/operate/incidents/retry", {}, token_from="/operate/incidents")
    assert response.status_code == 302 and response.headers["Location"].endswith("/operate/incidents")
    assert "请至少勾选一个" in admin.page("/operate/incidents")
    response = admin.post("/operate/incidents/retry", form, token_from="/operate/incidents")
    assert response.status_code == 302 and _retries() == 1


def test_overdue_steps_are_grouped_by_process_and_step_oldest_first(api, sales, frozen_clock):
    from datetime import timedelta

    from tests.support.samples import TRIP

    trips = [sales.start("travel_request", TRIP, rep) for rep in ("rep_east1", "rep_east2", "rep_east1")]
    tasks = [sales.task(trip, "Task_ManagerApproval") for trip in trips]
    now = frozen_clock.now
    for task, hours in zip(tasks, (5, 30, None)):
        task.due_at = now - timedelta(hours=hours) if hours else now + timedelta(hours=2)  # the third is not late
    db.session.flush()
    (step,) = api("auditor").ok("get", "/operate/incidents")["overdue"]
    assert (step["process_key"], step["element_id"], step["count"]) == ("travel_request", "Task_ManagerApproval", 2)
    assert [t["instance_id"] for t in step["tasks"]] == [trips[1].id, trips[0].id]  # the most late first
    assert [t["late_seconds"] for t in step["tasks"]] == [30 * 3600, 5 * 3600]
    assert [t["assignee"] for t in step["tasks"]] == ["rm_east", "rm_east"]  # the travellers' manager
    assert api("process_admin").ok("get", "/operate/incidents")["groups"] == []
    error_of(api("rep_east1").get("/operate/incidents"), 403)
