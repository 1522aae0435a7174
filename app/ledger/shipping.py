"""Shipping notes, outbound stock movements with batches, the shipment ledger."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.credit import require_credit_for_shipment
from app.ledger.dates import parse_date
from app.ledger.delivery_notes import PREPAYMENT, record_settlement, require_prepayment, settlement_of
from app.ledger.journal import Line, next_number, post
from app.ledger.money import exact_qty, money_str, qty_str, round_money
from app.ledger.customers import refreshed_customer
from app.ledger.orders import cancel_order, create_order, line_by_no, order_by_number
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.stock_places import main_warehouse
from app.ledger.sales_facts import count_shipping_note
from app.models import Material, SalesOrder, ShippingLine, ShippingNote, StockMovement, User
from app.actions import ActionCall, BusinessRuleViolation, action


def batch_stock(material_id: int, warehouse_id: int | None = None) -> list[tuple[str, Decimal]]:
    """Batches of a material with saleable stock on hand in a warehouse
    (the main one unless named), oldest first: [(batch, qty)]. Stock in
    transit or lent to a customer is not on hand; quarantined stock (returns
    quality found defective) is never offered to an order."""
    warehouse_id = warehouse_id or main_warehouse().id
    rows = db.session.execute(
        select(StockMovement.batch_no, func.sum(StockMovement.qty), func.min(StockMovement.id))
        .where(StockMovement.material_id == material_id, StockMovement.stock_status == "saleable",
               StockMovement.location == "warehouse", StockMovement.warehouse_id == warehouse_id)
        .group_by(StockMovement.batch_no)
        .order_by(func.min(StockMovement.id))).all()
    return [(batch, total) for batch, total, _ in rows if total is not None and total > 0]


def on_hand(material_id: int, warehouse_id: int | None = None) -> Decimal:
    """Stock on hand of a material in a warehouse (the main one unless named)."""
    return sum((qty for _, qty in batch_stock(material_id, warehouse_id)), Decimal(0))


def receive_opening_stock(material: Material, qty, batch_no: str, on: date_type, source_key: str,
                          warehouse_id: int | None = None) -> StockMovement:
    """Opening stock of a batch at standard cost in a warehouse (the main
    one unless named; flushes); idempotent per ``source_key``. Posts nothing: the opening balance comes from the
    finance system's own take-on."""
    return posted_once(StockMovement, source_key, lambda: _opening_movement(material, qty, batch_no, on, source_key,
                                                                                   warehouse_id))


def _opening_movement(material: Material, qty, batch_no: str, on: date_type, source_key: str,
                      warehouse_id: int | None) -> StockMovement:
    movement = StockMovement(kind="opening", material=material, qty=exact_qty(qty, material.qty_scale),
                             unit_cost=material.standard_cost, batch_no=batch_no, movement_date=on,
                             location="warehouse", warehouse_id=warehouse_id or main_warehouse().id,
                             source_key=source_key, seq=1, created_at=clock.now())
    db.session.add(movement)
    db.session.flush()
    return movement


def pending_qty(order_line_id: int) -> Decimal:
    """Quantity on draft shipping notes, not yet out of the warehouse."""
    value = db.session.scalar(select(func.sum(ShippingLine.qty)).join(ShippingNote).where(
        ShippingLine.order_line_id == order_line_id, ShippingNote.status == "draft"))
    return Decimal(value) if value is not None else Decimal(0)


TRANSPORT_MODES = ("own_truck", "logistics", "courier", "customer_pickup")
ROUTES = ("city", "out_of_town")  # 市内 | 外埠


def delivery_details(transport_mode: str | None, delivery_address: str | None, route: str | None) -> dict:
    """The delivery details of a note, checked; all three or none (a note
    made outside F01). Raises BusinessRuleViolation ``invalid_delivery``
    naming the field."""
    if transport_mode is None and delivery_address is None and route is None:
        return {}
    if transport_mode not in TRANSPORT_MODES:
        raise BusinessRuleViolation("invalid_delivery", f"Transport mode must be one of {', '.join(TRANSPORT_MODES)}.",
                                    field="transport_mode")
    if route not in ROUTES:
        raise BusinessRuleViolation("invalid_delivery", f"Route must be one of {', '.join(ROUTES)}.", field="route")
    address = (delivery_address or "").strip() if isinstance(delivery_address, str) else ""
    if not address or len(address) > 255:
        raise BusinessRuleViolation("invalid_delivery", "The delivery address is required (at most 255 characters).",
                                    field="delivery_address")
    return {"transport_mode": transport_mode, "delivery_address": address, "route": route}


