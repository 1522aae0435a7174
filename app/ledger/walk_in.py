"""Walk-in customers (零散客户) registered inside a mail order (F02, seed L11).

The representative who takes the call may name a customer the company does
not know yet. The ledger opens a mail-order customer file for them (no
credit: they pay before the goods go) in the representative's region, and
keeps the phone and address they gave (``CustomerContact``).

One person, one file: the same name with the same phone is the same
customer and is reused; a name already on file with another phone, or a
phone already on file under another name, is refused with the reason, for
the representative to sort out with the customer (a typo, a relative, a
company that moved) rather than the ledger guessing."""
import re

from sqlalchemy import select

from app import clock
from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.catalogue import user_by_username
from app.ledger.customers import create_customer
from app.models import Customer, CustomerContact

FIELD = "new_customer"  # the form field the representative fills
WALK_IN_CLASS = "MAIL"


def phone_digits(phone: str | None) -> str:
    """The digits of a phone number, how it is compared ("0791-8812 3456" and "079188123456" are one phone)."""
    return re.sub(r"\D", "", phone or "")


def _refuse(code: str, message: str, **details):
    raise BusinessRuleViolation(code, message, {"field": FIELD, **details}, field=FIELD)


def _on_file_by_phone(digits: str) -> Customer | None:
    contact = db.session.scalar(select(CustomerContact).where(CustomerContact.phone == digits).order_by(CustomerContact.id))
    return contact.customer if contact is not None else None


@action("ledger.register_walk_in")
def register_walk_in(call: ActionCall, *, name: str, phone: str, address: str, salesperson: str) -> dict:
    """F02: the walk-in customer ``name`` (``phone``, ``address``), served by
    ``salesperson``: an existing file with that name and phone is reused;
    otherwise a new mail-order customer (class MAIL, credit limit 0, payment
    before goods) of the salesperson's region is opened with its contact.
    Result {"customer_code", "name", "matched"}. Idempotent per call. Raises
    ``missing_name``, ``invalid_phone``, ``missing_address``,
    ``unknown_user``, ``not_a_sales_rep``, ``duplicate_customer`` (the name
    is on file with another phone), ``phone_in_use`` (the phone is on file
    under another name); each names ``new_customer``."""
    made = db.session.scalar(select(Customer).where(Customer.source_key == call.idempotency_key))
    if made is not None:  # this very call opened it already
        return {"customer_code": made.code, "name": made.name, "matched": False}
    title, digits, where = (name or "").strip(), phone_digits(phone), (address or "").strip()
    if not title:
        _refuse("missing_name", "A walk-in customer needs a name.")
    if not 6 <= len(digits) <= 20:
        _refuse("invalid_phone", f"{phone!r} is not a phone number.")
    if len(where) < 4:
        _refuse("missing_address", "A walk-in customer needs an address to ship to.")
    rep = user_by_username(salesperson, "salesperson")
    if rep is None or not rep.has_role("sales_rep") or not rep.region:
        _refuse("not_a_sales_rep", f"{salesperson!r} is not a sales representative of a region.")
    by_name = db.session.scalar(select(Customer).where(Customer.name == title))
    by_phone = _on_file_by_phone(digits)
    if by_name is not None and by_phone is not None and by_name.id == by_phone.id:
        return {"customer_code": by_name.code, "name": by_name.name, "matched": True}
    if by_name is not None:
        _refuse("duplicate_customer", f"A customer named {title} is on file ({by_name.code}) with another phone.",
                customer=by_name.code)
    if by_phone is not None:
        _refuse("phone_in_use", f"The phone {phone} is on file for {by_phone.name} ({by_phone.code}).", customer=by_phone.code)
    opened = create_customer(call, name=title, region=rep.region, channel="mail_order", credit_limit=0,
                             payment_days=0, salesperson=rep.username, customer_class=WALK_IN_CLASS)
    db.session.add(CustomerContact(customer_id=opened["customer_id"], phone=digits, address=where[:255],
                                   registered_by_id=call.actor_id, source_key=f"{call.idempotency_key}#contact",
                                   created_at=clock.now()))
    db.session.flush()
    return {"customer_code": opened["customer_code"], "name": title, "matched": False}
