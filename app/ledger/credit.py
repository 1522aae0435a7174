"""Credit control (LEDGER.md "Credit control") and the credit history."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger.balances import exposure
from app.ledger.catalogue import user_by_username
from app.ledger.customers import add_version, latest_version, refreshed_customer
from app.ledger.journal import today
from app.ledger.money import money_str, round_money
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.models import CreditOverride, Customer, CustomerCredit, SalesOrder
from app.actions import ActionCall, BusinessRuleViolation, action

# The excess over the limit a sales director may release alone; above it the
# general manager decides (FLOWS.md F12, LEDGER.md "Credit control").
DIRECTOR_OVERRIDE_AUTHORITY = Decimal("200000.00")


# The first rating of a new dealer from its evaluation's total score (five
# criteria scored 1-5, computed by the server): the statistician's later
# proposals (F12) revise it.
FIRST_RATING_FLOORS = ((21, "A"), (16, "B"), (11, "C"), (5, "D"))


def first_rating(total_score) -> str | None:
    """The first credit rating for an evaluation total of ``total_score``
    (5-25): A from 21, B from 16, C from 11, else D; None without a score.
    Raises BusinessRuleViolation ``invalid_score`` outside 5-25."""
    if total_score is None:
        return None
    if isinstance(total_score, bool) or not isinstance(total_score, (int, float, Decimal)) or not 5 <= total_score <= 25:
        raise BusinessRuleViolation("invalid_score", f"An evaluation total is 5-25, not {total_score!r}.", field="total_score")
    return next(rating for floor, rating in FIRST_RATING_FLOORS if total_score >= floor)


def credit_position(customer: Customer, *, order: SalesOrder | None = None) -> dict:
    """{"exposure", "limit", "over"} for ``customer``, counting ``order`` as
    if approved. A customer on hold is always over."""
    current = exposure(customer.id, extra_order_id=order.id if order is not None else None)
    return {"exposure": current, "limit": customer.credit_limit,
            "over": customer.on_hold or current > customer.credit_limit}


def has_override(order: SalesOrder) -> bool:
    return db.session.scalar(select(CreditOverride.id).where(CreditOverride.order_id == order.id).limit(1)) is not None


def require_credit_for_shipment(order: SalesOrder) -> None:
    """The second check, at shipment release. Raises BusinessRuleViolation
    ``order_on_hold`` (held, not released) or ``credit_hold`` (now over the
    limit, and no override approved for this order)."""
    if order.status == "held":
        raise BusinessRuleViolation("order_on_hold", f"Order {order.number} is held for credit: {order.hold_reason}.")
    position = credit_position(order.customer, order=order)
    if position["over"] and not has_override(order):
        raise BusinessRuleViolation("credit_hold", f"Customer {order.customer.code} is over its credit limit.",
                                    {"exposure": money_str(position["exposure"]), "credit_limit": money_str(position["limit"])})


def release_hold(order: SalesOrder, approver, reason: str | None, source_key: str) -> CreditOverride:
    """Record the approval that releases a held order and approve it (flushes).
    Raises BusinessRuleViolation ``not_authorised`` (not a sales director, or
    a director beyond DIRECTOR_OVERRIDE_AUTHORITY: the GM's call)."""
    position = credit_position(order.customer, order=order)
    excess = position["exposure"] - position["limit"]
    if approver.has_role("general_manager"):
        role = "general_manager"
    elif approver.has_role("sales_director") and excess <= DIRECTOR_OVERRIDE_AUTHORITY:
        role = "sales_director"
    else:
        raise BusinessRuleViolation("not_authorised", f"{approver.username} may not release a hold {money_str(excess)} over the limit.")
    override = CreditOverride(order=order, approved_by=approver, approver_role=role, exposure=position["exposure"],
                              credit_limit=position["limit"], reason=reason, source_key=source_key, created_at=clock.now())
    db.session.add(override)
    order.status = "approved" if order.approved_at is not None else "draft"  # a draft still waits for its review
    db.session.flush()
    return override


def set_credit(customer: Customer, *, credit_limit, rating: str | None, valid_from: date_type, reason: str | None,
               decided_by_id: int | None, source_key: str) -> CustomerCredit:
    """Add a version of the customer's credit limit and rating, current at
    once when ``valid_from`` is today or earlier; one for a later day waits
    and is applied when an action next finds the customer on or after that
    day (``customers.refresh_snapshot``) (flushes). Raises
    BusinessRuleViolation ``invalid_amount``."""
    limit = round_money(credit_limit, "credit_limit")
    if limit < 0:
        raise BusinessRuleViolation("invalid_amount", "A credit limit may not be negative.", field="credit_limit")
    record = CustomerCredit(customer=customer, credit_limit=limit, rating=rating, valid_from=valid_from, reason=reason,
                            decided_by_id=decided_by_id, source_key=source_key, created_at=clock.now())
    db.session.add(record)
    if valid_from <= today():
        customer.credit_limit, customer.credit_rating = limit, rating
    db.session.flush()
    return record


@action("ledger.set_credit")
def set_credit_action(call: ActionCall, *, customer: str, credit_limit, rating: str | None = None,
                      valid_from: str | None = None, reason: str | None = None, on_hold: bool | None = None) -> dict:
    """F12: a new credit limit/rating (and optionally the hold flag) for
    ``customer``. Result {"customer", "credit_limit", "rating", "credit_id"}.
    A hold is a change of the customer file: a new profile version from the
    same day (none when the flag is already so). A limit from a later day
    waits for it (``set_credit``). The result's ``notice`` asks the flow to
    tell the customer's salesperson and regional manager. Idempotent per
    call. Raises ``unknown_customer``, ``invalid_amount``, ``invalid_date``,
    ``version_out_of_order``."""
    try:
        from_day = date_type.fromisoformat(valid_from) if valid_from else today()
    except (TypeError, ValueError):
        raise BusinessRuleViolation("invalid_date", f"valid_from is not a date: {valid_from!r}", field="valid_from") from None

    def decide() -> CustomerCredit:
        buyer = refreshed_customer(customer)
        credit = set_credit(buyer, credit_limit=credit_limit, rating=rating, valid_from=from_day,
                            reason=reason, decided_by_id=call.actor_id, source_key=call.idempotency_key)
        latest = latest_version(buyer)
        if on_hold is not None and (latest is None or latest.on_hold != bool(on_hold)):
            add_version(buyer, {"on_hold": bool(on_hold)}, valid_from=credit.valid_from,
                        reason=reason or ("credit hold" if on_hold else "credit hold lifted"),
                        decided_by_id=call.actor_id, source_key=f"{call.idempotency_key}#profile")
        return credit

    existing = posted_once(CustomerCredit, call.idempotency_key, decide)
    limit, day = money_str(existing.credit_limit), existing.valid_from.isoformat()
    return {"customer": existing.customer.code, "credit_limit": limit, "rating": existing.rating,
            "credit_id": existing.id, "valid_from": day, "effective": existing.valid_from <= today(),
            "notice": {"customer": existing.customer.code,
                       "text": f"{existing.customer.name}（{existing.customer.code}）信用等级 {existing.rating or '-'}，"
                               f"信用额度 ¥{existing.credit_limit:,.2f}，自 {day} 起执行。"}}


def _actor(call: ActionCall):
    from app.models import User

    return db.session.get(User, call.actor_id) if call.actor_id is not None else None


@action("ledger.release_credit_hold")
def release_credit_hold(call: ActionCall, *, order: str, approver: str | None = None, reason: str | None = None) -> dict:
    """Release the held ``order`` on the approval of ``approver`` (username;
    in a diagram leave it out: the person whose step ran the action is the
    approver, so nobody can name a more senior one in a form).
    Result {"order_no", "status", "override_id", "exposure", "credit_limit"}.
    Idempotent per call. Raises ``unknown_order``, ``not_this_request``, ``not_held``, ``not_authorised``."""
    def release() -> CreditOverride:
        held = db.session.scalar(select(SalesOrder).where(SalesOrder.number == order))
        if held is None:
            raise BusinessRuleViolation("unknown_order", f"No order is numbered {order!r}.", field="order")
        ensure_of_this_request(call, held, kind="order")
        if held.status != "held":
            raise BusinessRuleViolation("not_held", f"Order {order} is not held.")
        approving = user_by_username(approver, "approver") if approver else _actor(call)
        if approving is None:
            raise BusinessRuleViolation("not_authorised", "A release needs the approver's username.", field="approver")
        return release_hold(held, approving, reason, call.idempotency_key)

    override = posted_once(CreditOverride, call.idempotency_key, release)
    return {"order_no": override.order.number, "status": override.order.status, "override_id": override.id,
            "exposure": money_str(override.exposure), "credit_limit": money_str(override.credit_limit)}
