"""F01 contract_shipment through the service layer with the real diagram:
the whole way, every rule of contract_approval_authority, every rejection,
the credit holds and segregation of duties; the documents each path leaves
and the ledger invariants after it. The ledger's other refusals are in
test_contract_shipment_refusals.py."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, CreditOverride, InstanceStatus, StockMovement
from tests.support.contract_shipment import (DEALER, FLOW_CONTRACT, MAIL, REP, TERMS, _count, _notes, _orders, approve_contract,
                                           assert_shipped, make_note, make_order, ship_after_order_review)
from tests.support.contract_shipment import contract  # noqa: F401  (a fixture)
from tests.support.ledger_harness import all_invariants_hold


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
    [draft] = _orders()
    assert draft.status == "draft" and draft.approved_by_id is None  # saved, not yet in effect
    assert (draft.delivery_place, draft.delivery_date.isoformat(), draft.acceptance_terms, draft.settlement_terms) == (
        TERMS["delivery_place"], TERMS["delivery_date"], TERMS["acceptance_terms"], TERMS["settlement_terms"])
    sales.approve(instance, "Task_OrderReview", "sales_admin")  # reviewed the contract too: another stage
    assert draft.status == "approved" and draft.approved_by.username == "sales_admin"
    assert instance.data["approve_result"]["approved_by"] == "sales_admin"
    ship_after_order_review(sales, instance)
    [note] = _notes()
    assert (note.transport_mode, note.route, note.delivery_address) == ("own_truck", "out_of_town", "杭州市滨江区江南大道 88 号")
    assert (note.qc_certificate_no, note.qc_certificate_name) == ("QC-2612-031", "qc.pdf") and len(note.qc_certificate_sha256) == 64
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
    assert second.status == "draft" and second.gross == Decimal("1960.00")
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
        assert sales.ready_elements(instance) == ["Task_OrderReview"] and order.status == "draft"  # released, still unreviewed
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
