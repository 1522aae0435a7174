"""customer_onboarding waits for its first credit rating (issue 21): the real
diagrams, onboarding → the worker's request job → credit_rating approved,
rejected, withdrawn or cancelled → the worker's settlement job → the
proposer reads the outcome → the customer is ready or keeps no credit. The
control attacked: only the settlement job's message, from the rating
instance the request named, moves the wait."""
import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, MessageSubscription, ProcessInstance, ProcessMessage
from app.services import worker
from app.services.credit_requests import start_next_requested_rating
from app.services.credit_settlements import SETTLED, settle_next_waiting_onboarding
from app.services.events import deliver_pending_messages, receive_message
from app.services.instances import cancel_instance
from tests.flows.test_customer_onboarding import PROPOSAL, REP, _customer
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.credit_rating import proposal as rating_proposal
from tests.support.ledger_harness import all_invariants_hold

READ = {"outcome_read": True}


def _opened(sales, proposal=PROPOSAL, proposer=REP):
    """An approved proposal, its customer file opened and its first rating started by the worker's job."""
    instance = sales.start("customer_onboarding", proposal, proposer)
    sales.approve(instance, "Task_AdminCheck", "sales_admin" if proposer != "sales_admin" else "sales_admin2")
    assert start_next_requested_rating() is not None
    code = instance.data["customer_file"]["customer_code"]
    [rating] = db.session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == f"credit_rating:{code}"))
    return instance, rating, code


def _waits(sales, instance) -> bool:
    db.session.refresh(instance)
    awaited = set(db.session.scalars(select(MessageSubscription.name).where(MessageSubscription.instance_id == instance.id)))
    return instance.status is InstanceStatus.running and sales.ready_elements(instance) == [] and awaited == {SETTLED}


def _settlements():
    return list(db.session.scalars(select(ProcessMessage).where(ProcessMessage.name == SETTLED).order_by(ProcessMessage.id)))


