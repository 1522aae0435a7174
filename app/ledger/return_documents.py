"""F03's return document (退货单, seed section 3 and L110–L114): quality's
re-inspection, the return authorised after the approvals with the prices the
customer agreed to, its receipt into stock with the quantities that actually
arrived, and the replacement of an exchange.

Goods come back into stock only when the warehouse receives them, and only
what arrived: the red order, red outbound and red invoices are posted at
receipt (``ledger.receive_return``), for the received quantities, at the
agreed prices. Goods quality found defective come back as quarantined stock,
which FIFO allocation never offers to an order."""
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.dates import parse_date
from app.ledger.journal import next_number
from app.ledger.money import exact_qty, money_str, qty_str
from app.ledger.orders import create_order, line_by_no, order_by_number
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.returns import plan_return, post_return_for, return_figures
from app.ledger.shipping import make_shipping_note
from app.models import (ReturnInspection, ReturnReceipt, SalesOrder, SalesOrderLine, SalesReturn, SalesReturnLine,
                        ShippingNote, User)
from app.models.sales_return import DISPOSITIONS, INSPECTION_RESULTS, RESPONSIBILITIES

KINDS = ("return", "exchange")
PRICE_AGREED_VIA = ("phone", "letter", "signed_form", "email", "wechat")
# whose approval of an exchange stands behind the replacement's price
EXCHANGE_APPROVERS = ("Task_GMReview", "Task_DirectorApproval")


def _refuse(code: str, message: str, field: str):
    # the field also travels in the result, so the person the flow sends it to sees which input is at fault
    raise BusinessRuleViolation(code, message, {"field": field}, field=field)


def _one_of(value, allowed: tuple, code: str, field: str) -> str:
    if value not in allowed:
        _refuse(code, f"{field} must be one of {', '.join(allowed)}, not {value!r}.", field)
    return value


def return_by_number(number: str) -> SalesReturn:
    """Raises BusinessRuleViolation ``unknown_sales_return``."""
    found = db.session.scalar(select(SalesReturn).where(SalesReturn.number == number)) if number else None
    if found is None:
        _refuse("unknown_sales_return", f"No return is numbered {number!r}.", "sales_return")
    return found


def received_lines(document: SalesReturn) -> list[tuple[SalesOrderLine, Decimal]]:
    """What actually came back on ``document``: [(original line, qty)].
    Raises BusinessRuleViolation ``not_received``."""
    receipt = db.session.scalar(select(ReturnReceipt).where(ReturnReceipt.return_id == document.id))
    if receipt is None:
        raise BusinessRuleViolation("not_received", f"The goods of return {document.number} have not been received.")
    return [(line.original_line, -line.qty) for line in receipt.red_order.lines]


@action("ledger.record_inspection")
def record_inspection(call: ActionCall, *, order: str, inspection_result: str, defect_cause: str, responsibility: str,
                      disposition: str, inspection_note: str | None = None, date: str | None = None) -> dict:
    """F03 质量部复验: quality's findings on the goods of ``order`` — the
    result (qualified/defective), its cause, who is responsible and what
    becomes of the goods (restock/quarantine), by the person who completed
    the inspection. Defective goods are never restocked. Result
    {"inspection_no", "result", "cause", "responsibility", "disposition"}.
    Idempotent per call. Raises ``unknown_order``, ``not_this_request``,
    ``unknown_inspection_result``, ``missing_cause``,
    ``unknown_responsibility``, ``unknown_disposition``,
    ``defective_goods_restocked``, ``invalid_date``."""
    def inspect() -> ReturnInspection:
        found = order_by_number(order)
        ensure_of_this_request(call, found, kind="order", requested=True)
        result = _one_of(inspection_result, INSPECTION_RESULTS, "unknown_inspection_result", "inspection_result")
        cause = (defect_cause or "").strip()
        if not cause:
            _refuse("missing_cause", "The inspection must name the cause of the return.", "defect_cause")
        who = _one_of(responsibility, RESPONSIBILITIES, "unknown_responsibility", "responsibility")
        goods = _one_of(disposition, DISPOSITIONS, "unknown_disposition", "disposition")
        if result == "defective" and goods == "restock":
            _refuse("defective_goods_restocked", "Goods found defective cannot go back into saleable stock: quarantine them.",
                    "disposition")
        on = parse_date(date)
        row = ReturnInspection(number=next_number(ReturnInspection, "QI", on), order=found, result=result, cause=cause[:255],
                               responsibility=who, disposition=goods, note=(inspection_note or "").strip()[:1000] or None,
                               inspection_date=on, inspected_by_id=call.actor_id, source_key=call.idempotency_key,
                               created_at=clock.now())
        db.session.add(row)
        db.session.flush()
        return row

    row = posted_once(ReturnInspection, call.idempotency_key, inspect)
    return {"inspection_no": row.number, "result": row.result, "cause": row.cause, "responsibility": row.responsibility,
            "disposition": row.disposition}


