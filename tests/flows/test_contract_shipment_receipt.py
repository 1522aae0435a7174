"""F01 contract_shipment after the goods leave: the signed receipt with
transit loss (签收途损单, seed L100) through the real diagram, what it
posts and what it keeps from being invoiced. The printable shipping note
is tested with the pages (tests/web/test_shipping_note_print.py)."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger.balances import line_open_qty
from app.ledger.invoicing import invoiceable_qty
from app.models import InstanceStatus, LedgerEntry, SignedReceipt, StockMovement
from app.services.attachments import save_bytes
from tests.support.contract_shipment import (REP, _notes, _orders, approve_contract, deliver, make_note, make_order, pick,
                                           upload)
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.ledger_harness import all_invariants_hold


def _to_delivery(sales, instance):
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    make_note(sales, instance)
    sales.approve(instance, "Task_ShippingNoteReview", "sales_admin")
    sales.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 2})
    certificate = save_bytes("qc.pdf", "application/pdf", b"%PDF-1.4 quality certificate")
    sales.complete(instance, "Task_AttachQCCertificate", "order_clerk",
                   {"certificate_no": "QC-2612-031", "qc_certificate": certificate})
    assert sales.task(instance, "Task_PickGoods").candidate_role == "order_clerk"  # 彭云 with the driver (seed L9)
    pick(sales, instance)


def test_transit_loss_is_the_companys_and_is_never_invoiced(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)  # MTR001 × 2, PRT001 × 3
    _to_delivery(sales, instance)
    deliver(sales, instance, [{"line_no": 1, "received_qty": 2}, {"line_no": 2, "received_qty": 2, "loss_reason": "运输破损"}])
    from app.services.task_view import shown_items

    shown = {item.key: item for item in shown_items(sales.task(instance, "Task_RegisterShipment"))}
    receipt = shown["receipt_result"].document  # the ledger's document, read back for the order clerk
    assert receipt["facts"]["receiver_name"] == "王强" and [Decimal(line["loss_qty"]) for line in receipt["lines"]] == [0, 1]
    sales.complete(instance, "Task_RegisterShipment", "order_clerk", {"waybill_no": "YD-0098123"})
    upload(sales, instance)
    assert instance.status is InstanceStatus.completed
    [signed] = db.session.scalars(select(SignedReceipt)).all()
    assert signed.receiver_name == "王强" and signed.loss_borne_by == "company" and signed.receipt_name == "receipt.jpg"
    assert [(line.shipped_qty, line.received_qty, line.loss_qty, line.loss_reason) for line in signed.lines] == [
        (Decimal(2), Decimal(2), Decimal(0), None), (Decimal(3), Decimal(2), Decimal(1), "运输破损")]
    # the goods did leave stock: the outbound stands, shipped = sales outbound
    assert sum(-m.qty for m in db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound"))) == 5
    [order] = _orders()
    mtr, prt = order.lines
    assert (prt.qty_delivered, prt.qty_lost, invoiceable_qty(prt)) == (Decimal(3), Decimal(1), Decimal(2))
    assert invoiceable_qty(mtr) == Decimal(2)
    assert line_open_qty(prt) == Decimal(2)  # the credit exposure counts what will be invoiced, not the loss
    # its cost moves from cost of sales to transit loss, at the cost the outbound posted
    unit_cost = db.session.scalar(select(StockMovement.unit_cost).where(StockMovement.order_line_id == prt.id))
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == "signed_receipt",
                                                           LedgerEntry.source_id == signed.id)).all()
    assert sorted((e.account, e.debit, e.credit) for e in entries) == [
        ("6401", Decimal("0.00"), unit_cost.quantize(Decimal("0.01"))), ("6711", unit_cost.quantize(Decimal("0.01")), Decimal("0.00"))]
    assert signed.loss_cost == unit_cost.quantize(Decimal("0.01")) and instance.data["receipt_result"]["loss_cost"] == str(signed.loss_cost)
    assert all_invariants_hold()


def test_a_receipt_the_ledger_refuses_goes_back_to_the_driver(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    _to_delivery(sales, instance)
    deliver(sales, instance, [{"line_no": 1, "received_qty": 2}, {"line_no": 2, "received_qty": 4}])  # more than shipped
    assert instance.data["receipt_result"]["error"]["code"] == "invalid_received_qty"
    assert sales.ready_elements(instance) == ["Task_DeliverGoods"]
    deliver(sales, instance, [{"line_no": 1, "received_qty": 2}, {"line_no": 2, "received_qty": 1}])  # a loss, no reason
    assert instance.data["receipt_result"]["error"]["code"] == "loss_reason_required"
    deliver(sales, instance, [{"line_no": 1, "received_qty": 2}])  # a line left out
    assert instance.data["receipt_result"]["error"]["code"] == "incomplete_receipt"
    assert db.session.scalars(select(SignedReceipt)).all() == [] and all_invariants_hold()
    deliver(sales, instance)
    assert sales.ready_elements(instance) == ["Task_RegisterShipment"]
    [signed] = db.session.scalars(select(SignedReceipt)).all()
    assert signed.loss_cost == Decimal("0.00")
    assert db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == "signed_receipt")).all() == []
    assert all_invariants_hold()
