"""F13 dealer_onboarding through the service layer: every branch, every
rule of the dealer_terms_authority table, and the customer it creates
(its terms, first rating, contract and prices: tests/flows/test_dealer_terms.py)."""
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, InstanceStatus

from tests.support.samples import CONTRACT as SIGNED, EVALUATION, PROSPECT, RECHECK, REPLY, TERMS


def contract(**changes):
    """The contract the rep records, with its scan uploaded just now."""
    from app.services.attachments import save_bytes

    scan = save_bytes("合同.pdf", "application/pdf", b"%PDF-1.4 signed contract")
    return {**SIGNED, "contract_file": scan, **changes}


def _to_director(flow):
    instance = flow.start("dealer_onboarding", PROSPECT, "rep_east2")
    flow.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    assert flow.task(instance, "Task_RegionalManagerReview").assignee.username == "rm_east"
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    assert flow.task(instance, "Task_DirectorApproval").candidate_role == "sales_director"
    return instance


def _customer(name=PROSPECT["company_name"]):
    return db.session.scalar(select(Customer).where(Customer.name == name))


def test_within_director_authority_creates_the_customer(flow):
    instance = _to_director(flow)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    assert flow.ready_elements(instance) == ["Task_SignContract"]
    flow.complete(instance, "Task_SignContract", "rep_east2", contract())
    assert instance.status is InstanceStatus.completed
    customer = _customer()
    assert customer.channel == "dealer" and customer.region == "华东" and customer.province == "浙江"
    assert str(customer.credit_limit) == "300000.00" and customer.payment_days == 30
    assert customer.salesperson.username == "rep_east2" and customer.contract_number == "HT-2026-118"
    assert instance.data["customer_result"] == {
        "ok": True, "customer_code": customer.code, "customer_id": customer.id, "credit_rating": "B",
        "annual_target": "5000000.00", "special_discount_pct": instance.data["customer_result"]["special_discount_pct"],
        "contract_number": "HT-2026-118"}
    assert D(instance.data["customer_result"]["special_discount_pct"]) == 3


@pytest.mark.parametrize("terms", [
    {"special_discount_pct": 8},                           # discount beyond the director's authority
    {"payment_days": 90},                                  # payment terms beyond it
    {"credit_limit": 800000},                              # credit beyond it
])
def test_terms_beyond_the_director_need_the_gm(flow, terms):
    instance = _to_director(flow)
    flow.complete(instance, "Task_DirectorApproval", "director", {**TERMS, **terms})
    assert flow.task(instance, "Task_GMApproval").candidate_role == "general_manager"
    flow.approve(instance, "Task_GMApproval", "gm")
    flow.complete(instance, "Task_SignContract", "rep_east2", contract())
    assert instance.status is InstanceStatus.completed and _customer() is not None


def _replied(flow, instance, reason):
    """After a rejection the representative replies to the prospect, reading the reason; then the flow ends."""
    reply = flow.task(instance, "Task_ReplyRejection")
    assert reply.assignee.username == "rep_east2" and instance.data["comment"] == reason
    assert instance.status is InstanceStatus.running and _customer() is None
    flow.complete(instance, "Task_ReplyRejection", "rep_east2", REPLY)
    assert instance.status is InstanceStatus.completed and _customer() is None
    assert flow.ready(instance) == []


def test_gm_rejects(flow):
    instance = _to_director(flow)
    flow.complete(instance, "Task_DirectorApproval", "director", {**TERMS, "special_discount_pct": 10})
    flow.reject(instance, "Task_GMApproval", "gm", "折扣过高")
    _replied(flow, instance, "折扣过高")


def test_director_rejects(flow):
    instance = _to_director(flow)
    flow.reject(instance, "Task_DirectorApproval", "director", "区域已有经销商")
    _replied(flow, instance, "区域已有经销商")


def test_only_the_representative_replies_and_the_reply_is_complete(flow):
    from app.errors import Forbidden, ValidationFailed

    instance = _to_director(flow)
    flow.reject(instance, "Task_DirectorApproval", "director", "区域已有经销商")
    task = flow.task(instance, "Task_ReplyRejection")
    with pytest.raises(Forbidden):
        tasks_complete(task.id, flow.user("rep_east1"), REPLY)
    with pytest.raises(ValidationFailed) as refused:
        flow.complete(instance, "Task_ReplyRejection", "rep_east2", {**REPLY, "reply_note": ""})
    assert "reply_note" in refused.value.details["fields"]
    assert flow.ready_elements(instance) == ["Task_ReplyRejection"]


