"""The credit profile of a customer (F12, 客户信用动态档案): what the
statistician and the approvers read before a customer's rating and limit
change, computed from the ledger every time (never stored).

Open receivables in the ageing buckets of the receivables report
(``ledger.ageing``), the average days to pay over the last twelve months
(each receipt allocation's days from its invoice date, weighted by amount),
the returns ratio over the same months (red invoices against blue ones),
the exposure of credit control, the limit, rating and hold in force, any
limit decided for a later day, and the overrides of the limit so far."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.ageing import BUCKETS, bucket_of, days_overdue
from app.ledger.balances import exposure, open_receivables
from app.ledger.customers import refreshed_customer
from app.ledger.journal import today
from app.ledger.money import ZERO, money_str
from app.models import Allocation, CreditOverride, Customer, CustomerCredit, Invoice, Receivable, SalesOrder
from app.actions import ActionCall, action

YEAR = timedelta(days=365)
REVIEW_LIMIT = 200  # customers listed by the monthly review; the statistician picks one to rate


def ageing_of(customer: Customer, as_of) -> dict:
    """The customer's open receivables by ageing bucket as of ``as_of``."""
    buckets = {name: ZERO for name in BUCKETS}
    for receivable, still_open in open_receivables(customer.id):
        buckets[bucket_of(days_overdue(as_of, receivable.due_date))] += still_open
    return buckets


def average_days_to_pay(customer: Customer, as_of) -> Decimal | None:
    """Days from invoice to receipt allocation, weighted by the amount, over
    the allocations of the twelve months to ``as_of`` (reversed ones and
    their reversals left out); None when nothing was paid."""
    reversed_ids = select(Allocation.reverses_id).where(Allocation.reverses_id.is_not(None))
    rows = db.session.execute(
        select(Allocation.amount, Allocation.allocation_date, Invoice.invoice_date)
        .join(Receivable, Receivable.id == Allocation.receivable_id).join(Invoice, Invoice.id == Receivable.invoice_id)
        .where(Allocation.customer_id == customer.id, Allocation.receipt_id.is_not(None),
               Allocation.reverses_id.is_(None), Allocation.id.not_in(reversed_ids),
               Allocation.allocation_date > as_of - YEAR, Allocation.allocation_date <= as_of)).all()
    paid = sum((Decimal(amount) for amount, _, _ in rows), ZERO)
    if paid <= 0:
        return None
    weighted = sum((Decimal(amount) * max((allocated - invoiced).days, 0) for amount, allocated, invoiced in rows), ZERO)
    return (weighted / paid).quantize(Decimal("0.1"))


def returns_ratio(customer: Customer, as_of) -> Decimal | None:
    """Red invoices against blue ones over the twelve months to ``as_of``
    (gross, 4 places); None without sales."""
    totals = dict(db.session.execute(
        select(Invoice.kind, func.sum(Invoice.gross)).where(
            Invoice.customer_id == customer.id, Invoice.invoice_date > as_of - YEAR, Invoice.invoice_date <= as_of)
        .group_by(Invoice.kind)).all())
    sold = Decimal(totals.get("blue") or 0)
    if sold <= 0:
        return None
    return (abs(Decimal(totals.get("red") or 0)) / sold).quantize(Decimal("0.0001"))


def _overrides(customer: Customer) -> list[dict]:
    rows = db.session.scalars(select(CreditOverride).join(SalesOrder, SalesOrder.id == CreditOverride.order_id)
                              .where(SalesOrder.customer_id == customer.id).order_by(CreditOverride.id))
    return [{"order_no": row.order.number, "approver_role": row.approver_role, "exposure": money_str(row.exposure),
             "credit_limit": money_str(row.credit_limit)} for row in rows]


def _later_limits(customer: Customer, as_of) -> list[dict]:
    rows = db.session.scalars(select(CustomerCredit).where(CustomerCredit.customer_id == customer.id,
                                                           CustomerCredit.valid_from > as_of)
                              .order_by(CustomerCredit.valid_from, CustomerCredit.id))
    return [{"valid_from": row.valid_from.isoformat(), "credit_limit": money_str(row.credit_limit),
             "rating": row.rating} for row in rows]


def credit_profile(customer: Customer) -> dict:
    """The profile of ``customer`` as of the business date (amounts as
    strings, ready for a form to show; the pages show the customer's name
    beside its code)."""
    as_of = today()
    buckets = ageing_of(customer, as_of)
    days = average_days_to_pay(customer, as_of)
    ratio = returns_ratio(customer, as_of)
    return {
        "customer": customer.code, "region": customer.region,
        "salesperson": customer.salesperson.username if customer.salesperson else None,
        "segment": customer.customer_class, "payment_days": customer.payment_days, "as_of": as_of.isoformat(),
        "open_receivables": money_str(sum(buckets.values(), ZERO)),
        "ageing": [{"bucket": name, "amount": money_str(amount)} for name, amount in buckets.items()],
        "overdue": money_str(sum((buckets[name] for name in BUCKETS[1:]), ZERO)),
        "average_days_to_pay": str(days) if days is not None else None,
        "returns_ratio": str(ratio) if ratio is not None else None,
        "exposure": money_str(exposure(customer.id)), "credit_limit": money_str(customer.credit_limit),
        "rating": customer.credit_rating, "on_hold": bool(customer.on_hold),
        "later_limits": _later_limits(customer, as_of), "overrides": _overrides(customer),
    }


@action("ledger.credit_profile")
def credit_profile_action(call: ActionCall, *, customer: str) -> dict:
    """F12: the credit profile of ``customer`` (reads only). Raises ``unknown_customer``."""
    return credit_profile(refreshed_customer(customer))


@action("ledger.credit_review_list")
def credit_review_list(call: ActionCall) -> dict:
    """F12's monthly review (持续跟踪和监控): every active customer, those
    over their limit or with overdue receivables first, with limit, rating,
    exposure and overdue amount. Result {"as_of", "customers", "count"}."""
    as_of = today()
    rows = []
    for customer in db.session.scalars(select(Customer).where(Customer.active.is_(True)).order_by(Customer.code)):
        buckets = ageing_of(customer, as_of)
        overdue = sum((buckets[name] for name in BUCKETS[1:]), ZERO)
        current = exposure(customer.id)
        rows.append({"customer": customer.code, "region": customer.region,
                     "rating": customer.credit_rating, "credit_limit": money_str(customer.credit_limit),
                     "exposure": money_str(current), "overdue": money_str(overdue), "on_hold": bool(customer.on_hold),
                     "attention": bool(overdue > 0 or current > customer.credit_limit or customer.on_hold)})
    rows.sort(key=lambda row: (not row["attention"], row["customer"]))
    return {"as_of": as_of.isoformat(), "customers": rows[:REVIEW_LIMIT], "count": len(rows)}
