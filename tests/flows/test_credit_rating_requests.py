"""F12 credit_rating started by other flows: after F13 creates a dealer (its
first credit assessment) and when F01 holds an order for credit. The asking
flow throws credit_rating_requested; the worker's job starts one rating per
customer while one is open (app/services/credit_requests.py)."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import InstanceStatus, ProcessInstance, ProcessMessage
from app.services import worker
from app.services.credit_requests import open_rating, rating_key, start_next_requested_rating
from app.services.events import receive_message
from tests.engine.test_dealer_onboarding import _to_director, contract as dealer_contract
from tests.support.contract_shipment import MAIL, REP, approve_contract, make_order
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.credit_rating import proposal
from tests.support.ledger_harness import all_invariants_hold
from tests.support.samples import TERMS


def _ratings(customer=None):
    query = select(ProcessInstance).where(ProcessInstance.process_key == "credit_rating")
    if customer is not None:
        query = query.where(ProcessInstance.business_key == rating_key(customer))
    return list(db.session.scalars(query.order_by(ProcessInstance.id)))


def _requests():
    return list(db.session.scalars(select(ProcessMessage).where(ProcessMessage.name == "credit_rating_requested")
                                   .order_by(ProcessMessage.id)))


def _held_order(sales, contract, number):
    instance = sales.start("contract_shipment", contract(customer=MAIL, contract_no=number), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    assert sales.ready_elements(instance) == ["Task_CreditHoldDecision"]
    return instance


def _take_all():
    taken = []
    while (message_id := start_next_requested_rating()) is not None:
        taken.append(message_id)
    return taken


def test_an_order_held_for_credit_starts_the_customers_rating_once_while_it_is_open(sales, contract, customer_code):
    code = customer_code(MAIL)
    first = _held_order(sales, contract, "HT-2026-201")
    [request] = _requests()
    assert request.source_instance_id == first.id and request.payload["payload"] == {"customer": code, "reason": "credit_hold"}
    assert _ratings() == []  # the hold's command started nothing: the worker does, after it committed
    assert len(_take_all()) == 1
    [rating] = _ratings(code)
    assert rating.started_by.username == "system" and rating.data["customer"] == code
    assert rating.data["profile"]["ok"] and rating.data["profile"]["customer"] == code
    assert sales.task(rating, "Task_Propose").candidate_role == "statistician"
    assert request.target_instance_id == rating.id and request.delivered_at is not None
    second = _held_order(sales, contract, "HT-2026-202")  # a second hold while the review is open
    assert len(_take_all()) == 1 and _ratings() == [rating]
    assert _requests()[1].source_instance_id == second.id and _requests()[1].target_instance_id == rating.id
    # the held orders wait for the director as before: the rating does not decide them
    assert sales.ready_elements(first) == sales.ready_elements(second) == ["Task_CreditHoldDecision"]
    sales.complete(rating, "Task_Propose", "statistician", proposal(credit_limit=1000, rating="D"))
    sales.approve(rating, "Task_FinanceApproval", "finance")
    sales.approve(rating, "Task_DirectorApproval", "director")
    assert rating.status is InstanceStatus.completed and open_rating(code) is None
    _held_order(sales, contract, "HT-2026-203")  # once rated, the next hold asks for a new review
    _take_all()
    assert [r.id for r in _ratings(code)][0] == rating.id and len(_ratings(code)) == 2
    assert all_invariants_hold()


def test_the_worker_pass_takes_the_requests(sales, contract, customer_code):
    _held_order(sales, contract, "HT-2026-211")
    assert worker.run_pass()["credit_rating_requests"] == 1
    assert len(_ratings(customer_code(MAIL))) == 1 and worker.run_pass()["credit_rating_requests"] == 0


def test_a_new_dealer_gets_its_first_rating_through_f12(flow):
    instance = _to_director(flow)
    flow.complete(instance, "Task_DirectorApproval", "director", TERMS)
    flow.complete(instance, "Task_SignContract", "rep_east2", dealer_contract())
    assert instance.status is InstanceStatus.completed
    code = instance.data["customer_result"]["customer_code"]
    # what F13 still sets until the statistician's rating is approved: the approved terms' limit, the score's rating
    assert instance.data["customer_result"]["credit_rating"] == "B"
    [request] = _requests()
    assert request.payload["payload"] == {"customer": code, "reason": "new_customer"}
    _take_all()
    [rating] = _ratings(code)
    assert rating.data["profile"]["credit_limit"] == "300000.00" and rating.data["profile"]["rating"] == "B"
    assert flow.ready_elements(rating) == ["Task_Propose"]
    assert all_invariants_hold()


def test_a_message_from_outside_starts_no_rating(sales):
    """Only a flow asks: an integration account's message of the same name
    waits among the unclaimed messages instead of starting a review."""
    receive_message(sales.user("portal"), "credit_rating_requested", {}, {"customer": "C0001"})
    assert _take_all() == [] and _ratings() == []


def test_a_request_without_a_customer_is_set_aside(sales, contract):
    instance = _held_order(sales, contract, "HT-2026-221")
    [request] = _requests()
    request.payload = {**request.payload, "payload": {"customer": "  "}}
    db.session.flush()
    assert _take_all() == [request.id] and _ratings() == []
    assert request.discarded_at is not None and request.delivered_at is None
    assert db.session.scalar(select(func.count()).select_from(ProcessMessage)
                             .where(ProcessMessage.source_instance_id == instance.id)) == 1


def test_the_asking_flows_and_the_started_rating_re_execute_as_recorded(sales, contract):
    """The thrown request is part of the asking instance's recorded run, and
    the rating the worker started replays from its own start."""
    from app.services import replay

    held = _held_order(sales, contract, "HT-2026-231")
    _take_all()
    [rating] = _ratings()
    for instance in (held, rating):
        verdict = replay.reexecute(instance.id)
        assert verdict.status == "VERIFIED", verdict