def make_shipping_note(order: SalesOrder, lines: list[dict] | None, *, on: date_type, source_key: str,
                       delivery: dict | None = None) -> ShippingNote:
    """A draft shipping note for ``order`` (flushes): ``lines`` [{"line_no",
    "qty"}], default everything not yet delivered or on another note;
    ``delivery`` as ``delivery_details`` returns it. Raises
    BusinessRuleViolation ``order_not_approved`` (a draft order waits for
    its review), ``order_on_hold``, ``credit_hold`` (second credit check),
    ``red_order``, ``order_cancelled``, ``over_delivery``, ``nothing_to_ship``."""
    if order.kind != "blue":
        raise BusinessRuleViolation("red_order", "A red order is executed by its return, not shipped.")
    if order.status == "cancelled":
        raise BusinessRuleViolation("order_cancelled", f"Order {order.number} was cancelled.")
    if order.status == "draft":
        raise BusinessRuleViolation("order_not_approved", f"Order {order.number} is a draft: its review has not approved it.")
    require_credit_for_shipment(order)
    wanted = []
    if lines:
        for entry in lines:
            line = line_by_no(order, entry["line_no"])
            wanted.append((line, exact_qty(entry["qty"], line.material.qty_scale)))
    else:
        wanted = [(line, line.qty - line.qty_delivered - pending_qty(line.id)) for line in order.lines]
    wanted = [(line, qty) for line, qty in wanted if qty != 0]
    if not wanted:
        raise BusinessRuleViolation("nothing_to_ship", f"Order {order.number} has nothing left to ship.")
    for line, qty in wanted:
        if qty < 0 or qty > line.qty - line.qty_delivered - pending_qty(line.id):
            raise BusinessRuleViolation("over_delivery", f"Line {line.line_no}: {qty} exceeds what is left to ship.",
                                        {"line_no": line.line_no}, field="lines")
    note = ShippingNote(number=next_number(ShippingNote, "SN", on), order=order, customer_id=order.customer_id, ship_date=on,
                        status="draft", source_key=source_key, created_at=clock.now(), **(delivery or {}),
                        lines=[ShippingLine(line_no=i, order_line=line, material_id=line.material_id, qty=qty)
                               for i, (line, qty) in enumerate(wanted, start=1)])
    db.session.add(note)
    db.session.flush()
    return note


def post_outbound_for(note: ShippingNote, *, on: date_type, source_key: str,
                      warehouse_id: int | None = None) -> list[StockMovement]:
    """Post a draft note: take each line's quantity out of the stock of
    ``warehouse_id`` (the main warehouse unless named), oldest batch
    first, at standard cost; add it to the order lines' delivered qty; post
    Dr cost of sales / Cr inventory (flushes). Raises BusinessRuleViolation
    ``already_posted``, ``insufficient_stock``, ``period_closed``,
    ``over_delivery``, ``prepayment_not_received`` (an order paid in
    advance whose money is not in)."""
    if note.status != "draft":
        raise BusinessRuleViolation("already_posted", f"Shipping note {note.number} is already out of the warehouse.")
    journal.ensure_open(on)
    if settlement_of(note.order) == PREPAYMENT:
        require_prepayment(note.order)
    movements, seq, warehouse_id = [], 0, warehouse_id or main_warehouse().id
    for sline in note.lines:
        order_line = sline.order_line
        if order_line.qty_delivered + sline.qty > order_line.qty:
            raise BusinessRuleViolation("over_delivery", f"Line {order_line.line_no} would deliver more than ordered.")
        needed = sline.qty
        for batch, available in batch_stock(sline.material_id, warehouse_id):
            take = min(available, needed)
            if take <= 0:
                break
            seq += 1
            movement = StockMovement(kind="outbound", material_id=sline.material_id, qty=-take,
                                     unit_cost=order_line.material.standard_cost, batch_no=batch, movement_date=on,
                                     location="warehouse", warehouse_id=warehouse_id, shipping_line_id=sline.id,
                                     order_line_id=order_line.id, source_key=source_key, seq=seq, created_at=clock.now())
            db.session.add(movement)  # now, so the next line of the same material sees this batch taken
            movements.append(movement)
            needed -= take
        if needed > 0:
            raise BusinessRuleViolation("insufficient_stock", f"Not enough {order_line.material.code} in stock.",
                                        {"material": order_line.material.code, "missing": str(needed)})
        order_line.qty_delivered = order_line.qty_delivered + sline.qty
    note.status, note.posted_date, note.posted_key = "posted", on, source_key
    db.session.flush()
    order = note.order
    post("shipping_note", note.id, on, [
        line for m in movements for line in (
            Line(journal.COST_OF_SALES, "D", round_money(-m.qty * m.unit_cost), order.customer_id, order.salesperson_id,
                 order.region, m.material.class_id),
            Line(journal.INVENTORY, "C", round_money(-m.qty * m.unit_cost), None, None, None, m.material.class_id))
    ], memo=f"outbound {note.number}")
    count_shipping_note(note)
    return movements


