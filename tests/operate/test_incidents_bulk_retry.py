"""Done when: several F10 promotion expense requests fail at the advance's
payment for one cause (the cashier's interface lacks the employee's payee
account); the incident page groups them as one cause with the call's input
and error; once the account is on file a bulk retry of that cause posts
each advance exactly once and the step goes on; retrying again posts
nothing; each retry is on the instance's chain with its bulk retry, re-
executes VERIFIED and shows in the admin actions report."""
import pytest
from sqlalchemy import func, select

from app.errors import Forbidden
from app.extensions import db
from app.models import AuditEvent, EmployeeAdvance, InstanceStatus, LedgerEntry
from app.services import incident_retries, incidents, replay
from app.services.controls.admin_actions import admin_actions
from tests.support.incidents import FAILING_STEP, failed_advances, payee_accounts


@pytest.fixture
def accounts(monkeypatch):
    return payee_accounts(monkeypatch)


def _posted(instance) -> tuple[int, int]:
    """(advances, ledger entries of them) posted by this instance's calls."""
    advances = list(db.session.scalars(select(EmployeeAdvance.id).where(
        EmployeeAdvance.source_key.like(f"{instance.id}:%"))))
    entries = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.source_type == "employee_advance", LedgerEntry.source_id.in_(advances or [-1])))
    return len(advances), entries


def test_one_cause_is_one_group_with_the_calls_input(sales, customer_code, accounts, org):
    stuck = failed_advances(sales, customer_code, 3)
    assert all(i.status is InstanceStatus.error and i.error_element_id == FAILING_STEP for i in stuck)
    assert len({i.error_message for i in stuck}) == 3  # each message names its own request and task
    groups = incidents.incident_groups(org("process_admin"))
    assert len(groups) == 1
    group = groups[0]
    assert (group.process_key, group.element_id, group.step_name, group.count) == \
        ("promotion_expense", FAILING_STEP, "财务借支", 3)
    assert "rep_east1" in group.pattern and "(request #, task <id>)" in group.pattern
    assert [i.instance_id for i in group.incidents] == [i.id for i in stuck]
    first = group.incidents[0]
    assert first.operation == "ledger.pay_advance"
    assert first.params["employee"] == "rep_east1" and first.params["amount"] == 5000
    assert "无收款账户" in first.message
    assert incidents.incident_groups(org("auditor"))[0].key == group.key  # auditors read
    with pytest.raises(Forbidden):
        incidents.incident_groups(org("rep_east1"))


def test_fixed_then_retried_in_bulk_posts_once_per_instance(sales, customer_code, accounts, org):
    stuck = failed_advances(sales, customer_code, 4)
    assert [_posted(i) for i in stuck] == [(0, 0)] * 4
    admin = org("process_admin")
    key = incidents.incident_groups(admin)[0].key
    accounts.add("rep_east1")  # the master data is fixed

    retry = incident_retries.retry_group(key, admin)
    assert retry.scope == "group" and retry.group_key == key and retry.finished_at is not None
    assert [(item.instance_id, item.outcome) for item in retry.items] == [(i.id, "recovered") for i in stuck]
    assert all(item.element_id == FAILING_STEP for item in retry.items)
    for instance in stuck:
        db.session.refresh(instance)
        assert instance.status is InstanceStatus.running and instance.data["advance"]["ok"]
        assert sales.ready_elements(instance) == ["Task_SubmitClaim"]  # the step completed, the flow went on
    assert [_posted(i) for i in stuck] == [(1, 2)] * 4
    assert incidents.incident_groups(admin) == []

    again = incident_retries.retry_selection([i.id for i in stuck], admin)
    assert [item.outcome for item in again.items] == ["skipped"] * 4
    assert [_posted(i) for i in stuck] == [(1, 2)] * 4

    events = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.instance_id == stuck[0].id, AuditEvent.kind.in_(["error", "retry"])).order_by(AuditEvent.seq)))
    assert [e.kind for e in events] == ["error", "retry"]
    assert events[0].data["call"]["operation"] == "ledger.pay_advance"
    assert events[1].data["batch"] == retry.id and events[1].actor == "process_admin"
    assert replay.reexecute(stuck[0].id).status == "VERIFIED"
    rows = [row for row in admin_actions(admin, kind="retry") if row["instance_id"] == stuck[0].id]
    assert len(rows) == 1 and f"#{retry.id}" in rows[0]["what"]


def test_retried_before_the_fix_stays_in_error_with_its_new_message(sales, customer_code, accounts, org):
    stuck = failed_advances(sales, customer_code, 2)
    admin = org("process_admin")
    retry = incident_retries.retry_selection([stuck[1].id], admin)
    (item,) = retry.items
    assert (item.instance_id, item.outcome, item.element_id) == (stuck[1].id, "still_in_error", FAILING_STEP)
    assert "无收款账户" in item.message
    db.session.refresh(stuck[1])
    assert stuck[1].status is InstanceStatus.error and _posted(stuck[1]) == (0, 0)
    assert incidents.incident_groups(admin)[0].count == 2
    assert replay.reexecute(stuck[1].id).status == "VERIFIED"


def test_a_selection_reports_each_instance(sales, customer_code, accounts, org):
    stuck = failed_advances(sales, customer_code, 2)
    accounts.add("rep_east1")
    admin = org("process_admin")
    retry = incident_retries.retry_selection([stuck[0].id, str(stuck[0].id), 999999], admin)
    assert [(item.instance_id, item.outcome) for item in retry.items] == [(stuck[0].id, "recovered"),
                                                                          (999999, "refused")]
    db.session.refresh(stuck[1])
    assert stuck[1].status is InstanceStatus.error  # not selected, not retried


def test_normalising_folds_what_differs_per_instance():
    one = incidents.normalised_message("No payee for request 17 (task 3f2a9c1e-0b1d-4c5e-9f00-aa11bb22cc33) 12.50 元")
    two = incidents.normalised_message("No payee for request 18 (task 9c1b2d3e-4f5a-4b6c-8d7e-0f1a2b3c4d5e)  9.00 元")
    assert one == two == "No payee for request # (task <id>) # 元"
    assert incidents.normalised_message("No payee for 'rep_east1'") != incidents.normalised_message("No payee for 'rep_west'")
    assert incidents.cause_key("p", 1, "Task_A", "x 1") == incidents.cause_key("p", 1, "Task_A", "x 2")
    assert incidents.cause_key("p", 1, "Task_A", "x 1") != incidents.cause_key("p", 2, "Task_A", "x 1")
