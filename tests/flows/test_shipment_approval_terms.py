"""F14 shipment_approval, the rules seed 2.2 adds to the happy path: which
customers the flow is for, the specification checked against the material,
credit checked before the director decides, prepayment and cash on
delivery enforced, the customer who collects and signs on site, and the
service department's shipping clerk."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.errors import Forbidden
from app.extensions import db
from app.models import Invoice, InstanceStatus, OrderSettlement, SalesOrder, ShippingNote, StockMovement
from app.services.attachments import save_bytes
from tests.support.ledger_harness import all_invariants_hold, receipts_and_customers_reconcile
from tests.support.shipment_approval import (  # noqa: F401  request_for is a fixture
    CONTRACT_DEALER, DEALER, MAIL, REP, STOCK, D, delivery_note, request_for, signed_for,
)


def _orders():
    return list(db.session.scalars(select(SalesOrder).order_by(SalesOrder.id)))


def _submit(sales, request_for, customer=DEALER, note=None):
    instance = sales.start("shipment_approval", request_for(customer), REP)
    sales.complete(instance, "Task_FillDeliveryNote", REP, note or delivery_note())
    return instance


def _approve_and_confirm(sales, instance):
    sales.complete(instance, "Task_StockArrangement", "dispatcher", STOCK)
    sales.approve(instance, "Task_DirectorApproval", "director")
    fax = save_bytes("signed-fax.pdf", "application/pdf", b"%PDF-1.4 signed delivery note")
    sales.complete(instance, "Task_UploadSignedFax", REP, {"signed_fax": fax, "confirmed_by": "王强", "confirmed_date": "2026-12-02"})


def _issue(sales, instance):
    sales.complete(instance, "Task_IssueShipment", "shipping_clerk",
                   {"ship_date": "2026-12-03", "carrier": "公司车队", "vehicle_plate": "苏A·12345"})


def _deliver_by_driver(sales, instance):
    sales.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})
    sales.complete(instance, "Task_NotifyBranchAndCustomer", "shipping_clerk", {"customer_notice_channel": "phone", "branch_notified": True})
    proof = save_bytes("pod.jpg", "image/jpeg", b"\xff\xd8\xff signed proof of delivery")
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(instance, proof))


def _sent_back_with(sales, instance, code):
    """The note went back to the representative with the reason; nobody else has a task and nothing was saved."""
    assert sales.ready_elements(instance) == ["Task_FillDeliveryNote"]
    assert instance.data["note_check"]["ok"] is False and instance.data["note_check"]["error"]["code"] == code
    assert _orders() == []
    return instance.data["note_check"]["error"]


# --- which orders go through F14 ---------------------------------------------------------------------------

def test_a_customer_with_a_long_term_contract_is_sent_to_contract_shipment(sales, request_for):
    instance = _submit(sales, request_for, customer=CONTRACT_DEALER)
    error = _sent_back_with(sales, instance, "contract_customer_use_contract_shipment")
    assert error["field"] == "customer" and error["contract"].startswith("HT-DEMO-") and "contract_shipment" in error["message"]
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note())  # submitting again changes nothing
    _sent_back_with(sales, instance, "contract_customer_use_contract_shipment")
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(action="withdraw"))
    assert instance.status is InstanceStatus.completed and _orders() == []


def test_once_the_contract_is_closed_the_customer_orders_through_shipment_approval(sales, act, request_for):
    from app.models import Contract

    contract = db.session.scalar(select(Contract).join(Contract.customer).where(Contract.customer.has(name=CONTRACT_DEALER)))
    act("ledger.close_contract", contract=contract.number, reason="合同终止", date="2026-11-30")
    instance = _submit(sales, request_for, customer=CONTRACT_DEALER)
    assert instance.data["note_check"]["ok"] is True
    assert sales.ready_elements(instance) == ["Task_StockArrangement"]


# --- the specification must be the material's --------------------------------------------------------------

def test_a_spec_that_is_not_the_materials_is_refused_naming_the_line(sales, request_for):
    lines = [("PRT001", "108-16", 1, 80.0), ("MTR001", "YE3-90S-2 1.5kW", 2, 950.0)]  # MTR001 is the 1.1 kW motor
    instance = _submit(sales, request_for, note=delivery_note(lines=lines))
    error = _sent_back_with(sales, instance, "spec_mismatch")
    assert error["field"] == "lines[1].spec" and error["expected"] == "YE3-80M2-2 1.1kW"
    fixed = [("PRT001", "108-16", 1, 80.0), ("MTR001", "YE3-80M2-2 1.1kW", 2, 950.0)]
    sales.complete(instance, "Task_FillDeliveryNote", REP, delivery_note(lines=fixed))
    assert sales.ready_elements(instance) == ["Task_StockArrangement"]


# --- credit before the director ----------------------------------------------------------------------------

def test_over_credit_is_refused_before_the_director_sees_the_note(sales, request_for):
    instance = _submit(sales, request_for, customer=MAIL)  # a mail-order customer: credit limit 0
    error = _sent_back_with(sales, instance, "credit_hold")
    assert error["credit_limit"] == "0.00" and error["gross"] == "1900.00"
    assert "Task_DirectorApproval" not in sales.ready_elements(instance)


def test_within_credit_the_director_sees_the_position_the_check_found(sales, request_for):
    instance = _submit(sales, request_for)
    assert instance.data["note_check"] == {"ok": True, "gross": "1900.00", "exposure": "0.00",
                                           "credit_limit": "300000.00", "prepayment": False}
    assert sales.ready_elements(instance) == ["Task_StockArrangement"]


# --- prepayment (款到发货) ------------------------------------------------------------------------------------

def test_prepayment_ships_only_once_the_money_is_in_the_ledger(sales, act, request_for, customer_code):
    instance = _submit(sales, request_for, customer=MAIL, note=delivery_note(settlement="prepayment"))
    assert instance.data["note_check"]["prepayment"] is True  # paid first: no credit needed
    _approve_and_confirm(sales, instance)
    _issue(sales, instance)
    assert instance.data["issue_result"]["error"]["code"] == "prepayment_not_received"
    assert instance.data["issue_result"]["error"]["shortfall"] == "1900.00"
    assert _orders() == [] and sales.ready_elements(instance) == ["Task_ResolveIssueProblem"]
    act("ledger.record_receipt", customer=customer_code(MAIL), amount="1000.00", bank_reference="B-1")
    sales.complete(instance, "Task_ResolveIssueProblem", "shipping_clerk", {"action": "retry", "resolution_note": "已收部分款"})
    _issue(sales, instance)
    assert instance.data["issue_result"]["error"]["shortfall"] == "900.00" and _orders() == []
    act("ledger.record_receipt", customer=customer_code(MAIL), amount="900.00", bank_reference="B-2")
    sales.complete(instance, "Task_ResolveIssueProblem", "shipping_clerk", {"action": "retry", "resolution_note": "款已到齐"})
    _issue(sales, instance)
    [order] = _orders()
    assert order.status == "approved" and order.gross == D("1900.00")
    assert db.session.scalar(select(OrderSettlement.terms).where(OrderSettlement.order_id == order.id)) == "prepayment"
    _deliver_by_driver(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert all_invariants_hold() and receipts_and_customers_reconcile()


def test_a_prepaid_order_whose_money_went_elsewhere_does_not_leave_the_warehouse(sales, act, request_for, customer_code):
    """Between issue and pickup the customer's advance is used by another order: the outbound refuses."""
    instance = _submit(sales, request_for, customer=MAIL, note=delivery_note(settlement="prepayment"))
    act("ledger.record_receipt", customer=customer_code(MAIL), amount="1900.00", bank_reference="B-1")
    _approve_and_confirm(sales, instance)
    _issue(sales, instance)
    other = act("ledger.create_sales_order", customer=customer_code(MAIL), lines=[{"material": "PRT001", "qty": 20}])
    assert other["status"] == "held"  # the same money cannot cover both
    act("ledger.set_credit", customer=customer_code(MAIL), credit_limit="5000", reason="临时额度")
    act("ledger.release_prepaid_order", order=other["order_no"])
    sales.complete(instance, "Task_PickUp", "driver", {"picked_up_date": "2026-12-03"})
    assert instance.data["outbound_result"]["error"]["code"] == "prepayment_not_received"
    assert db.session.scalar(select(ShippingNote.status).where(ShippingNote.number == instance.data["issue_result"]["shipping_note_no"])) == "draft"
    assert sales.ready_elements(instance) == ["Task_ResolvePickupProblem"]
    assert all_invariants_hold()