def note_by_number(number: str, field: str = "shipping_note") -> ShippingNote:
    """Raises BusinessRuleViolation ``unknown_shipping_note``."""
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.number == number))
    if note is None:
        raise BusinessRuleViolation("unknown_shipping_note", f"No shipping note is numbered {number!r}.", field=field)
    return note


def _note_result(note: ShippingNote) -> dict:
    return {"shipping_note_no": note.number, "order_no": note.order.number, "status": note.status,
            "transport_mode": note.transport_mode, "delivery_address": note.delivery_address, "route": note.route,
            "lines": [{"line_no": line.line_no, "order_line_no": line.order_line.line_no,
                       "material": line.material.code, "qty": qty_str(line.qty, line.material.qty_scale)} for line in note.lines]}


@action("ledger.create_shipping_note")
def create_shipping_note(call: ActionCall, *, order: str, lines: list | None = None, date: str | None = None,
                         transport_mode: str | None = None, delivery_address: str | None = None,
                         route: str | None = None) -> dict:
    """F01: a draft shipping note for ``order`` (``lines`` [{"line_no",
    "qty"}], default all that is left) with the transport mode, delivery
    address and route (city 市内 / out_of_town 外埠) the billing clerk set.
    Result {"shipping_note_no", "order_no", "status", "transport_mode",
    "delivery_address", "route", "lines"}. Idempotent per call. Raises
    ``order_not_approved``, ``order_on_hold``, ``credit_hold``,
    ``over_delivery``, ``nothing_to_ship``, ``invalid_delivery``, ``not_this_request``."""
    def draft() -> ShippingNote:
        found = order_by_number(order)
        ensure_of_this_request(call, found, kind="order")
        return make_shipping_note(found, lines, on=parse_date(date), source_key=call.idempotency_key,
                                  delivery=delivery_details(transport_mode, delivery_address, route))

    return _note_result(posted_once(ShippingNote, call.idempotency_key, draft))


@action("ledger.record_qc_certificate")
def record_qc_certificate(call: ActionCall, *, shipping_note: str, certificate_no: str, certificate: list | None = None) -> dict:
    """F01 配发质检单: keep the QC certificate (its number and the scanned
    file, ``certificate`` [attachment]) on the draft ``shipping_note``, so it is printed and travels with
    the goods. Posts nothing. Result {"shipping_note_no",
    "qc_certificate_no"}. Raises ``unknown_shipping_note``,
    ``not_this_request``, ``already_posted``, ``invalid_certificate``."""
    note = note_by_number(shipping_note)
    ensure_of_this_request(call, note, kind="shipping note")
    number = certificate_no.strip() if isinstance(certificate_no, str) else ""
    if not number or len(number) > 64:
        raise BusinessRuleViolation("invalid_certificate", "The QC certificate number is required (at most 64 characters).",
                                    field="certificate_no")
    if note.status != "draft":
        raise BusinessRuleViolation("already_posted", f"Shipping note {note.number} has left the warehouse.")
    scan = certificate[0] if isinstance(certificate, list) and certificate and isinstance(certificate[0], dict) else {}
    note.qc_certificate_no = number
    note.qc_certificate_name = str(scan.get("name") or "")[:200] or None
    note.qc_certificate_sha256 = str(scan.get("sha256") or "")[:64] or None
    db.session.flush()
    return {"shipping_note_no": note.number, "qc_certificate_no": note.qc_certificate_no}


