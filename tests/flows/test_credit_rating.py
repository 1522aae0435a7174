"""F12 credit_rating through the service layer with the real diagram: the
hand start for one customer, the profile computed from the ledger and shown
to every approver, finance then the director, the general manager above
the decision table's limit, each rejection back to the statistician, the
recording with the approving user, a limit from a later day, and the
salesperson and regional manager told."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, CustomerCredit, InstanceStatus, Notification, User
from tests.support.ledger_harness import all_invariants_hold

D = Decimal
CITY_DEALER = "江苏机电设备经销部"  # 华东, served by rep_east2, limit 300,000, rating B, 45 days


def proposal(**changes):
    return {"action": "submit", "rating": "A", "credit_limit": 450000, "payment_days": 45, "on_hold": False,
            "segment": "", "valid_from": "2026-12-01", "reason": "回款及时，提额", **changes}


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
