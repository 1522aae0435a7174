"""Sales orders: priced by the matching rules, VAT per line, credit checked;
a prepaid (mail) order released once the money is in; an undelivered order
cancelled by a record."""
from datetime import date as date_type

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger.contracts import check_order_against_contract
from app.ledger.campaigns import campaign_by_code
from app.ledger.catalogue import material_by_code, user_by_username
from app.ledger.credit import credit_position
from app.ledger.customers import attribution, refreshed_customer
from app.ledger.dates import parse_date
from app.ledger.journal import next_number
from app.ledger.balances import customer_advances_total
from app.ledger.money import ZERO, document_totals, exact_qty, line_amounts, money_str, qty_str, round_price
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.pricing import resolve_price
from app.ledger.stock_places import main_warehouse
from app.models import Customer, SalesOrder, SalesOrderCancellation, SalesOrderLine, ShippingLine, ShippingNote
from app.actions import ActionCall, BusinessRuleViolation, action


def order_by_number(number: str, field: str = "order") -> SalesOrder:
    """Raises BusinessRuleViolation ``unknown_order``."""
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == number))
    if order is None:
        raise BusinessRuleViolation("unknown_order", f"No order is numbered {number!r}.", field=field)
    return order


def line_by_no(order: SalesOrder, line_no) -> SalesOrderLine:
    """Raises BusinessRuleViolation ``unknown_line``."""
    for line in order.lines:
        if line.line_no == int(line_no):
            return line
    raise BusinessRuleViolation("unknown_line", f"Order {order.number} has no line {line_no}.", field="lines")


TERM_FIELDS = ("delivery_place", "delivery_date", "acceptance_terms", "settlement_terms")


def _terms(terms: dict | None) -> dict:
    """The delivery terms of the 交货单, checked: texts of at most 255
    characters, the date ISO. Raises BusinessRuleViolation ``invalid_terms``."""
    checked = {}
    for key, value in (terms or {}).items():
        if key not in TERM_FIELDS:
            raise BusinessRuleViolation("invalid_terms", f"{key!r} is not a delivery term.", field=key)
        if value in (None, ""):
            continue
        if key == "delivery_date":
            checked[key] = parse_date(value, key)
        elif not isinstance(value, str) or len(value.strip()) > 255:
            raise BusinessRuleViolation("invalid_terms", f"{key} must be a text of at most 255 characters.", field=key)
        else:
            checked[key] = value.strip()
    return checked


def _price_or_none(customer: Customer, material, on: date_type, qty):
    try:
        return resolve_price(customer, material, on, qty)
    except BusinessRuleViolation as problem:
        if problem.code == "no_price":
            return None
        raise