def _approve_rating(sales, instance, **changes):
    sales.complete(instance, "Task_Propose", "statistician", rating_proposal(**changes))
    sales.approve(instance, "Task_FinanceApproval", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.status is InstanceStatus.completed


def test_the_onboarding_waits_for_the_approved_rating_and_the_customer_is_ready(sales):
    instance, rating, code = _opened(sales)
    assert _waits(sales, instance) and str(_customer().credit_limit) == "0.00"
    assert settle_next_waiting_onboarding() is None  # the rating is still open: nothing to say yet
    _approve_rating(sales, rating, credit_limit=200000, rating="B", payment_days=30)
    assert _waits(sales, instance)  # the rating's end alone sends nothing: the worker's job does
    assert settle_next_waiting_onboarding() == instance.id and settle_next_waiting_onboarding() is None
    db.session.refresh(instance)
    assert instance.data["credit_settlement"] == {
        "customer": code, "rating_instance": rating.id, "rating_outcome": "approved", "rating": "B",
        "credit_limit": "200000.00", "payment_days": 30, "valid_from": "2026-12-01"}
    [message] = _settlements()
    assert message.source_instance_id == rating.id and message.target_instance_id == instance.id
    task = sales.task(instance, "Task_ReadCreditOutcome")
    assert task.assignee.username == REP and task.candidate_role is None
    with pytest.raises(ValidationFailed):  # read-only: the proposer cannot restate the outcome
        sales.complete(instance, "Task_ReadCreditOutcome", REP, READ | {"credit_settlement": {"credit_limit": "9e9"}})
    with pytest.raises(Forbidden):
        sales.complete(instance, "Task_ReadCreditOutcome", "rep_east2", READ)
    sales.complete(instance, "Task_ReadCreditOutcome", REP, READ)
    assert instance.status is InstanceStatus.completed
    assert "EndEvent_CustomerReady" in instance.state and "EndEvent_NoCredit\"" not in instance.state
    customer = _customer()
    assert (str(customer.credit_limit), customer.credit_rating, customer.payment_days) == ("200000.00", "B", 30)
    assert all_invariants_hold()


def test_a_rejected_rating_leaves_the_customer_without_credit(sales):
    instance, rating, _ = _opened(sales, proposer="sales_admin")
    sales.complete(rating, "Task_Propose", "statistician", rating_proposal(credit_limit=300000))
    sales.reject(rating, "Task_FinanceApproval", "finance", "新客户无交易记录，额度过高")
    sales.complete(rating, "Task_Propose", "statistician", rating_proposal(action="withdraw"))
    assert rating.status is InstanceStatus.completed
    assert settle_next_waiting_onboarding() == instance.id
    db.session.refresh(instance)
    settled = instance.data["credit_settlement"]
    assert (settled["rating_outcome"], settled["reason"]) == ("rejected", "新客户无交易记录，额度过高")
    assert "credit_limit" not in settled
    assert sales.task(instance, "Task_ReadCreditOutcome").assignee.username == "sales_admin"  # the proposer
    sales.complete(instance, "Task_ReadCreditOutcome", "sales_admin", READ)
    assert instance.status is InstanceStatus.completed and "EndEvent_NoCredit" in instance.state
    assert str(_customer().credit_limit) == "0.00" and _customer().credit_rating is None
    assert all_invariants_hold()


def test_a_withdrawn_or_cancelled_rating_is_no_credit_with_its_reason(sales):
    instance, rating, _ = _opened(sales)
    sales.complete(rating, "Task_Propose", "statistician", rating_proposal(action="withdraw", reason="客户资料待补"))
    assert settle_next_waiting_onboarding() == instance.id
    db.session.refresh(instance)
    assert instance.data["credit_settlement"]["rating_outcome"] == "withdrawn"
    assert instance.data["credit_settlement"]["reason"] == "客户资料待补"

    other = PROPOSAL | {"customer_name": "宁波东海水务有限公司", "tax_id": "91330200MA2H3K4L6Q"}
    second, second_rating, _ = _opened(sales, other)
    cancel_instance(second_rating.id, sales.user("process_admin"), "客户暂缓合作")
    assert settle_next_waiting_onboarding() == second.id
    db.session.refresh(second)
    assert second.data["credit_settlement"]["rating_outcome"] == "cancelled"
    sales.complete(second, "Task_ReadCreditOutcome", REP, READ)
    assert second.status is InstanceStatus.completed and "EndEvent_NoCredit" in second.state


def test_the_worker_pass_requests_and_settles(sales):
    instance = sales.start("customer_onboarding", PROPOSAL, REP)
    sales.approve(instance, "Task_AdminCheck", "sales_admin")
    instance_id = instance.id
    done = worker.run_pass()
    assert done["credit_rating_requests"] == 1 and done["credit_rating_settlements"] == 0
    code = _customer().code
    rating = db.session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == f"credit_rating:{code}"))
    _approve_rating(sales, rating, credit_limit=50000, rating="C")
    assert worker.run_pass()["credit_rating_settlements"] == 1
    assert sales.ready_elements(db.session.get(ProcessInstance, instance_id)) == ["Task_ReadCreditOutcome"]


# --- controls attacked -----------------------------------------------------------------------------------

def test_an_integration_account_cannot_settle_the_wait_with_a_forged_limit(sales):
    instance, rating, code = _opened(sales)
    forged = {"customer": code, "rating_outcome": "approved", "rating": "A", "credit_limit": "9000000.00",
              "payment_days": 180}
    message = receive_message(sales.user("portal"), SETTLED, {"customer": {"customer_code": code}}, forged)
    assert message.delivered_at is None and _waits(sales, instance)
    assert deliver_pending_messages() == 0 and _waits(sales, instance)  # nor later, by the worker
    _approve_rating(sales, rating, credit_limit=80000, rating="C", payment_days=15)
    assert deliver_pending_messages() == 0 and _waits(sales, instance)
    assert settle_next_waiting_onboarding() == instance.id
    db.session.refresh(instance)
    assert instance.data["credit_settlement"]["credit_limit"] == "80000.00"  # the rating's, not the forged one
    assert str(_customer().credit_limit) == "80000.00"
    db.session.refresh(message)
    assert message.delivered_at is None  # still unclaimed, never taken
    assert all_invariants_hold()


