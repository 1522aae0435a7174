"""F12 credit_rating beyond the main path: the monthly timer start over the
active customers, the refusals of the recording going back to the
statistician, a limit from a later day, a hold, and the controls attacked
(someone outside the lane, a forged field, a rep starting it)."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Customer, CustomerCredit, InstanceStatus, ProcessInstance, ScheduledStart, User
from tests.support.credit_rating import CITY_DEALER, proposal
from tests.support.ledger_harness import all_invariants_hold

D = Decimal


@pytest.fixture
def dealer(customer_code):
    return customer_code(CITY_DEALER)


def _limit(code) -> Decimal:
    from app.ledger.customers import refreshed_customer

    return refreshed_customer(code).credit_limit


def test_the_monthly_timer_lists_the_active_customers_to_pick_from(sales, dealer, frozen_clock):
    from app.services import worker_jobs

    worker_jobs.plan_schedules()
    schedule = db.session.get(ScheduledStart, "credit_rating")
    assert schedule.next_due_at == datetime(2026, 12, 1, 19, 0, tzinfo=timezone.utc)  # the 2nd, 03:00 in Shanghai
    frozen_clock.now = datetime(2026, 12, 1, 19, 0, 1, tzinfo=timezone.utc)
    started = []
    while (key := worker_jobs.start_next_scheduled()) is not None:
        started.append(key)
    assert started.count("credit_rating") == 1
    instance = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert instance.started_by.username == "system"
    review = instance.data["credit_review"]
    active = db.session.scalars(select(Customer.code).where(Customer.active.is_(True))).all()
    assert review["count"] == len(active) and dealer in {row["customer"] for row in review["customers"]}
    pick = sales.task(instance, "Task_PickCustomer")
    assert pick.candidate_role == "statistician"
    sales.complete(instance, "Task_PickCustomer", "statistician", {"action": "rate", "customer": dealer})
    assert instance.data["profile"]["customer"] == dealer and sales.ready_elements(instance) == ["Task_Propose"]


def test_a_month_without_changes_ends_the_review(sales):
    instance = sales.start("credit_rating", {"customer": ""}, "statistician")
    assert "credit_review" in instance.data and "profile" not in instance.data
    sales.complete(instance, "Task_PickCustomer", "statistician", {"action": "none"})
    assert instance.status is InstanceStatus.completed


def test_customers_needing_attention_come_first_in_the_review(sales, dealer, act):
    act("ledger.set_credit", customer=dealer, credit_limit="0", reason="测试")  # any order now is over the limit
    act("ledger.set_credit", customer=dealer, credit_limit="0", on_hold=True, reason="冻结")
    instance = sales.start("credit_rating", {"customer": ""}, "statistician")
    first = instance.data["credit_review"]["customers"][0]
    assert first["customer"] == dealer and first["attention"] and first["on_hold"]


def test_an_unknown_customer_ends_the_request(sales):
    instance = sales.start("credit_rating", {"customer": "D99999"}, "statistician")
    assert instance.status is InstanceStatus.completed
    assert instance.data["profile"]["error"]["code"] == "unknown_customer"


def test_a_limit_from_a_later_day_waits_for_it(sales, dealer, act, frozen_clock):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician",
                   proposal(credit_limit=1000, rating="C", valid_from="2026-12-15", reason="逾期增多，降额"))
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["credit"]["effective"] is False
    assert _limit(dealer) == D("300000.00")  # still the current limit until the 15th
    early = act("ledger.create_sales_order", customer=dealer, lines=[{"material": "MTR001", "qty": 2}])
    assert early["status"] == "approved"
    frozen_clock.now = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)
    assert _limit(dealer) == D("1000.00")
    late = act("ledger.create_sales_order", customer=dealer, lines=[{"material": "MTR001", "qty": 2}])
    assert late["status"] == "held"  # orders use the new limit from its day
    profile = sales.start("credit_rating", {"customer": dealer}, "statistician").data["profile"]
    assert (profile["credit_limit"], profile["rating"], profile["later_limits"]) == ("1000.00", "C", [])


def test_a_hold_holds_every_order(sales, dealer, act):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician", proposal(credit_limit=300000, rating="D", on_hold=True))
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert db.session.scalar(select(Customer.on_hold).where(Customer.code == dealer)) is True
    order = act("ledger.create_sales_order", customer=dealer, lines=[{"material": "MTR001", "qty": 1}])
    assert order["status"] == "held"
    assert all_invariants_hold()


def test_a_refused_change_of_the_file_goes_back_to_the_statistician(sales, dealer):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician", proposal(segment="NO_SUCH_CLASS"))
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["customer_change"]["error"]["code"] == "unknown_class"
    assert sales.ready_elements(instance) == ["Task_Propose"]
    sales.complete(instance, "Task_Propose", "statistician", proposal(segment="DIRECT"))
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.status is InstanceStatus.completed
    assert db.session.scalar(select(Customer.customer_class).where(Customer.code == dealer)) == "DIRECT"
    assert all_invariants_hold()


def test_a_refused_recording_goes_back_to_the_statistician(sales, dealer, refuse_once):
    calls = refuse_once("ledger.set_credit", "version_out_of_order", "valid_from is before the latest version's.")
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician", proposal())
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["credit"]["ok"] is False and sales.ready_elements(instance) == ["Task_Propose"]
    assert _limit(dealer) == D("300000.00")
    sales.complete(instance, "Task_Propose", "statistician", proposal())
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert len(calls) == 2 and instance.status is InstanceStatus.completed and _limit(dealer) == D("450000.00")


def test_only_finance_approves_the_finance_step(sales, dealer):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician", proposal())
    for outsider in ("statistician", "rep_east2", "rm_east", "director"):
        with pytest.raises(Forbidden):
            sales.approve(instance, "Task_FinanceApproval", outsider)
    assert sales.ready_elements(instance) == ["Task_FinanceApproval"]


def test_a_forged_field_naming_the_decider_is_refused(sales, dealer):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_Propose", "statistician", {**proposal(), "approver": "gm"})
    sales.complete(instance, "Task_Propose", "statistician", proposal())
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_FinanceApproval", "finance", {"decision": "approve", "decided_by": "gm"})
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    credit = db.session.get(CustomerCredit, instance.data["credit"]["credit_id"])
    assert db.session.get(User, credit.decided_by_id).username == "director"  # the approving step's user


@pytest.mark.parametrize("who", ["rep_east2", "rm_east", "finance", "auditor"])
def test_only_the_statistician_starts_a_rating(sales, dealer, who):
    with pytest.raises(Forbidden):
        sales.start("credit_rating", {"customer": dealer}, who)


def test_the_profile_lists_the_overrides_of_the_limit_so_far(sales, dealer, act):
    act("ledger.set_credit", customer=dealer, credit_limit="1000", reason="逾期")
    order = act("ledger.create_sales_order", customer=dealer, lines=[{"material": "MTR001", "qty": 2}])
    assert order["status"] == "held"
    act("ledger.release_credit_hold", order=order["order_no"], approver="director", reason="客户已承诺月底回款")
    profile = sales.start("credit_rating", {"customer": dealer}, "statistician").data["profile"]
    [override] = profile["overrides"]
    assert override["order_no"] == order["order_no"] and override["approver_role"] == "sales_director"
    assert override["credit_limit"] == "1000.00" and profile["credit_limit"] == "1000.00"