def create_order(customer: Customer, lines: list[dict], *, on: date_type, source_key: str, contract_number: str | None = None,
                 created_by_id: int | None = None, draft: bool = False, terms: dict | None = None,
                 campaign_code: str | None = None, org_unit_id: int | None = None) -> SalesOrder:
    """Create a blue order (flushes). Each line {"material", "qty"} is priced
    by the matching rules, or {"unit_price", "price_approved_by"} for a
    manual price somebody approved; the price and its origin are frozen.
    Over the credit limit (or the customer on hold) the order is saved
    "held". Posts nothing to the ledger (an order is a commitment, not a
    transaction). Raises BusinessRuleViolation ``empty_order``,
    ``contract_customer``, ``contract_expired``, ``contract_cap_exceeded``,
    ``invalid_quantity``, ``no_price``, ``unknown_material``, ``invalid_terms``.

    ``draft``: the order waits for its review (``approve_order``) and a
    line no price is found for is saved anyway, flagged unpriced at a zero
    price (NC: 询不到价格的可以保存，不能审核). Otherwise the maker's
    saving approves it and a missing price refuses the whole order.
    ``terms``: the delivery terms (TERM_FIELDS) kept with the order.
    ``campaign_code``: the F19 campaign the order came from (refused
    ``unknown_campaign`` unless an approved campaign has it).
    ``org_unit_id``: the selling organisation (default the head company)."""
    kept_terms = _terms(terms)
    campaign = campaign_by_code(campaign_code)
    if not lines:
        raise BusinessRuleViolation("empty_order", "An order needs at least one line.", field="lines")
    built = []
    for number, entry in enumerate(lines, start=1):
        material = material_by_code(entry.get("material"), "lines")
        qty = exact_qty(entry.get("qty"), material.qty_scale)
        if qty <= 0:
            raise BusinessRuleViolation("invalid_quantity", f"Line {number}: the quantity must be positive.", field="lines")
        if entry.get("unit_price") is not None:
            approver = user_by_username(entry.get("price_approved_by"), "lines")
            if approver is None:
                raise BusinessRuleViolation("price_not_approved", f"Line {number}: a manual price needs its approver.", field="lines")
            unit_price, inclusive, item, rule = round_price(entry["unit_price"]), bool(entry.get("tax_inclusive", True)), None, None
        else:
            approver = None
            price = _price_or_none(customer, material, on, qty) if draft else resolve_price(customer, material, on, qty)
            if price is None:
                unit_price, inclusive, item, rule = ZERO, True, None, None
            else:
                unit_price, inclusive, item, rule = price.unit_price, price.tax_inclusive, price.item, price.rule
        amounts = line_amounts(qty, unit_price, material.tax_rate, tax_inclusive=inclusive)
        built.append(SalesOrderLine(
            line_no=number, material=material, unit=material.unit, qty=qty, unit_price=unit_price, tax_inclusive=inclusive,
            tax_rate=material.tax_rate, net=amounts.net, tax=amounts.tax, gross=amounts.gross, price_item=item, price_rule=rule,
            price_override_by_id=approver.id if approver else None, priced=bool(approver) or price is not None))
    totals = document_totals(built)
    check_order_against_contract(customer, contract_number, totals.gross, on)
    salesperson_id, region = attribution(customer, on)
    order = SalesOrder(number=next_number(SalesOrder, "SO", on), kind="blue", customer=customer,
                       salesperson_id=salesperson_id, region=region, contract_number=contract_number,
                       order_date=on, status="draft" if draft else "approved", net=totals.net, tax=totals.tax,
                       gross=totals.gross, source_key=source_key, created_by_id=created_by_id, created_at=clock.now(),
                       approved_by_id=None if draft else created_by_id, approved_at=None if draft else clock.now(),
                       lines=built, campaign_code=campaign.number if campaign else None,
                       org_unit_id=org_unit_id or main_warehouse().org_unit_id, **kept_terms)
    db.session.add(order)
    db.session.flush()
    position = credit_position(customer, order=order)
    if position["over"]:
        order.status = "held"
        order.hold_reason = "customer on hold" if customer.on_hold else f"exposure {position['exposure']} > limit {position['limit']}"
        db.session.flush()
    return order


def order_result(order: SalesOrder) -> dict:
    """The JSON the diagrams get for an order."""
    position = credit_position(order.customer, order=order)
    return {
        "order_no": order.number, "status": order.status, "held": order.status == "held", "hold_reason": order.hold_reason,
        "net": money_str(order.net), "tax": money_str(order.tax), "gross": money_str(order.gross),
        "exposure": money_str(position["exposure"]), "credit_limit": money_str(position["limit"]),
        "unpriced_lines": [line.line_no for line in order.lines if not line.priced],
        "lines": [{"line_no": line.line_no, "material": line.material.code, "qty": qty_str(line.qty, line.material.qty_scale),
                   "unit_price": str(line.unit_price), "gross": money_str(line.gross), "priced": line.priced,
                   # the pricing strategy the line's rule pointed at (line → rule → strategy); None for a list's rule
                   "strategy": line.price_rule.pricing_strategy.code
                   if line.price_rule is not None and line.price_rule.pricing_strategy_id else None}
                  for line in order.lines],
    }


