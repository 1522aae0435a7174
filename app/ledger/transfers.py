"""Transfers between the group's organisations (调拨, NC seed L100–104):
organisation A sells, stock organisation B supplies from its warehouse.

Stock: B's transfer-out is −q at "warehouse" (B's warehouse) and +q at
"in_transit" (warehouse_id B's); A's transfer-in, made automatically when
the transfer-out posts and confirmed at what arrived (实收), is −q
"in_transit" and +q at "warehouse" (A's) for the quantity received; the
difference is transit loss, −q "in_transit", whose cost A bears (Dr transit
loss / Cr inventory in A's books). Transfers out = transfers in + transit
loss. A direct shipment (直运) sends the goods from B's warehouse to A's
customer on A's shipping note; its transfer is recorded out and in at the
quantity shipped, without stock passing A, so the month's internal
settlement still prices it. Movements of transfer line n of a posting made
under key k carry the source key "k#n"."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import journal
from app.ledger.journal import Line, next_number, post
from app.ledger.money import ZERO, exact_qty, round_money
from app.ledger.shipping import batch_stock
from app.ledger.signed_receipts import TRANSIT_LOSS
from app.models import (SalesOrder, StockMovement, TransferIn, TransferInLine, TransferOrder, TransferOrderLine,
                        Warehouse)
from app.models.transfer_order import TRANSFER_MODES


def transfer_by_number(number, field: str = "transfer") -> TransferOrder:
    """Raises BusinessRuleViolation ``unknown_transfer``."""
    found = db.session.scalar(select(TransferOrder).where(TransferOrder.number == number)) if isinstance(number, str) else None
    if found is None:
        raise BusinessRuleViolation("unknown_transfer", f"No transfer order is numbered {number!r}.", field=field)
    return found


def make_transfer(order: SalesOrder, from_warehouse: Warehouse, to_warehouse: Warehouse | None, mode: str, *,
                  on: date, source_key: str, created_by_id: int | None = None) -> TransferOrder:
    """A draft transfer order supplying every line of ``order`` (flushes).
    Raises BusinessRuleViolation ``invalid_mode``, ``same_organisation``
    (B must be another organisation than the seller), ``not_stock_organisation``,
    ``warehouse_of_another_org`` (A's receiving warehouse must be A's)."""
    if mode not in TRANSFER_MODES:
        raise BusinessRuleViolation("invalid_mode", f"Mode must be one of {', '.join(TRANSFER_MODES)}.", field="mode")
    supplier = from_warehouse.org_unit
    if supplier.id == order.org_unit_id:
        raise BusinessRuleViolation("same_organisation", "The warehouse belongs to the selling organisation: ship it "
                                    "as an ordinary sale.", field="warehouse")
    if not supplier.is_stock:
        raise BusinessRuleViolation("not_stock_organisation", f"{supplier.code} keeps no stock.", field="warehouse")
    if mode == "via_buyer" and (to_warehouse is None or to_warehouse.org_unit_id != order.org_unit_id):
        raise BusinessRuleViolation("warehouse_of_another_org", "The goods are received into a warehouse of the "
                                    "selling organisation.", field="to_warehouse")
    transfer = TransferOrder(
        number=next_number(TransferOrder, "TO", on), order=order, from_org_id=supplier.id, to_org_id=order.org_unit_id,
        from_warehouse_id=from_warehouse.id, to_warehouse_id=to_warehouse.id if mode == "via_buyer" else None,
        mode=mode, status="draft", order_date=on, source_key=source_key, created_by_id=created_by_id,
        created_at=clock.now(),
        lines=[TransferOrderLine(line_no=line.line_no, order_line_id=line.id, material_id=line.material_id, qty=line.qty,
                                 qty_out=ZERO, qty_received=ZERO, qty_lost=ZERO) for line in order.lines])
    db.session.add(transfer)
    db.session.flush()
    return transfer


def sign_transfer(transfer: TransferOrder, *, signed_by_id: int, agreed: bool) -> TransferOrder:
    """B signs the transfer order (签字) or refuses it (flushes; posts
    nothing). Raises BusinessRuleViolation ``transfer_not_draft``."""
    if transfer.status != "draft":
        raise BusinessRuleViolation("transfer_not_draft", f"Transfer {transfer.number} is {transfer.status}.")
    transfer.status = "signed" if agreed else "refused"
    transfer.signed_by_id, transfer.signed_at = signed_by_id, clock.now()
    db.session.flush()
    return transfer


def _move(kind: str, line: TransferOrderLine, qty: Decimal, unit_cost: Decimal, batch: str, location: str,
          warehouse_id: int, on: date, key: str, seq: int) -> StockMovement:
    movement = StockMovement(kind=kind, material_id=line.material_id, qty=qty, unit_cost=unit_cost, batch_no=batch,
                             movement_date=on, location=location, warehouse_id=warehouse_id,
                             source_key=f"{key}#{line.line_no}", seq=seq, created_at=clock.now())
    db.session.add(movement)
    return movement


def post_transfer_out(transfer: TransferOrder, *, on: date, source_key: str) -> TransferIn:
    """B's transfer-out (调拨出库): every line leaves B's warehouse, oldest
    batch first at standard cost, and goes in transit; A's transfer-in is
    made at once as a draft at the quantities sent (flushes). Posts no
    entry: the goods stay the group's inventory. Raises BusinessRuleViolation
    ``transfer_not_signed``, ``direct_shipment`` (a direct transfer leaves
    on A's shipping note), ``insufficient_stock``, ``period_closed``."""
    if transfer.mode == "direct":
        raise BusinessRuleViolation("direct_shipment", f"Transfer {transfer.number} ships straight to the customer.")
    if transfer.status != "signed":
        raise BusinessRuleViolation("transfer_not_signed", f"Transfer {transfer.number} is {transfer.status}, not signed.")
    journal.ensure_open(on)
    in_lines = []
    for line in transfer.lines:
        needed, seq = line.qty, 0
        for batch, available in batch_stock(line.material_id, transfer.from_warehouse_id):
            take = min(available, needed)
            if take <= 0:
                break
            cost = line.material.standard_cost
            _move("transfer_out", line, -take, cost, batch, "warehouse", transfer.from_warehouse_id, on, source_key, seq + 1)
            _move("transfer_out", line, take, cost, batch, "in_transit", transfer.from_warehouse_id, on, source_key, seq + 2)
            seq += 2
            needed -= take
        if needed > 0:
            raise BusinessRuleViolation("insufficient_stock", f"Not enough {line.material.code} in "
                                        f"{transfer.from_warehouse.code}.", {"material": line.material.code,
                                                                            "missing": str(needed)})
        line.qty_out = line.qty
        in_lines.append(TransferInLine(line_no=line.line_no, transfer_line_id=line.id, material_id=line.material_id,
                                       sent_qty=line.qty))
    transfer.status = "out"
    transfer_in = TransferIn(number=next_number(TransferIn, "TI", on), transfer_id=transfer.id, out_date=on,
                             out_key=source_key, status="draft", created_at=clock.now(), lines=in_lines)
    db.session.add(transfer_in)
    db.session.flush()
    return transfer_in


def _received(transfer_in: TransferIn, received: list) -> dict[int, tuple[Decimal, str | None]]:
    """{line no: (received qty, loss reason)}: every line once, 0 ≤ received
    ≤ sent, a reason for any loss. Raises BusinessRuleViolation
    ``unknown_line``, ``incomplete_receipt``, ``invalid_received_qty``
    (receiving more than was sent), ``loss_reason_required``."""
    by_no = {line.line_no: line for line in transfer_in.lines}
    found: dict[int, tuple[Decimal, str | None]] = {}
    for entry in received or []:
        entry = entry if isinstance(entry, dict) else {}
        try:
            line = by_no[int(entry.get("line_no"))]
        except (TypeError, ValueError, KeyError):
            raise BusinessRuleViolation("unknown_line", f"No line {entry.get('line_no')!r} was sent.", field="received") from None
        if line.line_no in found:
            raise BusinessRuleViolation("unknown_line", f"Line {line.line_no} is received twice.", field="received")
        qty = exact_qty(entry.get("received_qty"), line.material.qty_scale, "received")
        if qty < 0 or qty > line.sent_qty:
            raise BusinessRuleViolation("invalid_received_qty", f"Line {line.line_no}: received {qty} is not between 0 and "
                                        f"the {line.sent_qty} sent.", {"line_no": line.line_no}, field="received")
        reason = str(entry.get("loss_reason") or "").strip()[:255] or None
        if qty < line.sent_qty and reason is None:
            raise BusinessRuleViolation("loss_reason_required", f"Line {line.line_no}: say why {line.sent_qty - qty} "
                                        "was lost.", {"line_no": line.line_no}, field="received")
        found[line.line_no] = (qty, reason)
    missing = sorted(set(by_no) - set(found))
    if missing:
        raise BusinessRuleViolation("incomplete_receipt", f"Lines {missing} are not received.", {"lines": missing},
                                    field="received")
    return found


def _in_transit(key: str, line_no: int) -> list[tuple[str, Decimal, Decimal]]:
    """[(batch, qty still in transit, unit cost)] of one transfer line."""
    rows = db.session.execute(select(StockMovement.batch_no, func.sum(StockMovement.qty), func.min(StockMovement.unit_cost),
                                     func.min(StockMovement.id))
                              .where(StockMovement.source_key == f"{key}#{line_no}", StockMovement.location == "in_transit")
                              .group_by(StockMovement.batch_no).order_by(func.min(StockMovement.id)))
    return [(batch, qty, cost) for batch, qty, cost, _ in rows if qty and qty > 0]


def confirm_transfer_in(transfer_in: TransferIn, received: list, *, on: date, receiver_name: str, source_key: str,
                        confirmed_by_id: int | None) -> TransferIn:
    """A confirms its transfer-in at what arrived (flushes): per line the
    received quantity leaves transit into A's warehouse (same batches, same
    cost, oldest first) and the rest is transit loss, −q in transit and
    Dr transit loss / Cr inventory at standard cost in A's books. Raises
    BusinessRuleViolation ``already_received``, ``receiver_required``,
    those of ``_received`` and ``period_closed``."""
    if transfer_in.status != "draft":
        raise BusinessRuleViolation("already_received", f"Transfer-in {transfer_in.number} is already confirmed.")
    name = receiver_name.strip()[:64] if isinstance(receiver_name, str) else ""
    if not name:
        raise BusinessRuleViolation("receiver_required", "Who received the goods?", field="receiver_name")
    found = _received(transfer_in, received)
    journal.ensure_open(on)
    transfer = transfer_in.transfer
    postings = []
    for in_line in transfer_in.lines:
        line, (qty, reason) = in_line.transfer_line, found[in_line.line_no]
        to_receive, seq = qty, 100
        for batch, in_transit, cost in _in_transit(transfer_in.out_key, line.line_no):
            take = min(in_transit, to_receive)
            lose = in_transit - take
            if take > 0:
                _move("transfer_in", line, -take, cost, batch, "in_transit", transfer.from_warehouse_id, on, source_key, seq + 1)
                _move("transfer_in", line, take, cost, batch, "warehouse", transfer.to_warehouse_id, on, source_key, seq + 2)
                seq += 2
            if lose > 0:
                seq += 1
                _move("transit_loss", line, -lose, cost, batch, "in_transit", transfer.from_warehouse_id, on, source_key, seq)
                amount = round_money(lose * cost)
                class_id = line.material.class_id
                postings += [Line(TRANSIT_LOSS, "D", amount, None, None, None, class_id, org_unit_id=transfer.to_org_id),
                             Line(journal.INVENTORY, "C", amount, None, None, None, class_id, org_unit_id=transfer.to_org_id)]
            to_receive -= take
        in_line.received_qty, in_line.loss_qty, in_line.loss_reason = qty, in_line.sent_qty - qty, reason
        line.qty_received, line.qty_lost = line.qty_received + qty, line.qty_lost + (in_line.sent_qty - qty)
    transfer_in.status, transfer_in.received_date, transfer_in.receiver_name = "confirmed", on, name
    transfer_in.confirmed_by_id, transfer_in.confirmed_key = confirmed_by_id, source_key
    transfer.status = "received"
    db.session.flush()
    if postings:
        post("transfer_in", transfer_in.id, on, postings, memo=f"transit loss {transfer.number}")
    return transfer_in


def record_direct_transfer(transfer: TransferOrder, shipped: dict[int, Decimal], *, on: date, source_key: str,
                           receiver_name: str) -> TransferIn:
    """A direct shipment left B's warehouse on A's shipping note: the
    transfer is recorded out and in at the quantities shipped per order
    line (``shipped`` {order line id: qty}), without stock movements of its
    own (flushes). Raises BusinessRuleViolation ``transfer_not_signed``."""
    if transfer.status != "signed":
        raise BusinessRuleViolation("transfer_not_signed", f"Transfer {transfer.number} is {transfer.status}, not signed.")
    in_lines = []
    for line in transfer.lines:
        qty = shipped.get(line.order_line_id, ZERO)
        line.qty_out, line.qty_received = qty, qty
        in_lines.append(TransferInLine(line_no=line.line_no, transfer_line_id=line.id, material_id=line.material_id,
                                       sent_qty=qty, received_qty=qty, loss_qty=ZERO))
    transfer.status = "received"
    transfer_in = TransferIn(number=next_number(TransferIn, "TI", on), transfer_id=transfer.id, out_date=on,
                             out_key=source_key, status="confirmed", received_date=on, receiver_name=receiver_name[:64],
                             confirmed_key=source_key, created_at=clock.now(), lines=in_lines)
    db.session.add(transfer_in)
    db.session.flush()
    return transfer_in
