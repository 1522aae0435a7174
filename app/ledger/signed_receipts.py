"""Signed receipts with transit loss (签收途损单, NC in seed L100): after
delivery, what the customer signed for, line by line, against a posted
shipping note.

Whose loss: the company's. The seed has the company's own service
department arrange transport and its driver deliver (L358–L359), and NC
invoices after the signed receipt (销售出库单 → 签收途损单 → 销售发票), so
the customer pays for what it signed for. The goods did leave stock (the
outbound stands, so shipped = sales outbound still holds); what changes is
what the loss cost: Dr transit loss / Cr cost of sales at the cost the
outbound posted, and the order line's ``qty_lost`` keeps the lost quantity
from ever being invoiced."""
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.dates import parse_date
from app.ledger.journal import Line, next_number, post
from app.ledger.money import ZERO, exact_qty, money_str, qty_str, round_money
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.shipping import note_by_number
from app.models import ShippingNote, SignedReceipt, SignedReceiptLine, StockMovement
from app.actions import ActionCall, BusinessRuleViolation, action

# 营业外支出 — 运输途损: the company's loss, not a cost of what was sold
TRANSIT_LOSS = "6711"


def _outbound_cost(shipping_line_id: int) -> Decimal:
    """What the outbound of one shipping line posted to cost of sales."""
    movements = db.session.scalars(select(StockMovement).where(
        StockMovement.shipping_line_id == shipping_line_id, StockMovement.kind == "outbound"))
    return sum((round_money(-m.qty * m.unit_cost) for m in movements), ZERO)  # as post_outbound posted it


def _received(note: ShippingNote, lines: list) -> dict[int, tuple[Decimal, str | None]]:
    """{shipping line no: (received qty, loss reason)} checked against the
    note: every line once, 0 ≤ received ≤ shipped, a reason for any loss.
    Raises BusinessRuleViolation ``unknown_line``, ``incomplete_receipt``,
    ``invalid_received_qty``, ``loss_reason_required`` (field ``received``)."""
    by_no = {line.line_no: line for line in note.lines}
    received: dict[int, tuple[Decimal, str | None]] = {}
    for entry in lines or []:
        entry = entry if isinstance(entry, dict) else {}
        try:
            line = by_no[int(entry.get("line_no"))]
        except (TypeError, ValueError, KeyError):
            raise BusinessRuleViolation("unknown_line", f"Shipping note {note.number} has no line {entry.get('line_no')!r}.",
                                        field="received") from None
        if line.line_no in received:
            raise BusinessRuleViolation("unknown_line", f"Line {line.line_no} is signed for twice.", field="received")
        qty = exact_qty(entry.get("received_qty"), line.material.qty_scale)
        if qty < 0 or qty > line.qty:
            raise BusinessRuleViolation("invalid_received_qty", f"Line {line.line_no}: received {qty} is not between 0 and "
                                        f"the {line.qty} shipped.", {"line_no": line.line_no}, field="received")
        reason = str(entry.get("loss_reason") or "").strip()[:255] or None
        if qty < line.qty and reason is None:
            raise BusinessRuleViolation("loss_reason_required", f"Line {line.line_no}: say why {line.qty - qty} was lost.",
                                        {"line_no": line.line_no}, field="received")
        received[line.line_no] = (qty, reason)
    missing = sorted(set(by_no) - set(received))
    if missing:
        raise BusinessRuleViolation("incomplete_receipt", f"Lines {missing} of shipping note {note.number} are not signed for.",
                                    {"lines": missing}, field="received")
    return received