@action("ledger.create_sales_order")
def create_sales_order(call: ActionCall, *, customer: str, lines: list, date: str | None = None,
                       contract_number: str | None = None, draft: bool = False, delivery_place: str | None = None,
                       delivery_date: str | None = None, acceptance_terms: str | None = None,
                       settlement_terms: str | None = None, campaign_code: str | None = None) -> dict:
    """F01/F02: make a sales order for ``customer`` from ``lines``
    [{"material", "qty", optional "unit_price" + "price_approved_by"}] on
    ``date`` (ISO, default today). Result: {"order_no", "status", "held",
    "hold_reason", "net", "tax", "gross", "exposure", "credit_limit", "lines"
    (each naming the pricing strategy that priced it, if any)}.
    A held order is a result, not an error: the diagram routes it to an
    override. ``draft`` (F01, F02): saved for its review, unpriced lines flagged
    in ``unpriced_lines`` instead of refused. The delivery terms are kept on
    the order, and the campaign code (F19) it came from. Idempotent per
    call. Raises (as results) ``unknown_customer``, ``unknown_material``,
    ``no_price``, ``invalid_quantity``, ``empty_order``, ``invalid_terms``,
    ``unknown_campaign``."""
    terms = {"delivery_place": delivery_place, "delivery_date": delivery_date, "acceptance_terms": acceptance_terms,
             "settlement_terms": settlement_terms}
    return order_result(posted_once(SalesOrder, call.idempotency_key, lambda: create_order(
        refreshed_customer(customer), lines, on=parse_date(date), source_key=call.idempotency_key,
        contract_number=contract_number, created_by_id=call.actor_id, draft=bool(draft), terms=terms,
        campaign_code=campaign_code)))


def ensure_priced(order: SalesOrder) -> None:
    """NC (seed L98): 询不到价格的可以保存，不能审核. Raises
    BusinessRuleViolation ``unpriced_line`` naming the lines without a price
    (field ``lines``, their numbers in ``lines``)."""
    unpriced = [line for line in order.lines if not line.priced]
    if unpriced:
        named = "、".join(f"第{line.line_no}行 {line.material.code}" for line in unpriced)
        raise BusinessRuleViolation("unpriced_line", f"订单 {order.number} 有询不到价格的行：{named}；补录价格后重新制单。",
                                    {"lines": [line.line_no for line in unpriced]}, field="lines")


def approve_order(order: SalesOrder, *, approved_by_id: int | None, keep_hold: bool = False) -> SalesOrder:
    """The review approves a draft order (flushes): status "approved", who
    and when recorded. Posts nothing. Approving an approved order again
    changes nothing. ``keep_hold`` (F02, payment before goods): an order
    held for credit has its review approved (who and when) and stays held
    until the money is in (``release_prepaid`` then approves it); the hold
    itself is never lifted here. Raises BusinessRuleViolation
    ``order_cancelled``, ``order_on_hold``, ``unpriced_line`` (naming the
    lines without a price, field ``lines``), ``not_draft`` (closed or red)."""
    if order.status == "cancelled":
        raise BusinessRuleViolation("order_cancelled", f"Order {order.number} was cancelled.")
    if order.status == "held" and not keep_hold:
        raise BusinessRuleViolation("order_on_hold", f"Order {order.number} is held for credit: {order.hold_reason}.")
    if order.status == "approved" or (order.status == "held" and order.approved_at is not None):
        return order
    if order.status not in ("draft", "held") or order.kind != "blue":
        raise BusinessRuleViolation("not_draft", f"Order {order.number} is {order.status}, not a draft.")
    ensure_priced(order)
    if order.status == "draft":
        order.status = "approved"
    order.approved_by_id, order.approved_at = approved_by_id, clock.now()
    db.session.flush()
    return order


@action("ledger.approve_sales_order")
def approve_sales_order(call: ActionCall, *, order: str, keep_hold: bool = False) -> dict:
    """F01/F02 订单审核: the reviewer's approval makes the draft ``order``
    approved, in the name of whoever completed the review (never a form's
    word). ``keep_hold`` (F02): a prepaid order held for its money is
    approved and stays held until paid. Result as ``create_sales_order``'s
    plus "approved_by". Safe to repeat. Raises ``unknown_order``,
    ``not_this_request``, ``order_cancelled``, ``order_on_hold``,
    ``unpriced_line``, ``not_draft``."""
    found = order_by_number(order)
    ensure_of_this_request(call, found, kind="order")
    approve_order(found, approved_by_id=call.actor_id, keep_hold=bool(keep_hold))
    return {**order_result(found), "approved_by": found.approved_by.username if found.approved_by else None}


def release_prepaid(order: SalesOrder) -> bool:
    """Credit control again for a held order whose customer has paid
    (LEDGER.md: mail-order customers pay first, so they pass once the receipt
    is in): approve it when its exposure is now within the limit (flushes).
    No override record: nobody makes an exception, the rule simply passes.
    Returns whether the order is approved. Raises BusinessRuleViolation
    ``order_cancelled``."""
    if order.status == "cancelled":
        raise BusinessRuleViolation("order_cancelled", f"Order {order.number} was cancelled.")
    if order.status == "held" and not credit_position(order.customer, order=order)["over"]:
        order.status = "approved" if order.approved_at is not None else "draft"
        db.session.flush()
    return order.status != "held"


