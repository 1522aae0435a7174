"""F01 contract_shipment: where the ledger's refusals send the flow (no
price, contract cap, stock, traceability batches, shipment registration)
and what each path leaves."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import InstanceStatus, Material, StockMovement
from app.services.attachments import save_bytes
from tests.support.contract_shipment import (REP, _count, _notes, _orders, approve_contract, assert_shipped,
                                           deliver_and_register, make_note, make_order, pick, upload)
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.ledger_harness import all_invariants_hold


@pytest.fixture
def unpriced_material():
    from app.ledger import catalogue

    node = catalogue.ensure_material_class("PUMP_NEW", "新型泵")
    material = Material(code="PNW001", name="新型屏蔽泵", spec="PB-50", material_class=node, unit="台", qty_scale=0,
                        tax_rate=Decimal("0.13"), standard_cost=Decimal("1000.00"))
    db.session.add(material)
    db.session.flush()
    return material


@pytest.mark.parametrize("action", ["retry", "abandon"])
def test_an_order_without_a_price_is_saved_but_not_approved(sales, contract, unpriced_material, action):
    """NC (seed L98): 询不到价格的可以保存，不能审核. The order is saved as a
    draft with the line flagged; the review's approval is refused naming the
    line, the draft is cancelled and the order clerk remakes it once the
    price is maintained, or gives up."""
    from app.ledger import catalogue, pricing
    from app.models import PriceList

    instance = sales.start("contract_shipment", contract(lines=[("MTR001", 1), ("PNW001", 1)]), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    [draft] = _orders()
    assert draft.status == "draft" and [line.priced for line in draft.lines] == [True, False]
    assert instance.data["order_result"]["unpriced_lines"] == [2] and draft.lines[1].gross == Decimal("0.00")
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    error = instance.data["approve_result"]["error"]
    assert error["code"] == "unpriced_line" and "第2行 PNW001" in error["message"] and error["lines"] == [2]
    assert sales.task(instance, "Task_ResolveOrderProblem").candidate_role == "order_clerk"
    assert [o.status for o in _orders()] == ["cancelled"] and _notes() == []
    if action == "retry":
        standard = db.session.scalar(select(PriceList).where(PriceList.code == "STD"))
        pricing.add_price_item(price_list=standard, material=unpriced_material, unit_price=Decimal("2260"),
                               valid_from=date(2026, 12, 1))
        pricing.add_price_rule(price_list=standard, customer_class=catalogue.ensure_customer_class("ALL", "全部客户"),
                               material_class=unpriced_material.material_class, valid_from=date(2026, 12, 1))
        sales.complete(instance, "Task_ResolveOrderProblem", "order_clerk", {"action": "retry", "resolution_note": "已定价"})
        make_order(sales, instance)
        assert sales.ready_elements(instance) == ["Task_OrderReview"]
        sales.approve(instance, "Task_OrderReview", "sales_admin")
        assert sales.ready_elements(instance) == ["Task_MakeShippingNote"]
        assert [(o.status, o.gross) for o in _orders()] == [("cancelled", Decimal("980.00")), ("approved", Decimal("3240.00"))]
    else:
        sales.complete(instance, "Task_ResolveOrderProblem", "order_clerk", {"action": "abandon"})
        assert instance.status is InstanceStatus.completed and [o.status for o in _orders()] == ["cancelled"]
    assert all_invariants_hold()


def test_contract_cap_exceeded_goes_to_the_order_clerk(sales, contract):
    instance = sales.start("contract_shipment", contract(contract_amount=1000.0), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    assert instance.data["order_result"]["error"]["code"] == "contract_cap_exceeded"
    assert sales.ready_elements(instance) == ["Task_ResolveOrderProblem"] and _orders() == []
    assert all_invariants_hold()


@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_not_enough_stock_goes_back_to_the_order_clerk_who_picks(sales, contract, action):
    from app.ledger.shipping import receive_opening_stock

    instance = sales.start("contract_shipment", contract(lines=[("PRT001", 1200)]), REP)  # 1,000 in stock
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    make_note(sales, instance)
    sales.approve(instance, "Task_ShippingNoteReview", "sales_admin")
    sales.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 2})
    certificate = save_bytes("qc.pdf", "application/pdf", b"%PDF-1.4 quality certificate")
    sales.complete(instance, "Task_AttachQCCertificate", "order_clerk", {"certificate_no": "QC-1", "qc_certificate": certificate})
    pick(sales, instance)
    assert sales.task(instance, "Task_ResolveOutboundProblem").candidate_role == "order_clerk"
    assert instance.data["outbound_result"]["error"]["code"] == "insufficient_stock"
    assert _count(StockMovement, StockMovement.kind == "outbound") == 0
    if action == "retry":
        material = db.session.scalar(select(Material).where(Material.code == "PRT001"))
        receive_opening_stock(material, 500, "B2612-PRT001", date(2026, 12, 2), "test:receipt:B2612")
        sales.complete(instance, "Task_ResolveOutboundProblem", "order_clerk", {"action": "retry"})
        pick(sales, instance)
        moves = db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound").order_by(StockMovement.seq))
        assert [(m.batch_no, -m.qty) for m in moves] == [("B2512-PRT001", 400), ("B2601-PRT001", 600), ("B2612-PRT001", 200)]
        assert sales.ready_elements(instance) == ["Task_DeliverGoods"]
    else:
        sales.complete(instance, "Task_ResolveOutboundProblem", "order_clerk", {"action": "cancel"})
        assert instance.status is InstanceStatus.completed
        assert [o.status for o in _orders()] == ["cancelled"] and [n.status for n in _notes()] == ["void"]
    assert all_invariants_hold()


def _to_traceability(sales, instance):
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    make_note(sales, instance)
    sales.approve(instance, "Task_ShippingNoteReview", "sales_admin")
    sales.complete(instance, "Task_PrintShippingNote", "billing_clerk", {"printed_copies": 1})
    certificate = save_bytes("qc.pdf", "application/pdf", b"%PDF-1.4 quality certificate")
    sales.complete(instance, "Task_AttachQCCertificate", "order_clerk", {"certificate_no": "QC-2", "qc_certificate": certificate})
    pick(sales, instance)
    deliver_and_register(sales, instance)


def test_traceability_batches_that_do_not_match_go_back_to_the_billing_clerk(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    _to_traceability(sales, instance)
    upload(sales, instance, [{"material": "MTR001", "batch_no": "B2601-MTR001", "qty": 2},
                             {"material": "PRT001", "batch_no": "B2512-PRT001", "qty": 3}])
    assert sales.ready_elements(instance) == ["Task_UploadTraceability"]
    error = instance.data["trace_result"]["error"]
    assert error["code"] == "batch_mismatch" and {"material": "MTR001", "batch_no": "B2512-MTR001", "qty": "2"} in error["shipped"]
    upload(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert_shipped(instance, [("MTR001", 2), ("PRT001", 3)])


def test_refused_shipment_registration_goes_back_to_the_order_clerk(sales, contract, refuse_once):
    refuse_once("ledger.register_shipment", "not_shipped", "The outbound is still being posted; try again.")
    instance = sales.start("contract_shipment", contract(), REP)
    _to_traceability(sales, instance)
    assert sales.ready_elements(instance) == ["Task_RegisterShipment"]
    assert instance.data["register_result"]["error"]["code"] == "not_shipped"
    sales.complete(instance, "Task_RegisterShipment", "order_clerk", {"waybill_no": "YD-0098123"})
    upload(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert_shipped(instance, [("MTR001", 2), ("PRT001", 3)])


# --- the doors around the review ------------------------------------------------------------------------

def test_a_draft_order_cannot_be_shipped_before_its_review(sales, contract):
    """The shipping note is refused for an order the review has not
    approved, whoever calls the ledger (here directly, not via the flow)."""
    from app.actions import BusinessRuleViolation
    from app.ledger.shipping import make_shipping_note

    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    [draft] = _orders()
    with pytest.raises(BusinessRuleViolation) as refused:
        make_shipping_note(draft, None, on=date(2026, 12, 2), source_key="test:early-note")
    assert refused.value.code == "order_not_approved" and _notes() == []


@pytest.mark.parametrize("field,values", [
    ("route", {"transport_mode": "own_truck", "delivery_address": "杭州", "route": "moon"}),
    ("transport_mode", {"transport_mode": "balloon", "delivery_address": "杭州", "route": "city"}),
    ("delivery_address", {"transport_mode": "own_truck", "delivery_address": "  ", "route": "city"}),
])
def test_delivery_details_are_checked_before_the_note_keeps_them(field, values):
    from app.actions import BusinessRuleViolation
    from app.ledger.shipping import delivery_details

    with pytest.raises(BusinessRuleViolation) as refused:
        delivery_details(**values)
    assert refused.value.code == "invalid_delivery" and refused.value.field == field
