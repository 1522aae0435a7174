"""Customer master data, as the flows create it."""
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger.journal import take_number
from app.models import Customer, CustomerClass, CustomerCredit, User
from app.workflow.actions import ActionCall, BusinessRuleViolation, action

CHANNELS = ("direct", "dealer", "mail_order")
_CODE_PREFIX = {"direct": "C", "dealer": "D", "mail_order": "M"}


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        raise BusinessRuleViolation("invalid_amount", f"{field} is not an amount: {value!r}")
    if amount < 0:
        raise BusinessRuleViolation("invalid_amount", f"{field} may not be negative.")
    return amount


def next_customer_code(channel: str) -> str:
    """The next free code for a channel: D00001 (dealer), C… (direct), M…
    (mail order), from the channel's counter (``journal.take_number``: no
    duplicate under concurrency, no reuse)."""
    prefix = _CODE_PREFIX[channel]
    return f"{prefix}{take_number(f'customer:{prefix}', '', Customer.code, prefix, 5):05d}"


@action("ledger.create_customer")
def create_customer(call: ActionCall, *, name: str, region: str, channel: str = "dealer", province: str | None = None,
                    credit_limit=0, payment_days=30, contract_number: str | None = None,
                    salesperson: str | None = None, customer_class: str | None = None) -> dict:
    """Create the customer file and the first version of its credit history
    (flushes only); ``customer_class`` links the class tree node with that
    code when there is one. Idempotent per call. Breaks the rule
    ``duplicate_customer`` when the name exists, ``invalid_amount`` for a bad
    credit limit."""
    existing = db.session.scalar(select(Customer).where(Customer.source_key == call.idempotency_key))
    if existing is not None:
        return {"customer_code": existing.code, "customer_id": existing.id}
    name = (name or "").strip()
    if not name:
        raise BusinessRuleViolation("missing_name", "A customer needs a name.")
    if channel not in CHANNELS:
        raise BusinessRuleViolation("invalid_channel", f"Channel must be one of {', '.join(CHANNELS)}.")
    if db.session.scalar(select(Customer.id).where(Customer.name == name)) is not None:
        raise BusinessRuleViolation("duplicate_customer", f"A customer named {name} already exists.")
    limit = _money(credit_limit, "credit_limit")
    rep = db.session.scalar(select(User).where(User.username == salesperson)) if salesperson else None
    customer = Customer(
        code=next_customer_code(channel), name=name, customer_class=customer_class or channel, channel=channel,
        region=region, province=province, salesperson=rep, payment_days=int(payment_days or 0), credit_limit=limit,
        contract_number=contract_number, source_key=call.idempotency_key, created_at=clock.now(),
    )
    customer.class_id = db.session.scalar(select(CustomerClass.id).where(CustomerClass.code == customer.customer_class))
    db.session.add(customer)
    db.session.flush()
    # the opening version of the credit history, so every limit has its record
    db.session.add(CustomerCredit(customer=customer, credit_limit=limit, valid_from=clock.now().date(), reason="onboarding",
                                  decided_by_id=call.actor_id, source_key=f"{call.idempotency_key}#credit", created_at=clock.now()))
    db.session.flush()
    return {"customer_code": customer.code, "customer_id": customer.id}