def _latest_inspection(call: ActionCall, order: SalesOrder) -> ReturnInspection:
    """The last inspection this request recorded for ``order`` (a re-inspection after a revision replaces the earlier one)."""
    found = db.session.scalar(select(ReturnInspection).where(
        ReturnInspection.order_id == order.id, ReturnInspection.source_key.startswith(f"{call.instance_id}:", autoescape=True))
        .order_by(ReturnInspection.id.desc()).limit(1))
    if found is None:
        raise BusinessRuleViolation("not_inspected", f"Quality has not re-inspected the goods of order {order.number}.")
    return found


def _return_result(document: SalesReturn) -> dict:
    return {"return_no": document.number, "order_no": document.order.number, "kind": document.kind,
            "disposition": document.disposition, "inspection_no": document.inspection.number,
            "price_agreed_via": document.price_agreed_via, "price_agreed_on": document.price_agreed_on.isoformat(),
            "lines": [{"line_no": line.original_line.line_no, "material": line.original_line.material.code,
                       "qty": qty_str(line.qty, line.original_line.material.qty_scale), "unit_price": str(line.unit_price)}
                      for line in document.lines]}


@action("ledger.register_return")
def register_return(call: ActionCall, *, order: str, lines: list, kind: str, price_agreed_via: str | None = None,
                    price_agreed_on: str | None = None, reason: str | None = None, date: str | None = None) -> dict:
    """F03 销售部系统减帐: authorise the approved return or exchange of
    ``order`` — its ``lines`` [{"line_no", "qty", optional "unit_price"}]
    checked again (no more than delivered less returned, no price above the
    original), how and when the customer agreed to those prices (seed
    L112), and the disposition of this request's latest inspection. Posts
    nothing to stock or the accounts: that waits for the goods
    (``ledger.receive_return``). Result {"return_no", "order_no", "kind",
    "disposition", "inspection_no", "price_agreed_via", "price_agreed_on",
    "lines"}. Idempotent per call. Raises ``unknown_order``,
    ``not_this_request``, ``invalid_kind``, ``not_inspected``,
    ``price_not_agreed``, ``missing_date``, ``invalid_date``, and what
    ``plan_return`` raises."""
    def register() -> SalesReturn:
        found = order_by_number(order)
        ensure_of_this_request(call, found, kind="order", requested=True)
        _one_of(kind, KINDS, "invalid_kind", "kind")
        via = _one_of(price_agreed_via, PRICE_AGREED_VIA, "price_not_agreed", "price_agreed_via")
        if not price_agreed_on:
            _refuse("missing_date", "The day the customer agreed to the return prices is required.", "price_agreed_on")
        agreed_on = parse_date(price_agreed_on, "price_agreed_on")
        inspection = _latest_inspection(call, found)
        on = parse_date(date)
        plan = plan_return(found, lines)
        document = SalesReturn(number=next_number(SalesReturn, "RT", on), kind=kind, order=found, customer_id=found.customer_id,
                               inspection=inspection, disposition=inspection.disposition, reason=(reason or "")[:255] or None,
                               price_agreed_via=via, price_agreed_on=agreed_on, return_date=on,
                               authorized_by_id=call.approver_of_record(EXCHANGE_APPROVERS), source_key=call.idempotency_key,
                               created_at=clock.now(),
                               lines=[SalesReturnLine(line_no=number, original_line=original, qty=qty, unit_price=price)
                                      for number, (original, qty, price) in enumerate(plan, start=1)])
        db.session.add(document)
        db.session.flush()
        return document

    return _return_result(posted_once(SalesReturn, call.idempotency_key, register))


def _received(document: SalesReturn, entries: list) -> list[dict]:
    """The received quantities as return lines for ``post_return_for``, each
    no more than authorised. Raises ``unknown_line``, ``invalid_quantity``,
    ``over_received``, ``nothing_received``."""
    authorized = {line.original_line.line_no: line for line in document.lines}
    wanted: dict[int, Decimal] = {}
    for entry in entries or []:
        line = authorized.get(int(entry.get("line_no") or 0))
        if line is None:
            _refuse("unknown_line", f"Return {document.number} has no line {entry.get('line_no')!r}.", "received_lines")
        qty = exact_qty(entry.get("qty"), line.original_line.material.qty_scale)
        if qty < 0:
            _refuse("invalid_quantity", f"Line {line.original_line.line_no}: a received quantity is not negative.", "received_lines")
        number = line.original_line.line_no
        wanted[number] = wanted.get(number, Decimal(0)) + qty
        if wanted[number] > line.qty:
            _refuse("over_received", f"Line {number}: {wanted[number]} received, but only {line.qty} was authorised.",
                    "received_lines")
    taken = [{"line_no": number, "qty": qty, "unit_price": authorized[number].unit_price}
             for number, qty in wanted.items() if qty > 0]
    if not taken:
        _refuse("nothing_received", "Nothing was received: record the quantities that arrived.", "received_lines")
    return taken