@action("ledger.post_outbound")
def post_outbound(call: ActionCall, *, shipping_note: str, date: str | None = None) -> dict:
    """F01: the goods of ``shipping_note`` leave stock (batches FIFO).
    Result {"shipping_note_no", "status", "movements": [{"material",
    "batch_no", "qty"}]}. Idempotent per call. Raises ``already_posted``,
    ``insufficient_stock``, ``period_closed``, ``not_this_request``."""
    def ship() -> ShippingNote:
        note = note_by_number(shipping_note)
        ensure_of_this_request(call, note, kind="shipping note")
        post_outbound_for(note, on=parse_date(date), source_key=call.idempotency_key)
        return note

    # the note was drafted under another key: its outbound is found by the key that posted it
    note = posted_once(ShippingNote, call.idempotency_key, ship, column=ShippingNote.posted_key)
    movements = db.session.scalars(select(StockMovement).where(StockMovement.source_key == note.posted_key)
                                   .order_by(StockMovement.seq))
    return {"shipping_note_no": note.number, "status": note.status,
            "movements": [{"material": m.material.code, "batch_no": m.batch_no, "qty": qty_str(-m.qty, m.material.qty_scale)} for m in movements]}


@action("ledger.register_shipment")
def register_shipment(call: ActionCall, *, shipping_note: str, tracking_number: str | None = None) -> dict:
    """F01/F02: enter a posted note in the shipment ledger (and the courier's
    tracking number). Result {"shipping_note_no", "registered_at"}.
    Idempotent: registering again keeps the first time. Raises
    ``not_shipped``, ``not_this_request``."""
    note = note_by_number(shipping_note)
    ensure_of_this_request(call, note, kind="shipping note")
    if note.status != "posted":
        raise BusinessRuleViolation("not_shipped", f"Shipping note {note.number} has not left the warehouse.")
    if note.registered_at is None:
        note.registered_at = clock.now()
        note.tracking_number = tracking_number
        db.session.flush()
    return {"shipping_note_no": note.number, "registered_at": note.registered_at.isoformat()}


def cancel_unshipped(order: SalesOrder, *, reason: str, source_key: str, actor_id: int | None = None) -> list[ShippingNote]:
    """Cancel an order nothing of which has left the warehouse (flushes):
    its draft shipping notes are voided, then the order is cancelled by a
    cancellation record (``orders.cancel_order``), which releases the credit
    exposure and the contract cap it took. Posts nothing: an order and a
    draft note are commitments, not transactions. Returns the voided notes.
    Raises BusinessRuleViolation ``red_order``, ``already_shipped`` and those
    of ``cancel_order``."""
    if order.kind != "blue":
        raise BusinessRuleViolation("red_order", "A red order is undone by its own reversal, not cancelled.")
    if any(line.qty_delivered != 0 for line in order.lines):
        raise BusinessRuleViolation("already_shipped", f"Goods of order {order.number} have left the warehouse; "
                                                       "take them back with a return.")
    drafts = list(db.session.scalars(select(ShippingNote).where(ShippingNote.order_id == order.id,
                                                                ShippingNote.status == "draft")))
    for note in drafts:
        note.status = "void"
    db.session.flush()
    cancel_order(order, reason=reason, on=journal.today(), source_key=source_key, cancelled_by_id=actor_id)
    return drafts


@action("ledger.cancel_unshipped_order")
def cancel_unshipped_order(call: ActionCall, *, order: str, reason: str | None = None) -> dict:
    """F01/F14: a rejected, held or abandoned order is cancelled before
    anything ships; its draft shipping notes are voided. Result {"order_no",
    "status", "voided_notes"}. Idempotent: a cancelled order stays cancelled.
    Raises ``unknown_order``, ``not_this_request``, ``red_order``, ``already_shipped``, ``order_closed``."""
    found = order_by_number(order)
    ensure_of_this_request(call, found, kind="order")
    voided = [] if found.status == "cancelled" else cancel_unshipped(
        found, reason=reason or "未发货取消（审批退回或放弃）", source_key=call.idempotency_key, actor_id=call.actor_id)
    return {"order_no": found.number, "status": found.status, "voided_notes": [note.number for note in voided]}


def _batch_key(material: str, batch_no: str) -> tuple[str, str]:
    return str(material or "").strip(), str(batch_no or "").strip()


