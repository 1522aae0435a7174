"""F14 shipment_approval after the goods leave: the customer signs for what
arrived, line by line, and a transit loss is recorded with its reason
(签收途损单, seed L100), as in F01 — posted, and kept from being invoiced."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger.invoicing import invoiceable_qty
from app.models import InstanceStatus, LedgerEntry, SalesOrder, SignedReceipt, StockMovement
from app.services.attachments import save_bytes
from tests.flows.test_shipment_approval import issue, to_confirmation, upload_fax
from tests.support.api_client import DEMO_PASSWORD, PREFIX, error_of
from tests.support.ledger_harness import all_invariants_hold
from tests.support.shipment_approval import request_for, signed_for  # noqa: F401  request_for is a fixture


def _to_signing(sales, request_for, lines=None):
    from tests.support.shipment_approval import delivery_note

    instance = to_confirmation(sales, request_for, note=delivery_note(lines) if lines else None)
    upload_fax(sales, instance)
    issue(sales, instance)
    sales.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})
    sales.complete(instance, "Task_NotifyBranchAndCustomer", "shipping_clerk",
                   {"customer_notice_channel": "phone", "branch_notified": True})
    assert sales.ready_elements(instance) == ["Task_CustomerSigns"]
    return instance


def _proof():
    return save_bytes("pod.jpg", "image/jpeg", b"\xff\xd8\xff signed proof of delivery")


def test_a_transit_loss_is_recorded_posted_and_never_invoiced(sales, request_for):
    instance = _to_signing(sales, request_for)  # MTR001 × 2 at 950.00
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(
        instance, _proof(), [{"line_no": 1, "received_qty": 1, "loss_reason": "运输途中跌落损坏"}]))
    assert instance.status is InstanceStatus.completed
    [signed] = db.session.scalars(select(SignedReceipt)).all()
    assert signed.receiver_name == "王强" and signed.receipt_name == "pod.jpg"
    assert [(line.shipped_qty, line.received_qty, line.loss_qty, line.loss_reason) for line in signed.lines] == [
        (Decimal(2), Decimal(1), Decimal(1), "运输途中跌落损坏")]
    assert instance.data["receipt_result"]["signed_receipt_no"] == signed.number
    [line] = db.session.scalar(select(SalesOrder)).lines
    assert (line.qty_delivered, line.qty_lost, invoiceable_qty(line)) == (Decimal(2), Decimal(1), Decimal(1))
    # the goods left stock; the lost unit's cost moves from cost of sales to transit loss
    unit_cost = db.session.scalar(select(StockMovement.unit_cost).where(StockMovement.order_line_id == line.id))
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == "signed_receipt",
                                                           LedgerEntry.source_id == signed.id)).all()
    cost = unit_cost.quantize(Decimal("0.01"))
    assert sorted((e.account, e.debit, e.credit) for e in entries) == [
        ("6401", Decimal("0.00"), cost), ("6711", cost, Decimal("0.00"))]
    assert all_invariants_hold()


def test_a_receipt_in_full_posts_no_loss(sales, request_for):
    instance = _to_signing(sales, request_for)
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(instance, _proof()))
    [signed] = db.session.scalars(select(SignedReceipt)).all()
    assert signed.loss_cost == Decimal("0.00") and [line.loss_qty for line in signed.lines] == [Decimal(0)]
    [line] = db.session.scalar(select(SalesOrder)).lines
    assert invoiceable_qty(line) == Decimal(2) and instance.status is InstanceStatus.completed
    assert all_invariants_hold()


def test_a_receipt_the_ledger_refuses_goes_back_to_the_driver(sales, request_for):
    instance = _to_signing(sales, request_for)
    for received, code in (([{"line_no": 1, "received_qty": 3}], "invalid_received_qty"),  # more than shipped
                           ([{"line_no": 1, "received_qty": 1}], "loss_reason_required"),
                           ([{"line_no": 2, "received_qty": 1}], "unknown_line")):
        sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(instance, _proof(), received))
        assert instance.data["receipt_result"]["error"]["code"] == code
        assert sales.ready_elements(instance) == ["Task_CustomerSigns"]
    assert db.session.scalars(select(SignedReceipt)).all() == [] and all_invariants_hold()
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(instance, _proof()))
    assert instance.status is InstanceStatus.completed and len(db.session.scalars(select(SignedReceipt)).all()) == 1


def test_a_customer_who_collects_signs_on_site_and_no_transit_receipt_is_made(sales, request_for):
    from tests.support.shipment_approval import delivery_note

    instance = to_confirmation(sales, request_for, note=delivery_note(transport="customer_pickup"))
    upload_fax(sales, instance)
    issue(sales, instance)
    sales.complete(instance, "Task_CustomerCollects", "shipping_clerk", {
        "picked_up_date": "2026-12-03", "signed_by": "王强", "signed_date": "2026-12-03",
        "proof_of_delivery": save_bytes("collected.pdf", "application/pdf", b"%PDF-1.4 collected")})
    assert "Task_CustomerSigns" not in sales.ready_elements(instance)
    assert db.session.scalars(select(SignedReceipt)).all() == []


@pytest.mark.parametrize("field, forged", [
    ("receipt_result", {"ok": True, "signed_receipt_no": "SR-FAKE"}),  # claim the ledger recorded it
    ("issue_result", {"shipping_note_no": "SN-OTHER", "ok": True}),   # steer the receipt onto another note
])
def test_the_driver_cannot_forge_what_the_ledger_answers(sales, request_for, client, field, forged):
    instance = _to_signing(sales, request_for)
    token = client.post(PREFIX + "/auth/token", json={"username": "driver", "password": DEMO_PASSWORD}).get_json()["token"]
    task = sales.task(instance, "Task_CustomerSigns")
    data = {**signed_for(instance, _proof()), field: forged}
    response = client.post(f"{PREFIX}/tasks/{task.id}/complete", json={"data": data},
                           headers={"Authorization": f"Bearer {token}"})
    error = error_of(response, 422, "validation_failed")
    assert field in error["details"]["fields"]
    db.session.expire_all()
    assert sales.ready_elements(instance) == ["Task_CustomerSigns"]
    assert db.session.scalars(select(SignedReceipt)).all() == []