@action("ledger.receive_return")
def receive_return(call: ActionCall, *, sales_return: str, received_lines: list, date: str | None = None,
                   condition_note: str | None = None) -> dict:
    """F03 执行(仓库): the warehouse received the goods of ``sales_return``
    (``received_lines`` [{"line_no", "qty"}], the quantities that actually
    arrived, each no more than authorised). Posts the red order for them at
    the agreed prices, the red outbound into the batches they left from (as
    quarantined stock when quality found them defective) and, for what was
    invoiced, red invoices whose red receivables offset the originals.
    Result: ``return_figures`` and {"return_no", "stock_status",
    "received_lines"}. Idempotent per call. Raises ``unknown_sales_return``,
    ``not_this_request``, ``already_received``, ``unknown_line``,
    ``invalid_quantity``, ``over_received``, ``nothing_received``,
    ``period_closed``, and what ``post_return_for`` raises."""
    def receive() -> ReturnReceipt:
        document = return_by_number(sales_return)
        ensure_of_this_request(call, document, kind="return")
        if db.session.scalar(select(ReturnReceipt.id).where(ReturnReceipt.return_id == document.id)) is not None:
            raise BusinessRuleViolation("already_received", f"The goods of return {document.number} were already received.")
        on = parse_date(date)
        status = "quarantine" if document.disposition == "quarantine" else "saleable"
        red = post_return_for(document.order, _received(document, received_lines), on=on, source_key=call.idempotency_key,
                              reason=document.reason, stock_status=status)
        receipt = ReturnReceipt(sales_return=document, red_order=red, stock_status=status, received_on=on,
                                condition_note=(condition_note or "").strip()[:1000] or None, received_by_id=call.actor_id,
                                source_key=call.idempotency_key, created_at=clock.now())
        db.session.add(receipt)
        db.session.flush()
        return receipt

    receipt = posted_once(ReturnReceipt, call.idempotency_key, receive)
    red = receipt.red_order
    return {**return_figures(red, call.idempotency_key), "return_no": receipt.sales_return.number,
            "stock_status": receipt.stock_status,
            "received_lines": [{"line_no": line.original_line.line_no, "material": line.material.code,
                          "qty": qty_str(-line.qty, line.material.qty_scale)} for line in red.lines]}


def replacement_lines(taken: list[tuple[SalesOrderLine, Decimal]], approver: User) -> list[dict]:
    """Order lines replacing ``taken`` [(original line, qty)] at the original
    lines' prices (an exchange swaps goods; it is not a new sale at today's
    price list), the exchange's approver standing behind the price."""
    return [{"material": line.material.code, "qty": qty, "unit_price": line.unit_price, "tax_inclusive": line.tax_inclusive,
             "price_approved_by": approver.username} for line, qty in taken]


@action("ledger.create_replacement")
def create_replacement(call: ActionCall, *, order: str | None = None, lines: list | None = None, date: str | None = None,
                       sales_return: str | None = None) -> dict:
    """F03 exchange (换货 = a return plus a new order, LEDGER.md): a new blue
    order for the same materials and the quantities that came back on
    ``sales_return`` (its receipt), or the returned ``lines``
    [{"line_no", "qty"}] of ``order``, priced at the original lines' unit
    prices (not today's price list) under the approval of whoever approved
    the exchange, and its draft shipping note for the warehouse. Result
    {"order_no", "gross", "shipping_note_no"}. Idempotent per call. Raises
    ``unknown_order``, ``unknown_line``, ``unknown_sales_return``,
    ``not_received``, ``price_not_approved``, ``credit_hold`` (the
    replacement would be held: nothing is saved), ``order_on_hold``,
    ``not_this_request``."""
    def replace() -> SalesOrder:
        if sales_return:
            document = return_by_number(sales_return)
            ensure_of_this_request(call, document, kind="return")
            original, taken = document.order, received_lines(document)
        else:
            original = order_by_number(order)
            ensure_of_this_request(call, original, kind="order", requested=True)
            taken = [(line_by_no(original, entry["line_no"]), entry["qty"]) for entry in lines or []]
        approver_id = call.approver_of_record(EXCHANGE_APPROVERS)
        approver = db.session.get(User, approver_id) if approver_id is not None else None
        if approver is None:
            raise BusinessRuleViolation("price_not_approved", "Nobody has approved this exchange, so nobody stands behind "
                                                              "the replacement's price.")
        on = parse_date(date)
        made = create_order(original.customer, replacement_lines(taken, approver), on=on,
                            source_key=call.idempotency_key, contract_number=original.contract_number, created_by_id=call.actor_id)
        if made.status == "held":
            raise BusinessRuleViolation("credit_hold", f"The replacement order would be held: {made.hold_reason}.")
        make_shipping_note(made, None, on=on, source_key=f"{call.idempotency_key}#note")
        return made

    replacement = posted_once(SalesOrder, call.idempotency_key, replace)
    # its note was made in the same write, under the derived key
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.source_key == f"{call.idempotency_key}#note"))
    return {"order_no": replacement.number, "gross": money_str(replacement.gross), "shipping_note_no": note.number}
