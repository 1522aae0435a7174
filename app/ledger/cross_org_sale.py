"""F18 cross_org_sale (跨组织销售): the service-task actions. Organisation A
(the order clerk's) sells; stock organisation B supplies from its warehouse
through a transfer order B signs, either to A's warehouse (transfer out →
transfer in at what arrived → A ships) or straight to the customer. The
month's transfers are settled by ``ledger.prepare_internal_settlement`` and
its siblings (app/ledger/internal_settlement_actions.py)."""
from sqlalchemy import select

from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.customers import refreshed_customer
from app.ledger.dates import parse_date
from app.ledger.internal_pricing import require_sales_org
from app.ledger.money import money_str, qty_str
from app.ledger.org_units import org_of, require_member
from app.ledger.orders import create_order
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.ledger.shipping import make_shipping_note, post_outbound_for
from app.ledger.stock_places import warehouse_by_code
from app.ledger.transfers import (confirm_transfer_in, make_transfer, post_transfer_out, record_direct_transfer,
                                  sign_transfer, transfer_by_number)
from app.models import SalesOrder, ShippingNote, TransferIn, TransferOrder, Warehouse


def _home_warehouse(org_id: int) -> Warehouse | None:
    return db.session.scalar(select(Warehouse).where(Warehouse.org_unit_id == org_id).order_by(Warehouse.id).limit(1))


def transfer_result(transfer: TransferOrder) -> dict:
    """The JSON the diagram gets for a transfer order."""
    transfer_in = db.session.scalar(select(TransferIn).where(TransferIn.transfer_id == transfer.id))
    return {"transfer_no": transfer.number, "order_no": transfer.order.number, "mode": transfer.mode,
            "status": transfer.status, "supplier_org": transfer.from_org.code, "buyer_org": transfer.to_org.code,
            # whose warehouse ships to the customer: the seller's once the goods
            # came over, the supplier's when it ships direct (who takes F18's step)
            "ships_from_org": (transfer.from_org if transfer.mode == "direct" else transfer.to_org).code,
            "from_warehouse": transfer.from_warehouse.code,
            "to_warehouse": transfer.to_warehouse.code if transfer.to_warehouse else None,
            "transfer_in_no": transfer_in.number if transfer_in else None,
            "lines": [{"line_no": line.line_no, "material": line.material.code,
                       "qty": qty_str(line.qty, line.material.qty_scale),
                       "qty_out": qty_str(line.qty_out, line.material.qty_scale),
                       "qty_received": qty_str(line.qty_received, line.material.qty_scale),
                       "qty_lost": qty_str(line.qty_lost, line.material.qty_scale)} for line in transfer.lines]}


def _transfer_of_request(call: ActionCall, number: str) -> TransferOrder:
    transfer = transfer_by_number(number)
    ensure_of_this_request(call, transfer, kind="transfer order")
    return transfer


@action("ledger.create_cross_org_order")
def create_cross_org_order(call: ActionCall, *, customer: str, lines: list, warehouse: str, mode: str = "via_buyer",
                           date: str | None = None) -> dict:
    """F18: organisation A's sales order (A: the organisation of the person
    who starts, a sales organisation) priced as any order, whose lines are
    supplied by the stock organisation owning ``warehouse`` (B), and the
    draft transfer order (调拨订单) for all of it, ``mode`` via_buyer (into
    A's warehouse) or direct (直运). Posts nothing. Result {"order_no",
    "gross", "order_status", "transfer": transfer_result}. Idempotent per
    call. Raises ``not_sales_organisation``, ``unknown_warehouse``,
    ``same_organisation``, ``not_stock_organisation``, ``invalid_mode``,
    ``warehouse_of_another_org`` and those of ``create_order``."""
    def make() -> TransferOrder:
        seller = org_of(call.actor_id)
        require_sales_org(seller, "customer")
        source = warehouse_by_code(warehouse)
        on = parse_date(date)
        order = create_order(refreshed_customer(customer), lines, on=on, source_key=call.idempotency_key,
                             created_by_id=call.actor_id, org_unit_id=seller.id)
        return make_transfer(order, source, _home_warehouse(seller.id), mode, on=on,
                             source_key=f"{call.idempotency_key}:transfer", created_by_id=call.actor_id)

    order = posted_once(SalesOrder, call.idempotency_key, lambda: make().order)
    transfer = db.session.scalar(select(TransferOrder).where(TransferOrder.order_id == order.id))
    return {"order_no": order.number, "gross": money_str(order.gross), "order_status": order.status,
            "transfer": transfer_result(transfer)}