def sign_for(note: ShippingNote, lines: list, *, on, receiver_name: str, receipt: dict | None, source_key: str,
             created_by_id: int | None = None) -> SignedReceipt:
    """Record the customer's signed receipt of the posted ``note`` (flushes):
    a SignedReceipt with a line per note line, each order line's
    ``qty_lost`` raised by its loss, and for any loss Dr transit loss / Cr
    cost of sales at the outbound's cost. Raises BusinessRuleViolation
    ``not_shipped``, ``already_signed``, ``receiver_required``, those of
    ``_received`` and ``period_closed``."""
    if note.status != "posted":
        raise BusinessRuleViolation("not_shipped", f"Shipping note {note.number} has not left the warehouse.")
    if db.session.scalar(select(SignedReceipt.id).where(SignedReceipt.note_id == note.id)) is not None:
        raise BusinessRuleViolation("already_signed", f"Shipping note {note.number} is already signed for.")
    name = receiver_name.strip()[:64] if isinstance(receiver_name, str) else ""
    if not name:
        raise BusinessRuleViolation("receiver_required", "Who signed for the goods?", field="receiver_name")
    received = _received(note, lines)
    order = note.order
    built, postings, total = [], [], ZERO
    for sline in note.lines:
        qty, reason = received[sline.line_no]
        loss = sline.qty - qty
        cost = round_money(_outbound_cost(sline.id) * loss / sline.qty) if loss and sline.qty else ZERO
        total += cost
        built.append(SignedReceiptLine(line_no=sline.line_no, shipping_line_id=sline.id, order_line_id=sline.order_line_id,
                                       material_id=sline.material_id, shipped_qty=sline.qty, received_qty=qty,
                                       loss_qty=loss, loss_cost=cost, loss_reason=reason))
        if loss:
            sline.order_line.qty_lost = sline.order_line.qty_lost + loss
            class_id = sline.material.class_id
            postings += [Line(TRANSIT_LOSS, "D", cost, order.customer_id, order.salesperson_id, order.region, class_id),
                         Line(journal.COST_OF_SALES, "C", cost, order.customer_id, order.salesperson_id, order.region, class_id)]
    scan = receipt if isinstance(receipt, dict) else {}
    signed = SignedReceipt(number=next_number(SignedReceipt, "SR", on), note=note, customer_id=note.customer_id,
                           signed_date=on, receiver_name=name, receipt_name=str(scan.get("name") or "")[:200] or None,
                           receipt_sha256=str(scan.get("sha256") or "")[:64] or None, loss_borne_by="company",
                           loss_cost=total, source_key=source_key, created_by_id=created_by_id, created_at=clock.now(),
                           lines=built)
    db.session.add(signed)
    db.session.flush()
    if postings:
        post("signed_receipt", signed.id, on, postings, memo=f"transit loss {note.number}")
    return signed


def receipt_result(signed: SignedReceipt) -> dict:
    """The JSON the diagram gets for a signed receipt."""
    return {"signed_receipt_no": signed.number, "shipping_note_no": signed.note.number, "loss_cost": money_str(signed.loss_cost),
            "lines": [{"line_no": line.line_no, "material": line.material.code,
                       "qty": qty_str(line.shipped_qty, line.material.qty_scale),
                       "received_qty": qty_str(line.received_qty, line.material.qty_scale),
                       "loss_qty": qty_str(line.loss_qty, line.material.qty_scale), "loss_reason": line.loss_reason}
                      for line in signed.lines]}


@action("ledger.record_signed_receipt")
def record_signed_receipt(call: ActionCall, *, shipping_note: str, received: list, receiver_name: str,
                          date: str | None = None, receipt: list | None = None) -> dict:
    """F01 签收途损单: the quantities the customer signed for on
    ``shipping_note`` (``received`` [{"line_no", "received_qty",
    "loss_reason"}], every line once), who signed (``receiver_name``), on
    ``date``, the scanned receipt ([attachment]). Posts the transit loss
    (the company's). Result {"signed_receipt_no", "shipping_note_no",
    "loss_cost", "lines"}. Idempotent per call. Raises
    ``unknown_shipping_note``, ``not_this_request``, ``not_shipped``,
    ``already_signed``, ``receiver_required``, ``unknown_line``,
    ``incomplete_receipt``, ``invalid_received_qty``,
    ``loss_reason_required``, ``period_closed``."""
    def sign() -> SignedReceipt:
        note = note_by_number(shipping_note)
        ensure_of_this_request(call, note, kind="shipping note")
        scan = receipt[0] if isinstance(receipt, list) and receipt and isinstance(receipt[0], dict) else None
        return sign_for(note, received, on=parse_date(date), receiver_name=receiver_name, receipt=scan,
                        source_key=call.idempotency_key, created_by_id=call.actor_id)

    return receipt_result(posted_once(SignedReceipt, call.idempotency_key, sign))