# --- cash on delivery (货到付款) ------------------------------------------------------------------------------

@pytest.mark.parametrize("settlement, due", [("cash_on_delivery", date(2026, 12, 3)), ("monthly_30", None)])
def test_cash_on_delivery_falls_due_the_day_the_goods_left(sales, act, request_for, customer_code, settlement, due):
    instance = _submit(sales, request_for, note=delivery_note(settlement=settlement))
    _approve_and_confirm(sales, instance)
    _issue(sales, instance)
    _deliver_by_driver(sales, instance)
    [order] = _orders()
    invoice = act("ledger.issue_invoice", order=order.number, date="2026-12-10")
    expected = due or date(2026, 12, 10) + timedelta(days=order.customer.payment_days)  # the customer's 45 days
    assert date.fromisoformat(invoice["due_date"]) == expected
    assert db.session.scalar(select(Invoice.due_date).where(Invoice.number == invoice["invoice_no"])) == expected
    assert all_invariants_hold()


# --- the customer collects and signs on site ---------------------------------------------------------------

def test_a_customer_who_collects_signs_on_site_and_the_driver_is_skipped(sales, request_for):
    instance = _submit(sales, request_for, note=delivery_note(transport="customer_pickup"))
    _approve_and_confirm(sales, instance)
    _issue(sales, instance)
    collect = sales.task(instance, "Task_CustomerCollects")
    assert collect.candidate_role == "shipping_clerk" and sales.ready_elements(instance) == ["Task_CustomerCollects"]
    receipt = save_bytes("collected.pdf", "application/pdf", b"%PDF-1.4 signed at the warehouse")
    sales.complete(instance, "Task_CustomerCollects", "shipping_clerk",
                   {"picked_up_date": "2026-12-04", "signed_by": "王强", "signed_date": "2026-12-04", "proof_of_delivery": receipt})
    note = db.session.scalar(select(ShippingNote))
    assert note.status == "posted" and note.posted_date == date(2026, 12, 4)
    assert sales.ready_elements(instance) == ["Task_NotifyBranchAndCustomer"]
    sales.complete(instance, "Task_NotifyBranchAndCustomer", "shipping_clerk", {"customer_notice_channel": "sms", "branch_notified": True})
    assert instance.status is InstanceStatus.completed
    from app.models import HumanTask

    done = [t.element_id for t in db.session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))]
    assert "Task_PickUp" not in done and "Task_CustomerSigns" not in done
    assert sum(-m.qty for m in db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound"))) == 2
    assert all_invariants_hold()


# --- the service department's shipping clerk ---------------------------------------------------------------

def test_only_the_service_departments_shipping_clerk_issues_the_shipment(sales, request_for):
    instance = _submit(sales, request_for)
    _approve_and_confirm(sales, instance)
    task = sales.task(instance, "Task_IssueShipment")
    assert task.candidate_role == "shipping_clerk"
    assert sales.user("shipping_clerk").manager.username == "service_mgr"
    with pytest.raises(Forbidden):
        sales.complete(instance, "Task_IssueShipment", "billing_clerk",
                       {"ship_date": "2026-12-03", "carrier": "公司车队", "vehicle_plate": "苏A·12345"})
    assert sales.ready_elements(instance) == ["Task_IssueShipment"] and _orders() == []