def test_the_regional_managers_recheck_is_required_to_approve_and_kept(flow):
    from app.errors import ValidationFailed
    from app.models import DealerTerms

    instance = flow.start("dealer_onboarding", PROSPECT, "rep_east2")
    flow.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    with pytest.raises(ValidationFailed) as refused:
        flow.approve(instance, "Task_RegionalManagerReview", "rm_east")
    assert {"recheck_date", "recheck_findings"} <= set(refused.value.details["fields"])
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    flow.complete(instance, "Task_SignContract", "rep_east2", contract())
    terms = db.session.scalar(select(DealerTerms))
    assert (terms.recheck_date.isoformat(), terms.recheck_findings) == (RECHECK["recheck_date"], RECHECK["recheck_findings"])


def tasks_complete(task_id, user, data):
    from app.services import tasks

    return tasks.complete_task(task_id, user, data)


def test_regional_manager_sends_the_evaluation_back(flow):
    instance = flow.start("dealer_onboarding", PROSPECT, "rep_east2")
    flow.complete(instance, "Task_FillEvaluation", "rep_east2", EVALUATION)
    flow.reject(instance, "Task_RegionalManagerReview", "rm_east", "请补充仓储照片")
    assert flow.ready_elements(instance) == ["Task_FillEvaluation"]
    flow.complete(instance, "Task_FillEvaluation", "rep_east2", {**EVALUATION, "logistics_score": 5})
    flow.complete(instance, "Task_RegionalManagerReview", "rm_east", RECHECK)
    assert flow.ready_elements(instance) == ["Task_DirectorApproval"]


def test_failed_customer_creation_goes_to_the_rep_who_fixes_and_retries(flow, ctx):
    from app.services import accounts
    from app.actions import ActionCall
    from app.ledger.customers import create_customer

    # a customer of that name exists already: the ledger refuses a duplicate
    create_customer(ActionCall(0, "seed", "seed", "ledger.create_customer", None), name=PROSPECT["company_name"], region="华东")
    assert accounts.find_user("rep_east2") is not None
    instance = _to_director(flow)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    flow.complete(instance, "Task_SignContract", "rep_east2", contract())
    problem = flow.task(instance, "Task_ResolveCustomerProblem")
    assert problem.assignee.username == "rep_east2"
    assert instance.data["customer_result"]["error"]["code"] == "duplicate_customer"
    flow.complete(instance, "Task_ResolveCustomerProblem", "rep_east2",
                  {"company_name": "杭州华信商贸（二分公司）", "action": "retry"})
    assert instance.status is InstanceStatus.completed
    assert _customer("杭州华信商贸（二分公司）").channel == "dealer"


def test_abandon_after_failed_customer_creation(flow, ctx):
    from app.ledger.customers import create_customer
    from app.actions import ActionCall

    create_customer(ActionCall(0, "seed", "seed", "ledger.create_customer", None), name=PROSPECT["company_name"], region="华东")
    instance = _to_director(flow)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    flow.complete(instance, "Task_SignContract", "rep_east2", contract())
    flow.complete(instance, "Task_ResolveCustomerProblem", "rep_east2",
                  {"company_name": PROSPECT["company_name"], "action": "abandon"})
    assert instance.status is InstanceStatus.completed
    assert db.session.scalar(select(db.func.count()).select_from(Customer)) == 1


def test_one_person_cannot_approve_two_steps(flow):
    """The regional manager who re-checked may not also act as director."""
    from app.errors import Forbidden
    from app.models import Delegation
    from app.services import tasks
    from datetime import timedelta
    from app import clock

    instance = _to_director(flow)
    db.session.add(Delegation(from_user=flow.user("director"), to_user=flow.user("rm_east"),
                              valid_from=clock.now() - timedelta(days=1), valid_to=clock.now() + timedelta(days=1)))
    db.session.commit()
    task = flow.task(instance, "Task_DirectorApproval")
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(task.id, flow.user("rm_east"), TERMS)
    assert caught.value.code == "segregation_of_duties"
