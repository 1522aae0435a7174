"""What a ledger action asks to be told about a customer (its result's
``notice``: {"customer", "text"}), e.g. a new credit limit (F12): the
customer's salesperson and regional manager are notified in the command's
own transaction. Run once per service call: a replayed or retried step
serves its recorded result and tells nobody again."""
from sqlalchemy import select

from app.extensions import db
from app.models import Customer, ProcessInstance
from app.services.notifications import notify
from app.services.performers import RESOLVERS


def customer_contacts(code: str) -> list:
    """The salesperson serving the customer and the regional manager over it."""
    customer = db.session.scalar(select(Customer).where(Customer.code == code))
    if customer is None:
        return []
    manager = RESOLVERS["@regional_manager_of_customer"](None, {"customer": code})
    return [person for person in (customer.salesperson, manager) if person is not None]


def tell_customer_contacts(instance: ProcessInstance, notice: dict) -> int:
    """Queue the notice for the customer's contacts; how many were told."""
    return notify(customer_contacts(str(notice.get("customer") or "")), "customer_notice",
                  process=instance.definition.name, instance=instance, body=str(notice.get("text") or ""))
