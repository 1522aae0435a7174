"""F18 cross_org_sale with the real diagram: HQ sells what the factory FAC
supplies, through HQ's warehouse (received whole, or with a transit loss)
or straight to the customer; every branch — review rejected and revised or
withdrawn, the supplier refusing, each ledger refusal back to its step —
with the ledger's invariants after every posting, and the attacks: a
keeper of HQ signing or sending FAC's transfer, receiving more than was
sent, a forged result at a step."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.ledger.invoicing import invoiceable_qty
from app.ledger.org_units import org_by_code
from app.models import InstanceStatus, SalesOrder, TransferOrder
from tests.support.cross_org_flow import KEEPER, SIGNER, order, receive, send, ship, sign, signed_for, to_signing
from tests.support.ledger_harness import all_invariants_hold


def _transfer():
    return db.session.scalar(select(TransferOrder))


def _deliver(sales, instance, qty, reason=None):
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(qty, reason))


def test_via_the_seller_received_whole_shipped_signed_and_invoiceable(sales, customer_code, act):
    instance = to_signing(sales, customer_code)
    sign(sales, instance)
    assert _transfer().status == "signed" and all_invariants_hold()
    send(sales, instance)
    assert _transfer().status == "out" and all_invariants_hold()
    receive(sales, instance, 10)
    assert instance.data["receive_result"]["lines"][0]["qty_lost"] == "0" and all_invariants_hold()
    ship(sales, instance)
    assert instance.data["ship_result"]["warehouse"] == "MAIN" and all_invariants_hold()
    _deliver(sales, instance, 10)
    assert instance.status is InstanceStatus.completed and all_invariants_hold()
    [line] = db.session.scalar(select(SalesOrder)).lines
    assert invoiceable_qty(line) == Decimal(10)
    invoice = act("ledger.issue_invoice", order=instance.data["order_result"]["order_no"], date="2026-12-07")
    assert Decimal(invoice["gross"]) > 0 and all_invariants_hold()


def test_a_transit_loss_between_organisations_and_one_at_the_customer(sales, customer_code):
    instance = to_signing(sales, customer_code)
    sign(sales, instance)
    send(sales, instance)
    receive(sales, instance, 9, "运输途中损坏一台")
    assert instance.data["receive_result"]["lines"][0]["qty_lost"] == "1" and all_invariants_hold()
    ship(sales, instance)
    _deliver(sales, instance, 8, "客户处开箱破损")
    assert instance.status is InstanceStatus.completed and all_invariants_hold()
    [line] = db.session.scalar(select(SalesOrder)).lines
    assert (line.qty_delivered, invoiceable_qty(line)) == (Decimal(9), Decimal(8))


def test_direct_shipment_from_the_supplier_to_the_customer(sales, customer_code):
    instance = to_signing(sales, customer_code, mode="direct")
    sign(sales, instance)
    assert sales.ready_elements(instance) == ["Task_ShipToCustomer"]
    assert sales.task(instance, "Task_ShipToCustomer").candidate_org_id == org_by_code("FAC").id
    ship(sales, instance, who=SIGNER)  # direct: the supplier's warehouse ships, so its keeper does
    assert instance.data["ship_result"]["warehouse"] == "FAC1" and _transfer().status == "received"
    assert all_invariants_hold()
    _deliver(sales, instance, 10)
    assert instance.status is InstanceStatus.completed and all_invariants_hold()


def test_the_supplier_refuses_the_transfer(sales, customer_code):
    instance = to_signing(sales, customer_code)
    sign(sales, instance, decision="refuse")
    assert instance.status is InstanceStatus.completed and _transfer().status == "refused"
    assert all_invariants_hold()


def test_rejected_revised_resubmitted_or_withdrawn(sales, customer_code):
    instance = sales.start("cross_org_sale", order(customer_code), "order_clerk")
    sales.reject(instance, "Task_ReviewOrder", "sales_admin", "数量请核实")
    sales.complete(instance, "Task_ReviseOrder", "order_clerk", {"revise_action": "resubmit", "lines": [
        {"material": "MTR001", "qty": 5}]})
    sales.approve(instance, "Task_ReviewOrder", "sales_admin")
    assert instance.data["order_result"]["transfer"]["lines"][0]["qty"] == "5"
    other = sales.start("cross_org_sale", order(customer_code), "order_clerk")
    sales.reject(other, "Task_ReviewOrder", "sales_admin", "不需要")
    sales.complete(other, "Task_ReviseOrder", "order_clerk", {"revise_action": "withdraw"})
    assert other.status is InstanceStatus.completed and len(db.session.scalars(select(SalesOrder)).all()) == 1


def test_an_order_the_ledger_refuses_goes_back_to_the_requester(sales, customer_code):
    instance = sales.start("cross_org_sale", {**order(customer_code), "warehouse": "MAIN"}, "order_clerk")
    sales.approve(instance, "Task_ReviewOrder", "sales_admin")  # HQ's own warehouse: not across organisations
    assert instance.data["order_result"]["error"]["code"] == "same_organisation"
    assert sales.ready_elements(instance) == ["Task_ReviseOrder"]
    sales.complete(instance, "Task_ReviseOrder", "order_clerk", {"revise_action": "resubmit", "warehouse": "FAC1"})
    sales.approve(instance, "Task_ReviewOrder", "sales_admin")
    assert sales.ready_elements(instance) == ["Task_SignTransfer"]


def test_a_keeper_of_the_seller_cannot_sign_or_send_the_suppliers_transfer(sales, customer_code):
    # HQ's keeper holds the warehouse role, but does not work for FAC: the
    # supplier's steps are not offered to him (role_scope), and the ledger
    # would refuse him anyway (require_member)
    instance = to_signing(sales, customer_code)
    with pytest.raises(Forbidden):
        sign(sales, instance, who=KEEPER)
    assert sales.ready_elements(instance) == ["Task_SignTransfer"] and _transfer().status == "draft"
    sign(sales, instance)
    with pytest.raises(Forbidden):
        send(sales, instance, who=KEEPER)
    assert sales.ready_elements(instance) == ["Task_SendTransfer"] and _transfer().status == "signed"
    send(sales, instance)
    with pytest.raises(Forbidden):
        receive(sales, instance, 10, who="fac_keeper")  # the supplier cannot confirm the seller's receipt
    assert sales.ready_elements(instance) == ["Task_ReceiveTransfer"] and all_invariants_hold()


def test_receiving_more_than_was_sent_or_a_loss_without_reason_is_refused(sales, customer_code):
    instance = to_signing(sales, customer_code)
    sign(sales, instance)
    send(sales, instance)
    for qty, code in ((11, "invalid_received_qty"), (9, "loss_reason_required")):
        receive(sales, instance, qty)
        assert instance.data["receive_result"]["error"]["code"] == code
        assert sales.ready_elements(instance) == ["Task_ReceiveTransfer"] and _transfer().status == "out"
    receive(sales, instance, 10)
    ship(sales, instance)
    _deliver(sales, instance, 11)  # more than shipped: back to the driver
    assert instance.data["receipt_result"]["error"]["code"] == "invalid_received_qty"
    assert sales.ready_elements(instance) == ["Task_CustomerSigns"]
    _deliver(sales, instance, 10)
    assert instance.status is InstanceStatus.completed and all_invariants_hold()


def test_a_refused_outbound_goes_back_to_the_shipping_step(sales, customer_code, refuse_once):
    instance = to_signing(sales, customer_code, mode="direct")
    sign(sales, instance)
    refuse_once("ledger.ship_cross_org_order", "period_closed", "The period is closed.")
    ship(sales, instance, who=SIGNER)
    assert instance.data["ship_result"]["error"]["code"] == "period_closed"
    assert sales.ready_elements(instance) == ["Task_ShipToCustomer"]
    ship(sales, instance, who=SIGNER)
    assert sales.ready_elements(instance) == ["Task_CustomerSigns"]


@pytest.mark.parametrize("forged", [
    {"sign_result": {"ok": True, "status": "signed", "mode": "direct"}},
    {"order_result": {"ok": True, "transfer": {"transfer_no": "TO-FORGED"}}},
])
def test_a_forged_result_at_the_signing_step_is_refused(sales, customer_code, forged):
    instance = to_signing(sales, customer_code)
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_SignTransfer", "fac_keeper", {"sign_decision": "sign", **forged})
    assert _transfer().status == "draft" and sales.ready_elements(instance) == ["Task_SignTransfer"]
