"""Credit ratings other flows ask for (F12 started after F13 creates a
customer, and when F01 holds an order for credit).

A diagram asks by throwing message ``credit_rating_requested`` with the
customer's code; no instance catches it. The worker takes each such message
after the asking command has committed (a rating that cannot start never
undoes the order hold or the new customer) and starts ``credit_rating`` for
the customer as the system account, unless a rating of that customer is
still open: then the message is handed to the open one and nothing new
starts. One business key per customer (``credit_rating:<code>``) is how an
open rating is found."""
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import InstanceStatus, ProcessInstance, ProcessMessage
from app.services.events import take_one
from app.services.instances import start_on_request
from app.services.unit_of_work import use_case

REQUEST = "credit_rating_requested"
RATING_PROCESS = "credit_rating"
OPEN = (InstanceStatus.running, InstanceStatus.error, InstanceStatus.suspended)


def rating_key(customer: str) -> str:
    """The business key of a customer's requested credit rating."""
    return f"{RATING_PROCESS}:{customer}"


def open_rating(customer: str) -> ProcessInstance | None:
    """The customer's requested credit rating still open, if any."""
    return db.session.scalar(select(ProcessInstance).where(
        ProcessInstance.process_key == RATING_PROCESS, ProcessInstance.business_key == rating_key(customer),
        ProcessInstance.status.in_(OPEN)).order_by(ProcessInstance.id).limit(1))


def _customer_of(message: ProcessMessage) -> str:
    payload = (message.payload or {}).get("payload")
    customer = payload.get("customer") if isinstance(payload, dict) else None
    return customer.strip() if isinstance(customer, str) else ""


@use_case
def start_next_requested_rating() -> int | None:
    """Take one pending ``credit_rating_requested`` message: start the
    customer's credit rating, or hand the message to the rating already open
    for it. Returns the message id, or None when none is pending. A message
    without a customer code is discarded with that reason."""
    message_id = take_one(select(ProcessMessage.id).where(
        ProcessMessage.name == REQUEST, ProcessMessage.source_instance_id.is_not(None),  # only a flow asks
        ProcessMessage.delivered_at.is_(None),
        ProcessMessage.discarded_at.is_(None), ProcessMessage.target_instance_id.is_(None))
        .order_by(ProcessMessage.id))
    if message_id is None:
        return None
    message = db.session.get(ProcessMessage, message_id)
    customer = _customer_of(message)
    if not customer:  # no diagram of ours sends one; kept, never retried
        message.discarded_at, message.discard_reason = clock.now(), "credit_rating_requested without a customer code"
        return message_id
    # The open rating is not handed the message (nothing in it waits for one):
    # the message row names it, which is the record that this request joined it.
    rating = open_rating(customer) or start_on_request(RATING_PROCESS, {"customer": customer},
                                                       business_key=rating_key(customer))
    message.delivered_at = clock.now()
    message.target_instance_id = rating.id
    return message_id
