"""customer_onboarding through the service layer with the real diagram: a
direct or mail-order customer proposed, checked by the sales office against
the likely duplicates, opened with no credit, the salesperson and regional
manager told, and its first rating asked of F12 (the wait for it:
test_onboarding_rating_wait.py); every rejection and refusal
back to the requester; the controls attacked. Ledger invariants after each."""
import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Customer, InstanceStatus, Notification, User
from app.services.credit_requests import start_next_requested_rating
from tests.support.credit_rating import proposal as rating_proposal
from tests.support.ledger_harness import all_invariants_hold

REP = "rep_east1"
TAX_ID = "91330100MA2H3K4L5P"
PROPOSAL = {"customer_name": "杭州西湖水处理工程有限公司", "channel": "direct", "customer_class": "DIRECT", "region": "华东",
            "province": "浙江", "tax_id": TAX_ID, "address": "杭州市西湖区文三路 90 号", "contact_name": "周工",
            "contact_phone": "0571-8888 6666", "salesperson": REP}


def _customer(name=PROPOSAL["customer_name"]):
    return db.session.scalar(select(Customer).where(Customer.name == name))


def _told(instance):
    return sorted(db.session.get(User, n.user_id).username for n in db.session.scalars(
        select(Notification).where(Notification.kind == "customer_notice", Notification.instance_id == instance.id)))


def _rating_of(code):
    from app.models import ProcessInstance
    return db.session.scalar(select(ProcessInstance).where(ProcessInstance.process_key == "credit_rating",
                                                           ProcessInstance.business_key == f"credit_rating:{code}"))


def test_a_direct_customer_is_opened_without_credit_and_rated_through_f12(sales):
    instance = sales.start("customer_onboarding", PROPOSAL, REP)
    check = sales.task(instance, "Task_AdminCheck")
    assert check.candidate_role == "sales_admin" and check.is_approval and check.approval_stage == "customer"
    assert instance.data["duplicates"] == {"ok": True, "count": 0, "matches": []}
    sales.approve(instance, "Task_AdminCheck", "sales_admin")
    # open, waiting for its first rating (tests/flows/test_onboarding_rating_wait.py follows it to the end)
    assert instance.status is InstanceStatus.running and sales.ready_elements(instance) == []
    customer = _customer()
    assert customer.code == instance.data["customer_file"]["customer_code"] and customer.code.startswith("C")
    assert (customer.channel, customer.customer_class, customer.region, customer.province) == ("direct", "DIRECT", "华东", "浙江")
    assert (customer.tax_id, customer.address, customer.contact) == (TAX_ID, PROPOSAL["address"], "周工 0571-8888 6666")
    assert customer.salesperson.username == REP and str(customer.credit_limit) == "0.00" and customer.payment_days == 0
    assert customer.credit_rating is None
    assert _told(instance) == ["rep_east1", "rm_east"]
    assert start_next_requested_rating() is not None
    rating = _rating_of(customer.code)
    sales.complete(rating, "Task_Propose", "statistician", rating_proposal(credit_limit=200000, rating="B", payment_days=30))
    sales.approve(rating, "Task_FinanceApproval", "finance")
    sales.approve(rating, "Task_DirectorApproval", "director")
    db.session.refresh(customer)
    assert (str(customer.credit_limit), customer.credit_rating, customer.payment_days) == ("200000.00", "B", 30)
    assert all_invariants_hold()


def test_a_large_first_limit_goes_to_the_general_manager_in_f12(sales):
    instance = sales.start("customer_onboarding", PROPOSAL | {"channel": "mail_order", "customer_class": "MAIL"}, REP)
    sales.approve(instance, "Task_AdminCheck", "sales_admin")
    code = instance.data["customer_file"]["customer_code"]
    assert code.startswith("M")
    start_next_requested_rating()
    rating = _rating_of(code)
    sales.complete(rating, "Task_Propose", "statistician", rating_proposal(credit_limit=1500000))
    sales.approve(rating, "Task_FinanceApproval", "finance")
    sales.approve(rating, "Task_DirectorApproval", "director")
    sales.approve(rating, "Task_GMApproval", "gm")
    assert str(_customer().credit_limit) == "1500000.00" and all_invariants_hold()