@action("ledger.check_traceability")
def check_traceability(call: ActionCall, *, shipping_note: str, batches: list) -> dict:
    """F01 发货追溯上传: the batches the billing clerk uploaded to the
    traceability platform ([{"material", "batch_no", "qty"}]) must be exactly
    the batches that left the warehouse on ``shipping_note``. Posts nothing.
    Result {"shipping_note_no", "batches"}. Raises ``unknown_shipping_note``,
    ``not_shipped``, ``batch_mismatch`` (with the batches shipped), ``not_this_request``."""
    note = note_by_number(shipping_note)
    ensure_of_this_request(call, note, kind="shipping note")
    if note.status != "posted":
        raise BusinessRuleViolation("not_shipped", f"Shipping note {note.number} has not left the warehouse.")
    shipped: dict[tuple[str, str], Decimal] = {}
    scale: dict[str, int] = {}
    for movement in db.session.scalars(select(StockMovement).where(StockMovement.source_key == note.posted_key)):
        key = (movement.material.code, movement.batch_no)
        shipped[key] = shipped.get(key, Decimal(0)) - movement.qty
        scale[movement.material.code] = movement.material.qty_scale
    reported: dict[tuple[str, str], Decimal] = {}
    for entry in batches or []:
        key = _batch_key(entry.get("material"), entry.get("batch_no"))
        try:
            qty = exact_qty(entry.get("qty"), scale.get(key[0], 4))
        except BusinessRuleViolation:
            qty = None
        reported[key] = reported.get(key, Decimal(0)) + (qty if qty is not None else Decimal("-1"))
    expected = [{"material": m, "batch_no": b, "qty": qty_str(q, scale[m])} for (m, b), q in sorted(shipped.items())]
    if reported != shipped:
        raise BusinessRuleViolation("batch_mismatch", f"The uploaded batches differ from what shipping note "
                                                      f"{note.number} took out of stock.", {"shipped": expected}, field="batches")
    return {"shipping_note_no": note.number, "batches": expected}


@action("ledger.issue_delivery_note")
def issue_delivery_note(call: ActionCall, *, customer: str, delivery_note_no: str, lines: list,
                        price_approved_in: list, date: str | None = None, settlement_terms: str | None = None) -> dict:
    """F14 出货: the customer-confirmed delivery note (交货单) becomes a
    sales order at the agreed unit prices, approved by whoever last approved
    one of the steps ``price_approved_in`` of this instance, and a draft
    shipping note for all of it. ``lines`` [{"material", "qty",
    "unit_price"}] (tax-inclusive). The order names the delivery note as its
    contract and keeps its ``settlement_terms``. Over the credit limit
    nothing is saved; paid in advance (prepayment), nothing is saved until
    the customer's money covers it. Posts nothing (the outbound posts).
    Result {"order_no", "shipping_note_no", "net", "tax", "gross"}.
    Idempotent per call. Raises ``price_not_approved``, ``credit_hold``,
    ``prepayment_not_received``, ``invalid_settlement_terms``,
    ``unknown_customer``, ``unknown_material``, ``invalid_quantity``,
    ``empty_order``."""
    def make_order() -> SalesOrder:
        approver_id = call.approver_of_record(price_approved_in)
        approver = db.session.get(User, approver_id) if approver_id is not None else None
        if approver is None:
            raise BusinessRuleViolation("price_not_approved", "Nobody has approved the prices of this delivery note.")
        priced = [{"material": line.get("material"), "qty": line.get("qty"), "unit_price": line.get("unit_price"),
                   "price_approved_by": approver.username, "tax_inclusive": True} for line in lines or []]
        on = parse_date(date)
        made = create_order(refreshed_customer(customer), priced, on=on, source_key=call.idempotency_key,
                            contract_number=delivery_note_no, created_by_id=call.actor_id)
        if settlement_terms is not None:
            record_settlement(made, settlement_terms)
        if settlement_terms == PREPAYMENT:  # the savepoint of the call rolls the order back
            require_prepayment(made)
        elif made.status == "held":
            raise BusinessRuleViolation("credit_hold", f"Customer {customer} would exceed its credit: {made.hold_reason}.")
        make_shipping_note(made, None, on=on, source_key=f"{call.idempotency_key}:note")
        return made

    order = posted_once(SalesOrder, call.idempotency_key, make_order)
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.order_id == order.id).order_by(ShippingNote.id))
    return {"order_no": order.number, "shipping_note_no": note.number, "net": money_str(order.net),
            "tax": money_str(order.tax), "gross": money_str(order.gross)}