def test_a_process_admin_cannot_hand_the_forged_message_to_the_wait(sales):
    from app.errors import Conflict
    from app.services.unclaimed_messages import deliver_by_hand

    instance, _, code = _opened(sales)
    message = receive_message(sales.user("portal"), SETTLED, {"customer": {"customer_code": code}},
                              {"customer": code, "rating_outcome": "approved", "credit_limit": "9000000.00"})
    with pytest.raises(Conflict) as refused:
        deliver_by_hand(message.id, instance.id, "客户门户发来的评级结果", sales.user("process_admin"))
    assert refused.value.code == "wrong_sender" and _waits(sales, instance)


def test_a_second_rating_of_the_same_customer_does_not_answer_the_wait(sales):
    """The statistician rates the new customer by hand while the requested
    rating is open: that second rating's approval is not the answer; the
    requested one's is, and once the onboarding has it a later rating sends nothing."""
    instance, requested, code = _opened(sales)
    by_hand = sales.start("credit_rating", {"customer": code}, "statistician")
    _approve_rating(sales, by_hand, credit_limit=900000, rating="A")
    assert settle_next_waiting_onboarding() is None and _waits(sales, instance)
    sales.complete(requested, "Task_Propose", "statistician", rating_proposal(action="withdraw", reason="已另行评级"))
    assert settle_next_waiting_onboarding() == instance.id
    db.session.refresh(instance)
    assert instance.data["credit_settlement"]["rating_instance"] == requested.id
    assert instance.data["credit_settlement"]["rating_outcome"] == "withdrawn"
    sales.complete(instance, "Task_ReadCreditOutcome", REP, READ)
    later = sales.start("credit_rating", {"customer": code}, "statistician")
    _approve_rating(sales, later, credit_limit=100000, rating="B")
    assert settle_next_waiting_onboarding() is None and len(_settlements()) == 1


def test_each_wait_takes_only_its_own_customers_settlement(sales):
    """Two onboardings wait; the second customer's rating ends first and
    only the second moves. A settlement naming the other customer, even
    from the first one's rating instance, does not fit the first's wait."""
    from app import clock
    from app.workflow.runtime import external_message

    first, first_rating, _ = _opened(sales)
    other = PROPOSAL | {"customer_name": "宁波东海水务有限公司", "tax_id": "91330200MA2H3K4L6Q"}
    second, second_rating, other_code = _opened(sales, other)
    _approve_rating(sales, second_rating, credit_limit=60000, rating="C")
    assert settle_next_waiting_onboarding() == second.id and settle_next_waiting_onboarding() is None
    assert _waits(sales, first) and sales.ready_elements(second) == ["Task_ReadCreditOutcome"]
    correlations = {"customer": {"customer_code": other_code}}
    db.session.add(ProcessMessage(name=SETTLED, correlations=correlations, source_instance_id=first_rating.id,
                                  created_at=clock.now(), payload=external_message(SETTLED, correlations, {
                                      "customer": other_code, "rating_outcome": "approved", "credit_limit": "1.00"})))
    db.session.commit()
    assert deliver_pending_messages() == 0 and _waits(sales, first)


def test_a_rating_asked_for_by_an_order_hold_sends_no_settlement(sales, contract, customer_code):
    from tests.flows.test_credit_rating_requests import _held_order

    _held_order(sales, contract, "HT-2026-301")
    assert start_next_requested_rating() is not None
    [rating] = db.session.scalars(select(ProcessInstance).where(ProcessInstance.process_key == "credit_rating"))
    _approve_rating(sales, rating, credit_limit=1000, rating="D")
    assert settle_next_waiting_onboarding() is None and _settlements() == []


def test_a_settled_onboarding_re_executes_as_recorded(sales):
    from app.services import replay

    instance, rating, _ = _opened(sales)
    _approve_rating(sales, rating, credit_limit=120000, rating="B")
    settle_next_waiting_onboarding()
    db.session.refresh(instance)
    sales.complete(instance, "Task_ReadCreditOutcome", REP, READ)
    assert replay.reexecute(instance.id).status == "VERIFIED"
