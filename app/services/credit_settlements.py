"""The answer to a customer onboarding that waits for its first credit rating.

customer_onboarding throws ``credit_rating_requested`` (credit_requests.py
starts or joins the customer's ``credit_rating`` and writes which one on the
request's row) and then waits on ``credit_rating_settled`` correlated by the
customer code. Once that rating instance has ended, the worker sends the
waiting onboarding the outcome, stored as a message from the rating instance:
the catch names ``credit_rating`` as the only flow it takes the message from
(``messageFrom``), so an integration account's message of the same name,
forged limit and all, never moves it (app/services/events.py).

Only a waiting onboarding is answered: a rating F01 asked for when it held an
order ends without any message, and a second rating of the same customer is
not the one the onboarding's request named, so it answers nothing."""
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app import clock
from app.extensions import db
from app.models import InstanceStatus, MessageSubscription, ProcessInstance, ProcessMessage
from app.services.commands import command, lock_instance
from app.services.credit_requests import REQUEST
from app.services.events import run_isolated, deliver_to
from app.workflow.runtime import external_message

SETTLED = "credit_rating_settled"
CORRELATION_KEY, CORRELATION_PROPERTY = "customer", "customer_code"
ENDED = (InstanceStatus.completed, InstanceStatus.cancelled)


def settlement(customer: str, rating: ProcessInstance) -> dict:
    """What an ended credit rating came to, from its data: ``approved`` with
    the rating, limit, payment days and from-date set_credit recorded;
    ``rejected`` (an approver's rejection the statistician then withdrew, or
    an unknown customer) or ``withdrawn`` with the reason; ``cancelled``
    when a process admin cancelled the instance."""
    data = rating.data or {}
    base = {"customer": customer, "rating_instance": rating.id}
    credit = data.get("credit") if isinstance(data.get("credit"), dict) else {}
    if rating.status is InstanceStatus.cancelled:
        return {**base, "rating_outcome": "cancelled", "reason": "信用评级流程已被取消"}
    if credit.get("ok"):
        return {**base, "rating_outcome": "approved", "rating": credit.get("rating"),
                "credit_limit": credit.get("credit_limit"), "payment_days": data.get("payment_days"),
                "valid_from": credit.get("valid_from")}
    profile = data.get("profile") if isinstance(data.get("profile"), dict) else {}
    if profile and not profile.get("ok", True):
        return {**base, "rating_outcome": "rejected", "reason": (profile.get("error") or {}).get("message", "")}
    if data.get("decision") == "reject":
        return {**base, "rating_outcome": "rejected", "reason": data.get("comment") or data.get("reason") or ""}
    refused = (credit.get("error") or {}).get("message") if credit else None
    return {**base, "rating_outcome": "withdrawn", "reason": refused or data.get("reason") or ""}


def _waiting_with_ended_rating():
    """(onboarding id, request id) of one onboarding waiting for
    credit_rating_settled whose latest request's rating has ended; locked."""
    request, rating, waiting = aliased(ProcessMessage), aliased(ProcessInstance), aliased(ProcessInstance)
    latest = (select(func.max(ProcessMessage.id)).where(
        ProcessMessage.name == REQUEST, ProcessMessage.source_instance_id == MessageSubscription.instance_id)
        .correlate(MessageSubscription).scalar_subquery())
    return db.session.execute(
        select(MessageSubscription.instance_id, request.id)
        .join(waiting, waiting.id == MessageSubscription.instance_id)
        .join(request, request.id == latest)
        .join(rating, rating.id == request.target_instance_id)
        .where(MessageSubscription.name == SETTLED, waiting.status == InstanceStatus.running, rating.status.in_(ENDED))
        .order_by(rating.ended_at, MessageSubscription.instance_id)
        .limit(1).with_for_update(skip_locked=True, of=MessageSubscription)).first()


@command
def settle_next_waiting_onboarding() -> int | None:
    """Send one waiting onboarding the outcome of the rating its request
    started or joined, once that rating has ended; the onboarding's id, or
    None when none is due. If the onboarding does not take the message (it
    no longer waits for it so), it goes to error for an admin instead of
    being offered again."""
    found = _waiting_with_ended_rating()
    if found is None:
        return None
    instance_id, request_id = found
    request = db.session.get(ProcessMessage, request_id)
    rating = db.session.get(ProcessInstance, request.target_instance_id)
    customer = ((request.payload or {}).get("payload") or {}).get("customer", "")
    instance = lock_instance(instance_id)

    def work():
        correlations = {CORRELATION_KEY: {CORRELATION_PROPERTY: customer}}
        message = ProcessMessage(name=SETTLED, correlations=correlations, source_instance_id=rating.id,
                                 payload=external_message(SETTLED, correlations, settlement(customer, rating)),
                                 created_at=clock.now())
        db.session.add(message)
        db.session.flush()
        if not deliver_to(message, instance):
            raise RuntimeError(f"instance {instance.id} did not take {SETTLED} for customer {customer!r}")

    run_isolated(instance, work)
    return instance_id
