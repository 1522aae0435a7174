"""F01 contract_shipment through the service layer with the real diagram:
every approval and reject path, every rule of contract_approval_authority,
every route the ledger's refusals take, the documents each path leaves,
and the ledger invariants after it."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (Contract, CreditOverride, InstanceStatus, LedgerEntry, Material, SalesOrder, ShippingNote,
                        StockMovement)
from app.services.attachments import save_bytes
from ledger.harness import all_invariants_hold

DEALER = "浙江泵阀总经销有限公司"  # 华东, credit limit 800,000
MAIL = "江西设备维修服务部"  # 华东 mail-order customer, credit limit 0: every order is held
REP = "rep_east1"


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
    sales.complete(instance, "Task_MakeOrder", "order_clerk", {"order_date": "2026-12-01"})


def make_note(sales, instance):
    sales.complete(instance, "Task_MakeShippingNote", "billing_clerk", {
        "ship_date": "2026-12-02", "transport_mode": "own_truck", "delivery_address": "杭州市滨江区江南大道 88 号"})


def pick(sales, instance):
    sales.complete(instance, "Task_PickGoods", "warehouse", {"picked_date": "2026-12-02"})


def upload(sales, instance, batches=None):
    shipped = instance.data["outbound_result"]["movements"]
    batches = batches or [{"material": m["material"], "batch_no": m["batch_no"], "qty": int(m["qty"])} for m in shipped]
    sales.complete(instance, "Task_UploadTraceability", "billing_clerk",
                   {"platform_reference": "ZS-20261203-0007", "batches": batches})


def deliver_and_register(sales, instance):
    receipt = save_bytes("receipt.jpg", "image/jpeg", b"\xff\xd8 signed receipt")
    sales.complete(instance, "Task_DeliverGoods", "driver",
                   {"delivered_date": "2026-12-03", "receiver_name": "王强", "delivery_receipt": receipt})
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


# --- the whole way ---------------------------------------------------------------------------------------

def test_contract_within_director_authority_is_shipped_end_to_end(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    review = sales.task(instance, "Task_ContractReview")
    assert review.candidate_role == "sales_admin" and review.approval_stage == "contract"
    approve_contract(sales, instance)
    assert instance.data["gm_approval_required"] is False
    assert sales.task(instance, "Task_MakeOrder").candidate_role == "order_clerk"
    [registered] = db.session.scalars(select(Contract).where(FLOW_CONTRACT)).all()
    assert registered.number == "HT-2026-118" and registered.amount_cap == Decimal("100000.00")
    assert [a.name for a in registered.attachments] == ["contract.pdf"]
    make_order(sales, instance)
    order_review = sales.task(instance, "Task_OrderReview")
    assert order_review.approval_stage == "order"
    sales.approve(instance, "Task_OrderReview", "sales_admin")  # reviewed the contract too: another stage
    ship_after_order_review(sales, instance)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    [order] = _orders()
    # MTR001 980.00 × 2 + PRT001 85.00 × 3 at the standard (tax-inclusive) list
    assert order.gross == Decimal("2215.00") and order.contract_number == "HT-2026-118" and order.status == "approved"
    assert [(line.material.code, line.qty, line.qty_delivered) for line in order.lines] == [
        ("MTR001", Decimal(2), Decimal(2)), ("PRT001", Decimal(3), Decimal(3))]
    assert_shipped(instance, [("MTR001", 2), ("PRT001", 3)])


@pytest.mark.parametrize("amount,days,gm", [
    (500000.0, 60, False),  # WithinDirectorAuthority, at the limits
    (500000.01, 30, True),  # AmountAboveDirectorAuthority
    (100000.0, 61, True),  # PaymentDaysAboveDirectorAuthority
])
def test_authority_table_decides_whether_the_general_manager_approves(sales, contract, amount, days, gm):
    instance = sales.start("contract_shipment", contract(contract_amount=amount, payment_days=days), REP)
    approve_contract(sales, instance)
    assert instance.data["gm_approval_required"] is gm
    if gm:
        task = sales.task(instance, "Task_GMApproval")
        assert task.candidate_role == "general_manager" and task.is_approval
        sales.approve(instance, "Task_GMApproval", "gm")
    assert sales.ready_elements(instance) == ["Task_MakeOrder"]
    assert _count(Contract, FLOW_CONTRACT) == 1 and _orders() == []
    assert all_invariants_hold()


# --- rejections ------------------------------------------------------------------------------------------

def test_rejected_contract_is_revised_and_resubmitted(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    sales.reject(instance, "Task_ContractReview", "sales_admin", "账期与客户档案不符")
    revise = sales.task(instance, "Task_ReviseContract")
    assert revise.assignee.username == REP and instance.data["comment"] == "账期与客户档案不符"
    sales.complete(instance, "Task_ReviseContract", REP, {**contract(payment_days=45), "action": "resubmit"})
    approve_contract(sales, instance)
    assert sales.ready_elements(instance) == ["Task_MakeOrder"]
    assert db.session.scalar(select(Contract.payment_days).where(FLOW_CONTRACT)) == 45 and _orders() == []
    assert all_invariants_hold()


@pytest.mark.parametrize("rejecter", ["director", "gm"])
def test_contract_rejected_by_director_or_gm_is_withdrawn(sales, contract, rejecter):
    instance = sales.start("contract_shipment", contract(contract_amount=800000.0), REP)
    sales.approve(instance, "Task_ContractReview", "sales_admin")
    if rejecter == "director":
        sales.reject(instance, "Task_DirectorApproval", "director", "价格低于授权")
    else:
        sales.approve(instance, "Task_DirectorApproval", "director")
        sales.reject(instance, "Task_GMApproval", "gm", "金额过大，分批签订")
    sales.complete(instance, "Task_ReviseContract", REP, {**contract(), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert _count(Contract, FLOW_CONTRACT) == 0 and _orders() == []
    assert all_invariants_hold()


def test_contract_the_ledger_refuses_goes_back_with_the_reason(sales, act, contract, customer_code):
    act("ledger.register_contract", customer=customer_code(DEALER), number="HT-2026-118", amount_cap="5000",
        valid_from="2026-01-01")
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    assert sales.ready_elements(instance) == ["Task_ReviseContract"]
    assert instance.data["contract_result"]["error"]["code"] == "duplicate_contract"
    sales.complete(instance, "Task_ReviseContract", REP, {**contract(contract_no="HT-2026-118A"), "action": "resubmit"})
    approve_contract(sales, instance)
    assert sales.ready_elements(instance) == ["Task_MakeOrder"]
    assert sorted(db.session.scalars(select(Contract.number).where(FLOW_CONTRACT))) == ["HT-2026-118", "HT-2026-118A"]
    assert all_invariants_hold()


def test_rejected_order_is_cancelled_and_remade_with_revised_lines(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.reject(instance, "Task_OrderReview", "sales_admin2", "客户只要电机")
    assert sales.task(instance, "Task_ReviseOrder").assignee.username == REP
    sales.complete(instance, "Task_ReviseOrder", REP, {"lines": [{"material": "MTR001", "qty": 2}], "order_action": "remake"})
    assert sales.ready_elements(instance) == ["Task_MakeOrder"] and [o.status for o in _orders()] == ["cancelled"]
    make_order(sales, instance)
    first, second = _orders()
    assert second.status == "approved" and second.gross == Decimal("1960.00")
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    ship_after_order_review(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert [o.status for o in _orders()] == ["cancelled", "approved"]
    assert_shipped(instance, [("MTR001", 2)])


def test_rejected_shipping_note_is_cancelled_with_its_order(sales, contract):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    make_note(sales, instance)
    sales.reject(instance, "Task_ShippingNoteReview", "sales_admin2", "客户取消本次发货")
    sales.complete(instance, "Task_ReviseOrder", REP, {"lines": [{"material": "MTR001", "qty": 2}], "order_action": "cancel"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert [o.status for o in _orders()] == ["cancelled"] and [n.status for n in _notes()] == ["void"]
    assert instance.data["cancel_result"]["voided_notes"] == [_notes()[0].number]
    assert _count(StockMovement, StockMovement.kind == "outbound") == 0
    assert all_invariants_hold()


# --- credit holds ----------------------------------------------------------------------------------------

def test_held_order_released_by_the_director_ships(sales, contract):
    instance = sales.start("contract_shipment", contract(customer=MAIL), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    hold = sales.task(instance, "Task_CreditHoldDecision")
    assert hold.candidate_role == "sales_director" and instance.data["order_result"]["held"] is True
    sales.complete(instance, "Task_CreditHoldDecision", "director", {"credit_action": "release", "reason": "老客户，款已在途"})
    [override] = db.session.scalars(select(CreditOverride)).all()
    assert override.approved_by.username == "director" and override.approver_role == "sales_director"
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    ship_after_order_review(sales, instance)
    assert instance.status is InstanceStatus.completed and _orders()[0].status == "approved"
    assert_shipped(instance, [("MTR001", 2), ("PRT001", 3)])


@pytest.mark.parametrize("gm_action", ["release", "cancel"])
def test_hold_beyond_the_directors_authority_goes_to_the_general_manager(sales, contract, gm_action):
    # PMS006 8,835.00 × 30 = 265,050.00 over a limit of 0: beyond the director's 200,000
    instance = sales.start("contract_shipment", contract(customer=MAIL, lines=[("PMS006", 30)], contract_amount=300000.0), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.complete(instance, "Task_CreditHoldDecision", "director", {"credit_action": "release", "reason": "重点项目"})
    assert instance.data["release_result"]["error"]["code"] == "not_authorised"
    assert sales.task(instance, "Task_GMCreditHoldDecision").candidate_role == "general_manager"
    sales.complete(instance, "Task_GMCreditHoldDecision", "gm", {"credit_action": gm_action, "reason": "总经理决定"})
    [order] = _orders()
    assert order.gross == Decimal("265050.00")
    if gm_action == "release":
        assert sales.ready_elements(instance) == ["Task_OrderReview"] and order.status == "approved"
        assert db.session.scalar(select(CreditOverride.approver_role)) == "general_manager"
    else:
        assert instance.status is InstanceStatus.completed and order.status == "cancelled"
        assert _count(CreditOverride) == 0
    assert _notes() == [] and all_invariants_hold()


def test_director_cancels_a_held_order(sales, contract):
    instance = sales.start("contract_shipment", contract(customer=MAIL), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.complete(instance, "Task_CreditHoldDecision", "director", {"credit_action": "cancel", "reason": "先款后货"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert [o.status for o in _orders()] == ["cancelled"] and _notes() == [] and _count(CreditOverride) == 0
    assert all_invariants_hold()


def test_credit_lost_before_shipment_goes_to_the_billing_clerk(sales, act, contract, customer_code):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    act("ledger.set_credit", customer=customer_code(DEALER), credit_limit="1000", reason="逾期未回款")
    make_note(sales, instance)
    assert sales.task(instance, "Task_ResolveShippingNoteProblem").candidate_role == "billing_clerk"
    assert instance.data["note_result"]["error"]["code"] == "credit_hold" and _notes() == []
    act("ledger.set_credit", customer=customer_code(DEALER), credit_limit="800000", reason="已回款")
    sales.complete(instance, "Task_ResolveShippingNoteProblem", "billing_clerk", {"action": "retry"})
    assert sales.ready_elements(instance) == ["Task_MakeShippingNote"]
    make_note(sales, instance)
    assert sales.ready_elements(instance) == ["Task_ShippingNoteReview"] and [n.status for n in _notes()] == ["draft"]
    assert all_invariants_hold()


def test_credit_lost_before_shipment_and_the_order_cancelled(sales, act, contract, customer_code):
    instance = sales.start("contract_shipment", contract(), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    act("ledger.set_credit", customer=customer_code(DEALER), credit_limit="0", reason="停止供货")
    make_note(sales, instance)
    sales.complete(instance, "Task_ResolveShippingNoteProblem", "billing_clerk", {"action": "cancel"})
    assert instance.status is InstanceStatus.completed and [o.status for o in _orders()] == ["cancelled"]
    assert all_invariants_hold()


# --- other refusals --------------------------------------------------------------------------------------

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
def test_no_price_goes_to_the_order_clerk(sales, contract, unpriced_material, action):
    from app.ledger import catalogue, pricing
    from app.models import PriceList

    instance = sales.start("contract_shipment", contract(lines=[("PNW001", 1)]), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    assert sales.task(instance, "Task_ResolveOrderProblem").candidate_role == "order_clerk"
    assert instance.data["order_result"]["error"]["code"] == "no_price" and _orders() == []
    if action == "retry":
        standard = db.session.scalar(select(PriceList).where(PriceList.code == "STD"))
        pricing.add_price_item(price_list=standard, material=unpriced_material, unit_price=Decimal("2260"),
                               valid_from=date(2026, 12, 1))
        pricing.add_price_rule(price_list=standard, customer_class=catalogue.ensure_customer_class("ALL", "全部客户"),
                               material_class=unpriced_material.material_class, valid_from=date(2026, 12, 1))
        sales.complete(instance, "Task_ResolveOrderProblem", "order_clerk", {"action": "retry", "resolution_note": "已定价"})
        make_order(sales, instance)
        assert sales.ready_elements(instance) == ["Task_OrderReview"]
        assert [o.gross for o in _orders()] == [Decimal("2260.00")]
    else:
        sales.complete(instance, "Task_ResolveOrderProblem", "order_clerk", {"action": "abandon"})
        assert instance.status is InstanceStatus.completed and _orders() == []
    assert all_invariants_hold()


def test_contract_cap_exceeded_goes_to_the_order_clerk(sales, contract):
    instance = sales.start("contract_shipment", contract(contract_amount=1000.0), REP)
    approve_contract(sales, instance)
    make_order(sales, instance)
    assert instance.data["order_result"]["error"]["code"] == "contract_cap_exceeded"
    assert sales.ready_elements(instance) == ["Task_ResolveOrderProblem"] and _orders() == []
    assert all_invariants_hold()


@pytest.mark.parametrize("action", ["retry", "cancel"])
def test_not_enough_stock_goes_to_the_warehouse(sales, contract, action):
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
    assert sales.task(instance, "Task_ResolveOutboundProblem").candidate_role == "warehouse"
    assert instance.data["outbound_result"]["error"]["code"] == "insufficient_stock"
    assert _count(StockMovement, StockMovement.kind == "outbound") == 0
    if action == "retry":
        material = db.session.scalar(select(Material).where(Material.code == "PRT001"))
        receive_opening_stock(material, 500, "B2612-PRT001", date(2026, 12, 2), "test:receipt:B2612")
        sales.complete(instance, "Task_ResolveOutboundProblem", "warehouse", {"action": "retry"})
        pick(sales, instance)
        moves = db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound").order_by(StockMovement.seq))
        assert [(m.batch_no, -m.qty) for m in moves] == [("B2512-PRT001", 400), ("B2601-PRT001", 600), ("B2612-PRT001", 200)]
        assert sales.ready_elements(instance) == ["Task_DeliverGoods"]
    else:
        sales.complete(instance, "Task_ResolveOutboundProblem", "warehouse", {"action": "cancel"})
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


def test_one_reviewer_may_not_approve_for_the_director(sales, contract, create_user):
    from app.errors import Forbidden
    from app.services import tasks

    create_user("admin_director", roles=["sales_admin", "sales_director"])
    instance = sales.start("contract_shipment", contract(), REP)
    sales.approve(instance, "Task_ContractReview", "admin_director")
    with pytest.raises(Forbidden) as caught:  # the same stage, the same person
        tasks.complete_task(sales.task(instance, "Task_DirectorApproval").id, sales.user("admin_director"),
                            {"decision": "approve"})
    assert caught.value.code == "segregation_of_duties"
