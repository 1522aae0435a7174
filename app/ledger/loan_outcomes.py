"""What becomes of goods on loan (F17 borrow_to_sale): converted into a
sale, returned through the warehouse and quality, or the loan extended.

Converting makes a draft sales order priced at the conversion date (the
review approves it as any order); the shipping note and the sales outbound
are then back-filled from location "lent" (只走系统补单，实际产品已经发出了):
one −q movement at "lent" of kind "outbound" per batch, so shipped = sales
outbound counts the goods once, and their cost moves from goods lent out
1406 to cost of sales 6401. No second picking from the warehouse."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.dates import parse_date
from app.ledger.journal import Line, post
from app.ledger.money import ZERO, exact_qty, money_str, round_money
from app.ledger.orders import cancel_order, create_order, order_by_number, order_result
from app.ledger.ownership import ensure_of_this_request
from app.ledger.sales_facts import count_shipping_note
from app.ledger.shipping import make_shipping_note
from app.ledger.loan_stock import lent_batches, take_from_lent
from app.ledger.stock_loans import GOODS_LENT_OUT, MAX_LOAN_DAYS, line_of, loan_by_number, loan_result, lose
from app.models import SalesOrder, ShippingNote, StockLoan, StockLoanEvent, StockLoanLine, StockMovement
from app.actions import ActionCall, BusinessRuleViolation, action

QUALITY = {"saleable": "saleable", "defective": "quarantine"}  # quality's verdict → the stock it goes back as


def _event(line, kind, qty, on, source_key, actor_id, **extra) -> None:
    db.session.add(StockLoanEvent(loan_line=line, kind=kind, qty=qty, event_date=on, source_key=source_key,
                                  created_by_id=actor_id, created_at=clock.now(), **extra))


def _close_if_done(loan: StockLoan, on: date_type) -> None:
    if all(line.still_out == 0 for line in loan.lines) and not any(_converted_not_shipped(line) for line in loan.lines):
        loan.status, loan.closed_date = "closed", on


def _converted_not_shipped(line: StockLoanLine) -> Decimal:
    at_lent = sum((qty for _, qty, _ in lent_batches(line)), ZERO)
    return at_lent - line.still_out


def _requested_qty(loan: StockLoan, entries, field: str, key: str = "qty") -> list[tuple[StockLoanLine, Decimal, dict]]:
    """[(line, qty, entry)] for the entries with a positive quantity, each
    line once. Raises ``unknown_line``, ``invalid_quantity``, ``over_loan``, ``nothing_requested``."""
    wanted, seen = [], set()
    for entry in entries or []:
        entry = entry if isinstance(entry, dict) else {}
        line = line_of(loan, entry.get("line_no"), field)
        if line.line_no in seen:
            raise BusinessRuleViolation("unknown_line", f"Line {line.line_no} is named twice.", field=field)
        seen.add(line.line_no)
        qty = exact_qty(entry.get(key) or 0, line.material.qty_scale, field)
        if qty < 0:
            raise BusinessRuleViolation("invalid_quantity", f"Line {line.line_no}: a quantity is not negative.", field=field)
        if qty:
            wanted.append((line, qty, entry))
    if not wanted:
        raise BusinessRuleViolation("nothing_requested", f"No line of loan {loan.number} has a quantity.", field=field)
    return wanted


def _out_with_customer(loan: StockLoan) -> None:
    if loan.status != "delivered":
        raise BusinessRuleViolation("not_delivered", f"Loan {loan.number} is {loan.status}, not with the customer.")


@action("ledger.convert_stock_loan")
def convert_stock_loan(call: ActionCall, *, loan: str, lines: list, date: str | None = None) -> dict:
    """F17 转销售: the requester converts ``lines`` [{"line_no", "qty"}] of
    the delivered ``loan`` into a draft sales order for its customer,
    priced by the matching rules on ``date`` (never a typed price), for its
    review. Raises ``credit_hold`` when the order would be held. Result as
    ``order_result`` plus "loan". Idempotent per call. Raises ``unknown_loan``,
    ``not_this_request``, ``not_delivered``, ``unknown_line``, ``over_loan``,
    ``nothing_requested``, ``no_price``."""
    found = loan_by_number(loan)
    ensure_of_this_request(call, found, kind="stock loan")
    done = db.session.scalar(select(SalesOrder).where(SalesOrder.source_key == call.idempotency_key))
    if done is None:
        _out_with_customer(found)
        wanted = _requested_qty(found, lines, "lines")
        for line, qty, _ in wanted:
            if qty > line.still_out:
                raise BusinessRuleViolation("over_loan", f"Line {line.line_no}: {qty} is more than the {line.still_out} still out.",
                                            {"line_no": line.line_no}, field="lines")
        on = parse_date(date)
        done = create_order(found.customer, [{"material": line.material.code, "qty": qty} for line, qty, _ in wanted], on=on,
                            source_key=call.idempotency_key, created_by_id=call.actor_id, draft=True,
                            contract_number=found.number)
        if done.status == "held":
            raise BusinessRuleViolation("credit_hold", f"Order for loan {found.number} would be held: {done.hold_reason}.")
        for (line, qty, _), order_line in zip(wanted, done.lines):
            line.qty_converted = line.qty_converted + qty
            _event(line, "converted", qty, on, call.idempotency_key, call.actor_id, order_line_id=order_line.id)
        db.session.flush()
    return {**order_result(done), "loan": loan_result(found)}


def _conversions(order: SalesOrder) -> list[tuple[StockLoanEvent, object]]:
    events = db.session.scalars(select(StockLoanEvent).where(
        StockLoanEvent.kind == "converted", StockLoanEvent.order_line_id.in_([line.id for line in order.lines]))).all()
    by_line = {event.order_line_id: event for event in events}
    return [(by_line[line.id], line) for line in order.lines if line.id in by_line]


@action("ledger.unconvert_stock_loan")
def unconvert_stock_loan(call: ActionCall, *, order: str, reason: str | None = None) -> dict:
    """F17: the review rejected the conversion: the draft ``order`` is
    cancelled and its quantities are back on the loan, still out. Result
    as ``loan_result``. Safe to repeat. Raises ``unknown_order``,
    ``not_this_request``, ``not_a_conversion``, those of ``cancel_order``."""
    found = order_by_number(order)
    ensure_of_this_request(call, found, kind="order")
    conversions = _conversions(found)
    if not conversions:
        raise BusinessRuleViolation("not_a_conversion", f"Order {found.number} is no conversion of a loan.", field="order")
    if found.status != "cancelled":
        on = journal.today()
        cancel_order(found, reason=(reason or "转销售审核退回")[:255], on=on, source_key=call.idempotency_key,
                     cancelled_by_id=call.actor_id)
        for event, _ in conversions:
            event.loan_line.qty_converted = event.loan_line.qty_converted - event.qty
            _event(event.loan_line, "unconverted", event.qty, on, call.idempotency_key, call.actor_id,
                   order_line_id=event.order_line_id)
        db.session.flush()
    return loan_result(conversions[0][0].loan_line.loan)


@action("ledger.backfill_loan_outbound")
def backfill_loan_outbound(call: ActionCall, *, order: str, date: str | None = None) -> dict:
    """F17 补单: for the approved conversion ``order``, the shipping note
    and the sales outbound back-filled from location "lent" (the goods left
    with the loan; nothing is picked again): each line −q at "lent", kind
    "outbound", at the cost the goods left at; the order lines delivered;
    Dr cost of sales 6401 / Cr goods lent out 1406. Result {"order_no",
    "shipping_note_no", "cost", "loan"}. Idempotent per call. Raises
    ``unknown_order``, ``not_this_request``, ``not_a_conversion``,
    ``order_not_approved``, ``credit_hold``, ``period_closed``."""
    found = order_by_number(order)
    ensure_of_this_request(call, found, kind="order")
    conversions = _conversions(found)
    if not conversions:
        raise BusinessRuleViolation("not_a_conversion", f"Order {found.number} is no conversion of a loan.", field="order")
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.posted_key == call.idempotency_key))
    if note is None:
        on = parse_date(date)
        journal.ensure_open(on)
        note = make_shipping_note(found, None, on=on, source_key=f"{call.idempotency_key}:note")
        by_order_line = {line.id: event for event, line in conversions}
        postings, seq = [], 0
        for sline in note.lines:
            loan_line = by_order_line[sline.order_line_id].loan_line
            cost = take_from_lent(loan_line, sline.qty, kind="outbound", on=on, source_key=call.idempotency_key, seq=seq,
                                  shipping_line_id=sline.id, order_line_id=sline.order_line_id)
            seq += 100
            sline.order_line.qty_delivered = sline.order_line.qty_delivered + sline.qty
            class_id = sline.material.class_id
            postings += [Line(journal.COST_OF_SALES, "D", cost, found.customer_id, found.salesperson_id, found.region, class_id),
                         Line(GOODS_LENT_OUT, "C", cost, found.customer_id, found.salesperson_id, found.region, class_id)]
        note.status, note.posted_date, note.posted_key = "posted", on, call.idempotency_key
        db.session.flush()
        post("shipping_note", note.id, on, postings, memo=f"outbound back-filled from loan {note.number}")
        count_shipping_note(note)
        _close_if_done(conversions[0][0].loan_line.loan, on)
        db.session.flush()
    cost = sum((round_money(-m.qty * m.unit_cost) for m in db.session.scalars(
        select(StockMovement).where(StockMovement.source_key == call.idempotency_key))), ZERO)
    return {"order_no": found.number, "shipping_note_no": note.number, "cost": money_str(cost),
            "loan": loan_result(conversions[0][0].loan_line.loan)}


@action("ledger.return_stock_loan")
def return_stock_loan(call: ActionCall, *, loan: str, returned: list, inspection: list | None = None,
                      date: str | None = None) -> dict:
    """F17 归还: the warehouse received ``returned`` [{"line_no", "qty",
    "lost_qty", "loss_reason"}] of the delivered ``loan`` and quality judged
    each line (``inspection`` [{"line_no", "quality": saleable | defective}],
    saleable when not named). Returned goods go back to the warehouse, at
    the cost they left at, as saleable or quarantined stock (Dr inventory
    1405 / Cr goods lent out 1406); what the customer lost is written off
    (Dr 6711 / Cr 1406) with its reason. Result as ``loan_result``.
    Idempotent per call. Raises ``unknown_loan``, ``not_this_request``,
    ``not_delivered``, ``unknown_line``, ``invalid_quantity``, ``over_loan``,
    ``nothing_requested``, ``invalid_quality``, ``loss_reason_required``, ``period_closed``."""
    found = loan_by_number(loan)
    ensure_of_this_request(call, found, kind="stock loan")
    if db.session.scalar(select(StockLoanEvent.id).where(StockLoanEvent.source_key == call.idempotency_key).limit(1)):
        return loan_result(found)
    _out_with_customer(found)
    on = parse_date(date)
    journal.ensure_open(on)
    verdicts = {}
    for entry in inspection or []:
        entry = entry if isinstance(entry, dict) else {}
        line = line_of(found, entry.get("line_no"), "inspection")
        if entry.get("quality") not in QUALITY:
            raise BusinessRuleViolation("invalid_quality", f"Line {line.line_no}: quality is saleable or defective.",
                                        field="inspection")
        verdicts[line.line_no] = QUALITY[entry["quality"]]
    wanted = {line.line_no: (line, qty) for line, qty, _ in _requested_qty(found, returned, "returned")} if any(
        isinstance(e, dict) and e.get("qty") for e in returned or []) else {}
    postings, seq = [], 0
    for entry in returned or []:
        entry = entry if isinstance(entry, dict) else {}
        line = line_of(found, entry.get("line_no"), "returned")
        lost = exact_qty(entry.get("lost_qty") or 0, line.material.qty_scale, "returned")
        qty = wanted.get(line.line_no, (line, ZERO))[1]
        if lost < 0 or qty + lost > line.still_out:
            raise BusinessRuleViolation("over_loan", f"Line {line.line_no}: {qty + lost} is more than the {line.still_out} "
                                        f"still out.", {"line_no": line.line_no}, field="returned")
        if qty:
            status = verdicts.get(line.line_no, "saleable")
            cost = take_from_lent(line, qty, kind="loan_return", on=on, source_key=call.idempotency_key, seq=seq, back_as=status)
            seq += 100
            line.qty_returned = line.qty_returned + qty
            _event(line, "returned", qty, on, call.idempotency_key, call.actor_id, stock_status=status)
            loan_ = found
            postings += [Line(journal.INVENTORY, "D", cost, None, None, None, line.material.class_id),
                         Line(GOODS_LENT_OUT, "C", cost, loan_.customer_id, loan_.salesperson_id, loan_.region,
                              line.material.class_id)]
        if lost:
            reason = str(entry.get("loss_reason") or "").strip() or None
            try:
                postings += lose(line, lost, reason=reason, on=on, source_key=call.idempotency_key, actor_id=call.actor_id,
                                 seq=seq)
            except BusinessRuleViolation as problem:
                problem.field = "returned"
                raise
            seq += 100
    if not postings:
        raise BusinessRuleViolation("nothing_requested", f"No line of loan {found.number} is returned or lost.", field="returned")
    _close_if_done(found, on)
    db.session.flush()
    post("stock_loan_return", found.id, on, postings, memo=f"loan return {found.number}")
    return loan_result(found)


@action("ledger.extend_stock_loan")
def extend_stock_loan(call: ActionCall, *, loan: str, new_expected_date: str) -> dict:
    """F17 延期: the requester moves the delivered ``loan``'s expected date
    to ``new_expected_date`` (after the current one, at most MAX_LOAN_DAYS
    after the request). Posts nothing. Result as ``loan_result``.
    Idempotent per call. Raises ``unknown_loan``, ``not_this_request``,
    ``not_delivered``, ``invalid_date``, ``invalid_loan_days``."""
    found = loan_by_number(loan)
    ensure_of_this_request(call, found, kind="stock loan")
    if db.session.scalar(select(StockLoanEvent.id).where(StockLoanEvent.source_key == call.idempotency_key).limit(1)):
        return loan_result(found)
    _out_with_customer(found)
    due = parse_date(new_expected_date or "-", "new_expected_date")
    if due <= max(found.expected_date, journal.today()) or (due - found.request_date).days > MAX_LOAN_DAYS:
        raise BusinessRuleViolation("invalid_loan_days", f"The new date must be after {found.expected_date} and today, and "
                                    f"within {MAX_LOAN_DAYS} days of the request.", field="new_expected_date")
    found.expected_date, found.extensions = due, found.extensions + 1
    for line in found.lines:
        if line.still_out > 0:
            _event(line, "extended", line.still_out, journal.today(), call.idempotency_key, call.actor_id,
                   reason=f"until {due.isoformat()}")
    db.session.flush()
    return loan_result(found)