@action("ledger.release_prepaid_order")
def release_prepaid_order(call: ActionCall, *, order: str) -> dict:
    """F02: after a receipt, approve the held prepaid ``order`` if the
    customer's money now covers it. Result {"order_no", "status", "released",
    "gross", "advance", "shortfall"}: ``shortfall`` is what is still missing
    (0.00 once released). Safe to repeat. Raises ``unknown_order``,
    ``order_cancelled``, ``not_this_request``."""
    found = order_by_number(order)
    ensure_of_this_request(call, found, kind="order")
    released = release_prepaid(found)
    position = credit_position(found.customer, order=found)
    shortfall = ZERO if released else max(position["exposure"] - position["limit"], ZERO)
    return {"order_no": found.number, "status": found.status, "released": released, "gross": money_str(found.gross),
            "advance": money_str(customer_advances_total(found.customer_id)), "shortfall": money_str(shortfall)}


def cancel_order(order: SalesOrder, *, reason: str, on: date_type, source_key: str,
                 cancelled_by_id: int | None = None) -> SalesOrderCancellation:
    """Cancel an order nothing has left the warehouse for (flushes): a
    SalesOrderCancellation record, and the order's status "cancelled" so it
    no longer counts as ordered-not-invoiced. Its lines stay as they were;
    nothing is posted (an order never posted anything). Money the customer
    paid stays an advance (预收) to refund or use later. Raises
    BusinessRuleViolation ``red_order``, ``already_cancelled``,
    ``order_closed``, ``order_delivered`` (a return is the way back then),
    ``shipping_pending`` (a draft shipping note names it)."""
    if order.kind != "blue":
        raise BusinessRuleViolation("red_order", "A red order (a return) cannot be cancelled.")
    if order.status == "cancelled":
        raise BusinessRuleViolation("already_cancelled", f"Order {order.number} is already cancelled.")
    if order.status == "closed":
        raise BusinessRuleViolation("order_closed", f"Order {order.number} is closed.")
    if any(line.qty_delivered or line.qty_invoiced for line in order.lines):
        raise BusinessRuleViolation("order_delivered", f"Goods of order {order.number} have left the warehouse; post a return.")
    pending = db.session.scalar(select(ShippingNote.number).join(ShippingLine).join(SalesOrderLine).where(
        SalesOrderLine.order_id == order.id, ShippingNote.status == "draft").limit(1))
    if pending is not None:
        raise BusinessRuleViolation("shipping_pending", f"Shipping note {pending} of order {order.number} is still open.")
    record = SalesOrderCancellation(order=order, previous_status=order.status, reason=reason[:255], cancelled_on=on,
                                    cancelled_by_id=cancelled_by_id, source_key=source_key, created_at=clock.now())
    db.session.add(record)
    order.status = "cancelled"
    db.session.flush()
    return record


@action("ledger.cancel_sales_order")
def cancel_sales_order(call: ActionCall, *, order: str, reason: str, date: str | None = None) -> dict:
    """F02: cancel ``order`` (e.g. unpaid when the payment window ran out).
    Result {"order_no", "status", "previous_status", "cancelled_on",
    "reason", "advance"}: ``advance`` is what the customer has paid and not
    used, now theirs to claim. Idempotent per call. Raises ``unknown_order``,
    ``already_cancelled``, ``order_closed``, ``order_delivered``,
    ``shipping_pending``, ``red_order``, ``not_this_request``."""
    def cancel() -> SalesOrderCancellation:
        found = order_by_number(order)
        ensure_of_this_request(call, found, kind="order")
        return cancel_order(found, reason=reason, on=parse_date(date), source_key=call.idempotency_key,
                            cancelled_by_id=call.actor_id)

    record = posted_once(SalesOrderCancellation, call.idempotency_key, cancel)
    return {"order_no": record.order.number, "status": record.order.status, "previous_status": record.previous_status,
            "cancelled_on": record.cancelled_on.isoformat(), "reason": record.reason,
            "advance": money_str(customer_advances_total(record.order.customer_id))}
