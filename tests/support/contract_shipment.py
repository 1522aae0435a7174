"""The steps of F01 contract_shipment as people take them, shared by its
flow tests, the month of business and the task pages' tests: the contract
a representative submits, each step's form data, and what a shipment
leaves in the ledger."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Contract, LedgerEntry, SalesOrder, ShippingNote, StockMovement
from app.services.attachments import save_bytes
from tests.support.ledger_harness import all_invariants_hold

DEALER = "浙江泵阀总经销有限公司"  # 华东, credit limit 800,000
MAIL = "江西设备维修服务部"  # 华东 mail-order customer, credit limit 0: every order is held
REP = "rep_east1"
# the delivery note's terms (交货单, seed L353) the order clerk sets on the order
TERMS = {"delivery_place": "杭州市滨江区江南大道 88 号", "delivery_date": "2026-12-03",
         "acceptance_terms": "到货三日内按质检单验收", "settlement_terms": "银行转账，货到30天付款"}


@pytest.fixture
def contract(customer_code):
    scan = save_bytes("contract.pdf", "application/pdf", b"%PDF-1.4 signed contract")

    def build(customer=DEALER, lines=(("MTR001", 2), ("PRT001", 3)), **extra):
        return {"customer": customer_code(customer), "contract_no": "HT-2026-118", "contract_amount": 100000.0,
                "payment_days": 30, "price_terms": "执行公司标准价", "payment_terms": "货到30天付款",
                "valid_from": "2026-11-01", "valid_to": "2027-11-01",
                "lines": [{"material": m, "qty": q} for m, q in lines], "contract_file": scan, **extra}

    return build


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


FLOW_CONTRACT = ~Contract.number.like("HT-DEMO-%")  # the demo data's own contracts are not this flow's


def _orders():
    return list(db.session.scalars(select(SalesOrder).order_by(SalesOrder.id)))


def _notes():
    return list(db.session.scalars(select(ShippingNote).order_by(ShippingNote.id)))


def approve_contract(sales, instance, *, gm=False):
    sales.approve(instance, "Task_ContractReview", "sales_admin")
    sales.approve(instance, "Task_DirectorApproval", "director")
    if gm:
        sales.approve(instance, "Task_GMApproval", "gm")


def make_order(sales, instance):
    sales.complete(instance, "Task_MakeOrder", "order_clerk", {"order_date": "2026-12-01", **TERMS})


def make_note(sales, instance):
    sales.complete(instance, "Task_MakeShippingNote", "billing_clerk", {
        "ship_date": "2026-12-02", "transport_mode": "own_truck", "route": "out_of_town",
        "delivery_address": "杭州市滨江区江南大道 88 号"})


def pick(sales, instance):
    sales.complete(instance, "Task_PickGoods", "order_clerk", {"picked_date": "2026-12-02"})


def upload(sales, instance, batches=None):
    shipped = instance.data["outbound_result"]["movements"]
    batches = batches or [{"material": m["material"], "batch_no": m["batch_no"], "qty": int(m["qty"])} for m in shipped]
    sales.complete(instance, "Task_UploadTraceability", "billing_clerk",
                   {"platform_reference": "ZS-20261203-0007", "batches": batches})


def received_in_full(instance) -> list[dict]:
    """The signed receipt's lines when every line arrived whole."""
    return [{"line_no": line["line_no"], "received_qty": float(line["qty"])} for line in instance.data["note_result"]["lines"]]


def deliver(sales, instance, received=None):
    receipt = save_bytes("receipt.jpg", "image/jpeg", b"\xff\xd8\xff signed receipt")
    sales.complete(instance, "Task_DeliverGoods", "driver",
                   {"delivered_date": "2026-12-03", "receiver_name": "王强", "delivery_receipt": receipt,
                    "received": received if received is not None else received_in_full(instance)})


def deliver_and_register(sales, instance):
    deliver(sales, instance)
    sales.complete(instance, "Task_RegisterShipment", "order_clerk", {"waybill_no": "YD-0098123"})


def ship_after_order_review(sales, instance):
    """From the approved order to the end: note, reviews, print, QC, pick, deliver, ledger, traceability."""
    make_note(sales, instance)
    assert sales.task(instance, "Task_ShippingNoteReview").approval_stage == "shipping_note"
    sales.approve(instance, "Task_ShippingNoteReview", "sales_admin")  # a third stage: allowed
    sales.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 3})
    certificate = save_bytes("qc.pdf", "application/pdf", b"%PDF-1.4 quality certificate")
    sales.complete(instance, "Task_AttachQCCertificate", "order_clerk",
                   {"certificate_no": "QC-2612-031", "qc_certificate": certificate})
    pick(sales, instance)
    deliver_and_register(sales, instance)
    upload(sales, instance)


def assert_shipped(instance, lines):
    """The order delivered in full, its note posted from the oldest batches,
    cost of sales posted at standard cost, the shipment registered."""
    [note] = [n for n in _notes() if n.status == "posted"]
    assert note.registered_at is not None and note.tracking_number == "YD-0098123"
    moves = list(db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound").order_by(StockMovement.seq)))
    assert [(m.material.code, m.batch_no, -m.qty) for m in moves] == [
        (code, f"B2512-{code}", Decimal(qty)) for code, qty in lines]
    cost = sum((-m.qty * m.unit_cost).quantize(Decimal("0.01")) for m in moves)
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == "shipping_note")).all()
    assert len(entries) == 2 * len(lines)
    assert sum(e.debit for e in entries) == sum(e.credit for e in entries) == cost
    assert instance.data["trace_result"]["batches"] == [
        {"material": code, "batch_no": f"B2512-{code}", "qty": str(qty)} for code, qty in sorted(lines)]
    assert all_invariants_hold()
