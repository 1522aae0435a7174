"""F12 credit_rating through the service layer with the real diagram: the
hand start for one customer, the profile computed from the ledger and shown
to every approver, finance then the director, the general manager above
the decision table's limit, each rejection back to the statistician, the
recording with the approving user, a limit from a later day, and the
salesperson and regional manager told."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, CustomerCredit, InstanceStatus, Notification, User
from tests.support.credit_rating import CITY_DEALER, proposal
from tests.support.ledger_harness import all_invariants_hold

D = Decimal


@pytest.fixture
def dealer(customer_code):
    return customer_code(CITY_DEALER)


def _customer(code) -> Customer:
    customer = db.session.scalar(select(Customer).where(Customer.code == code))
    db.session.refresh(customer)
    return customer


def _told(code_kind="customer_notice") -> set[str]:
    return {db.session.get(User, n.user_id).username
            for n in db.session.scalars(select(Notification).where(Notification.kind == code_kind))}


def test_finance_and_director_approve_and_the_rating_is_recorded(sales, dealer, shipped_order, act):
    act("ledger.issue_invoice", order=shipped_order(dealer, [("MTR001", 2)]))
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    profile = instance.data["profile"]
    assert profile["ok"] and profile["customer"] == dealer and profile["credit_limit"] == "300000.00"
    assert profile["rating"] == "B" and profile["open_receivables"] == "1960.00"
    assert profile["ageing"][0] == {"bucket": "current", "amount": "1960.00"} and profile["overdue"] == "0.00"
    assert D(profile["exposure"]) == D("1960.00") and profile["salesperson"] == "rep_east2"
    propose = sales.task(instance, "Task_Propose")
    assert propose.candidate_role == "statistician"
    sales.complete(instance, "Task_Propose", "statistician", proposal(payment_days=60, segment="DEALER_PROV"))
    finance = sales.task(instance, "Task_FinanceApproval")
    assert finance.candidate_role == "finance" and finance.is_approval and finance.approval_stage == "credit"
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.status is InstanceStatus.completed and instance.data["gm_approval_required"] is False
    customer = _customer(dealer)
    assert (customer.credit_limit, customer.credit_rating, customer.payment_days) == (D("450000.00"), "A", 60)
    assert customer.customer_class == "DEALER_PROV"
    credit = db.session.get(CustomerCredit, instance.data["credit"]["credit_id"])
    assert credit.decided_by_id == db.session.scalar(select(User.id).where(User.username == "director"))
    assert instance.data["customer_change"]["decided_by"] == "director"
    assert _told() == {"rep_east2", "rm_east"}
    assert all_invariants_hold()


def test_a_limit_above_the_directors_authority_goes_to_the_general_manager(sales, dealer):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician", proposal(credit_limit=1000000.01))
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["gm_approval_required"] is True
    assert sales.task(instance, "Task_GMApproval").candidate_role == "general_manager"
    assert _customer(dealer).credit_limit == D("300000.00")  # nothing recorded before the last approval
    sales.approve(instance, "Task_GMApproval", "gm")
    customer = _customer(dealer)
    assert customer.credit_limit == D("1000000.01") and customer.payment_days == 45
    assert "customer_change" not in instance.data  # payment days as they were: no new profile version
    credit = db.session.get(CustomerCredit, instance.data["credit"]["credit_id"])
    assert credit.decided_by_id == db.session.scalar(select(User.id).where(User.username == "gm"))
    assert all_invariants_hold()


@pytest.mark.parametrize("step, person", [("Task_FinanceApproval", "finance"), ("Task_DirectorApproval", "director"),
                                          ("Task_GMApproval", "gm")])
def test_each_rejection_goes_back_to_the_statistician(sales, dealer, step, person):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician", proposal(credit_limit=2000000))
    for earlier, who in (("Task_FinanceApproval", "finance"), ("Task_DirectorApproval", "director")):
        if earlier == step:
            break
        sales.approve(instance, earlier, who)
    sales.reject(instance, step, person, "额度过高")
    assert sales.ready_elements(instance) == ["Task_Propose"] and instance.status is InstanceStatus.running
    assert _customer(dealer).credit_limit == D("300000.00") and _told() == set()
    sales.complete(instance, "Task_Propose", "statistician", proposal(credit_limit=500000))
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.status is InstanceStatus.completed and _customer(dealer).credit_limit == D("500000.00")
    assert all_invariants_hold()


def test_the_statistician_may_withdraw(sales, dealer):
    instance = sales.start("credit_rating", {"customer": dealer}, "statistician")
    sales.complete(instance, "Task_Propose", "statistician", proposal(action="withdraw"))
    assert instance.status is InstanceStatus.completed and "credit" not in instance.data
    assert _customer(dealer).credit_limit == D("300000.00")


def test_the_profile_ages_the_open_receivables_and_times_the_payments(sales, dealer, shipped_order, act, frozen_clock):
    act("ledger.issue_invoice", order=shipped_order(dealer, [("MTR001", 2)]))  # 1,960.00 on 2026-12-01, due in 45 days
    act("ledger.issue_invoice", order=shipped_order(dealer, [("MTR001", 1)]))  # 980.00
    frozen_clock.now = datetime(2026, 12, 11, 2, 0, tzinfo=timezone.utc)
    receipt = act("ledger.record_receipt", customer=dealer, amount="980")
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"])  # paid ten days after the invoice
    frozen_clock.now = datetime(2027, 3, 1, 2, 0, tzinfo=timezone.utc)  # 45 days past the due date
    profile = sales.start("credit_rating", {"customer": dealer}, "statistician").data["profile"]
    assert profile["as_of"] == "2027-03-01" and profile["open_receivables"] == "1960.00"
    assert {row["bucket"]: row["amount"] for row in profile["ageing"]} == {
        "current": "0.00", "d1_30": "0.00", "d31_60": "1960.00", "d61_90": "0.00", "over_90": "0.00"}
    assert profile["overdue"] == "1960.00" and profile["average_days_to_pay"] == "10.0"
    assert profile["returns_ratio"] == "0.0000" and profile["overrides"] == [] and profile["on_hold"] is False