def test_the_sales_office_sees_likely_duplicates_and_sends_the_proposal_back(sales, customer_code):
    similar = PROPOSAL | {"customer_name": "江苏机电设备经销有限公司"}  # the demo's 江苏机电设备经销部
    instance = sales.start("customer_onboarding", similar, REP)
    [match] = instance.data["duplicates"]["matches"]
    assert match["customer"] == customer_code("江苏机电设备经销部") and match["why"] == "name"
    sales.reject(instance, "Task_AdminCheck", "sales_admin", "与江苏机电设备经销部重复")
    revise = sales.task(instance, "Task_ReviseProposal")
    assert revise.assignee.username == REP
    sales.complete(instance, "Task_ReviseProposal", REP, {**similar, "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and _customer(similar["customer_name"]) is None
    assert all_invariants_hold()


def test_a_rejected_proposal_is_corrected_and_opened(sales):
    instance = sales.start("customer_onboarding", PROPOSAL | {"address": "杭州"}, REP)
    sales.reject(instance, "Task_AdminCheck", "sales_admin", "地址不完整")
    sales.complete(instance, "Task_ReviseProposal", REP, {**PROPOSAL, "action": "resubmit"})
    sales.approve(instance, "Task_AdminCheck", "sales_admin2")
    assert instance.status is InstanceStatus.running and _customer().address == PROPOSAL["address"]
    assert all_invariants_hold()


@pytest.mark.parametrize("second, code", [
    ({"customer_name": "西湖水处理工程（杭州）有限公司"}, "duplicate_tax_id"),  # the same tax id, another name
    ({"tax_id": "91330100MA2H3K4L6Q"}, "duplicate_customer"),                 # the same name
    ({"salesperson": "nobody_here", "tax_id": "91330100MA2H3K4L6Q", "customer_name": "宁波新客户有限公司"},
     "unknown_salesperson"),
])
def test_the_ledger_refuses_a_duplicate_and_the_proposal_goes_back(sales, second, code):
    first = sales.start("customer_onboarding", PROPOSAL, REP)
    sales.approve(first, "Task_AdminCheck", "sales_admin")
    instance = sales.start("customer_onboarding", PROPOSAL | second, REP)
    if "tax_id" not in second:
        assert instance.data["duplicates"]["matches"][0]["why"] == "tax_id"
    sales.approve(instance, "Task_AdminCheck", "sales_admin")
    assert instance.data["customer_file"]["error"]["code"] == code
    assert sales.ready_elements(instance) == ["Task_ReviseProposal"]
    sales.complete(instance, "Task_ReviseProposal", REP, {**PROPOSAL, **second, "action": "withdraw"})
    assert instance.status is InstanceStatus.completed
    assert db.session.scalar(select(Customer.id).where(Customer.tax_id == TAX_ID)) == _customer().id
    assert all_invariants_hold()


def test_the_sales_office_proposes_for_a_representative(sales):
    instance = sales.start("customer_onboarding", PROPOSAL | {"salesperson": "rep_east2"}, "sales_admin")
    sales.approve(instance, "Task_AdminCheck", "sales_admin2")  # not the proposer
    assert _customer().salesperson.username == "rep_east2" and _told(instance) == ["rep_east2", "rm_east"]


# --- controls attacked -----------------------------------------------------------------------------------

@pytest.mark.parametrize("outsider", ["finance", "statistician", "director"])
def test_only_representatives_and_the_sales_office_start(sales, outsider):
    with pytest.raises(Forbidden) as refused:
        sales.start("customer_onboarding", PROPOSAL, outsider)
    assert refused.value.code == "not_a_starter"


@pytest.mark.parametrize("forged", [{"credit_limit": 5000000}, {"credit_rating": "A"}, {"channel": "dealer"},
                                    {"tax_id": "not-a-tax-id"}])
def test_a_forged_proposal_is_refused(sales, forged):
    with pytest.raises(ValidationFailed):
        sales.start("customer_onboarding", PROPOSAL | forged, REP)
    assert _customer() is None


def test_the_check_cannot_set_a_credit_limit(sales):
    instance = sales.start("customer_onboarding", PROPOSAL, REP)
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_AdminCheck", "sales_admin", {"decision": "approve", "credit_limit": 900000})
    assert sales.ready_elements(instance) == ["Task_AdminCheck"]


def test_the_proposer_does_not_check_their_own_proposal(sales):
    instance = sales.start("customer_onboarding", PROPOSAL, "sales_admin")
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_AdminCheck", "sales_admin")
    assert _customer() is None


def test_a_representative_does_not_approve_their_own_customers_rating(sales):
    instance = sales.start("customer_onboarding", PROPOSAL, REP)
    sales.approve(instance, "Task_AdminCheck", "sales_admin")
    start_next_requested_rating()
    rating = _rating_of(_customer().code)
    with pytest.raises(Forbidden):
        sales.complete(rating, "Task_Propose", REP, rating_proposal(credit_limit=9000000))
    sales.complete(rating, "Task_Propose", "statistician", rating_proposal())
    for step in ("Task_FinanceApproval",):
        with pytest.raises(Forbidden):
            sales.approve(rating, step, REP)
    assert str(_customer().credit_limit) == "0.00" and all_invariants_hold()


def test_an_opened_customer_re_executes_as_recorded(sales):
    from app.services import replay

    instance = sales.start("customer_onboarding", PROPOSAL, REP)
    sales.reject(instance, "Task_AdminCheck", "sales_admin", "地址不完整")
    sales.complete(instance, "Task_ReviseProposal", REP, {**PROPOSAL, "action": "resubmit"})
    sales.approve(instance, "Task_AdminCheck", "sales_admin")
    assert replay.reexecute(instance.id).status == "VERIFIED"