@action("ledger.sign_transfer_order")
def sign_transfer_order(call: ActionCall, *, transfer: str, agreed: bool = True) -> dict:
    """F18 调拨订单签字: B signs (or refuses) the transfer order; the
    signer is the person who completed B's step, who must work for B.
    Posts nothing. Result transfer_result. Raises ``unknown_transfer``,
    ``not_this_request``, ``not_member_of_org``, ``transfer_not_draft``."""
    found = _transfer_of_request(call, transfer)
    if found.status == "draft":
        require_member(call.actor_id, found.from_org)
        sign_transfer(found, signed_by_id=call.actor_id, agreed=bool(agreed))
    return transfer_result(found)


@action("ledger.post_transfer_out")
def post_transfer_out_action(call: ActionCall, *, transfer: str, date: str | None = None) -> dict:
    """F18 调拨出库: B's warehouse sends the goods; A's transfer-in is made
    automatically. Result transfer_result. Idempotent per call. Raises
    ``unknown_transfer``, ``not_this_request``, ``not_member_of_org``,
    ``transfer_not_signed``, ``direct_shipment``, ``insufficient_stock``, ``period_closed``."""
    def send() -> TransferIn:
        found = _transfer_of_request(call, transfer)
        require_member(call.actor_id, found.from_org)
        return post_transfer_out(found, on=parse_date(date), source_key=call.idempotency_key)

    return transfer_result(posted_once(TransferIn, call.idempotency_key, send, column=TransferIn.out_key).transfer)


@action("ledger.confirm_transfer_in")
def confirm_transfer_in_action(call: ActionCall, *, transfer: str, received: list, receiver_name: str,
                               date: str | None = None) -> dict:
    """F18 调拨入库 (实收): A confirms what arrived (``received``
    [{"line_no", "received_qty", "loss_reason"}], every line once, never
    more than was sent); the difference is transit loss, posted in A's
    books. Result transfer_result. Idempotent per call. Raises
    ``unknown_transfer``, ``not_this_request``, ``not_member_of_org``,
    ``not_sent``, ``already_received``, ``receiver_required``,
    ``unknown_line``, ``incomplete_receipt``, ``invalid_received_qty``,
    ``loss_reason_required``, ``period_closed``."""
    def receive() -> TransferIn:
        found = _transfer_of_request(call, transfer)
        require_member(call.actor_id, found.to_org)
        transfer_in = db.session.scalar(select(TransferIn).where(TransferIn.transfer_id == found.id))
        if transfer_in is None:
            raise BusinessRuleViolation("not_sent", f"Transfer {found.number} has not left {found.from_org.code}.")
        return confirm_transfer_in(transfer_in, received, on=parse_date(date), receiver_name=receiver_name,
                                   source_key=call.idempotency_key, confirmed_by_id=call.actor_id)

    return transfer_result(posted_once(TransferIn, call.idempotency_key, receive, column=TransferIn.confirmed_key).transfer)


@action("ledger.ship_cross_org_order")
def ship_cross_org_order(call: ActionCall, *, transfer: str, date: str | None = None,
                         receiver_name: str | None = None) -> dict:
    """F18 销售出库: A's order ships to the customer, from A's warehouse once
    the transfer is received (via_buyer: what arrived), or from B's warehouse straight
    to the customer (direct: the transfer is recorded out and in at what
    shipped). Posts the outbound (Dr cost of sales / Cr inventory). Result
    {"shipping_note_no", "warehouse", "transfer": transfer_result}.
    Idempotent per call. Raises ``unknown_transfer``, ``not_this_request``,
    ``transfer_not_received``, ``transfer_not_signed`` and those of
    ``make_shipping_note`` and ``post_outbound_for``."""
    def ship() -> ShippingNote:
        found = _transfer_of_request(call, transfer)
        on = parse_date(date)
        if found.mode == "via_buyer" and found.status != "received":
            raise BusinessRuleViolation("transfer_not_received", f"Transfer {found.number} has not arrived.")
        source = found.from_warehouse_id if found.mode == "direct" else found.to_warehouse_id
        # via the seller: what arrived ships (a loss stays open on the order); direct: everything
        wanted = None if found.mode == "direct" else [
            {"line_no": line.order_line.line_no, "qty": line.qty_received} for line in found.lines if line.qty_received]
        note = make_shipping_note(found.order, wanted, on=on, source_key=f"{call.idempotency_key}:note")
        post_outbound_for(note, on=on, source_key=call.idempotency_key, warehouse_id=source)
        if found.mode == "direct":
            shipped = {line.order_line_id: line.qty for line in note.lines}
            record_direct_transfer(found, shipped, on=on, source_key=f"{call.idempotency_key}:direct",
                                   receiver_name=str(receiver_name or found.order.customer.name))
        return note

    note = posted_once(ShippingNote, call.idempotency_key, ship, column=ShippingNote.posted_key)
    found = transfer_by_number(transfer)
    used = found.from_warehouse if found.mode == "direct" else found.to_warehouse
    return {"shipping_note_no": note.number, "order_no": note.order.number, "warehouse": used.code,
            "transfer": transfer_result(found)}

