"""F08 collection_assessment through the service layer with the real diagram:
the charge computed, reviewed and only then posted (a payout or a
recovery), the payout drawn against receipts, every reject and refusal, the
decision table's two rules, and the ledger records and invariants after each."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AssessmentLine, CollectionAssessment, InstanceStatus, LedgerEntry, Reimbursement
from tests.support.assessment_schemes import approve_scheme
from tests.support.ledger_harness import all_invariants_hold

D = Decimal
CITY_DEALER = "江苏机电设备经销部"      # buys at the standard list; served by rep_east2
PROVINCIAL_DEALER = "浙江泵阀总经销有限公司"  # buys pumps at the dealer list; served by rep_east1


@pytest.fixture
def collected(act, customer_code, shipped_order):
    """``collected(customer, [("MTR001", 1)])``: shipped, invoiced, paid and
    written off today (2026-12-01); the allocation ids."""

    def make(customer, lines):
        code = customer_code(customer)
        invoice = act("ledger.issue_invoice", order=shipped_order(code, lines))
        receipt = act("ledger.record_receipt", customer=code, amount=invoice["gross"])
        return [a["allocation_id"] for a in act("ledger.allocate_receipt", receipt=receipt["receipt_no"])["allocations"]]

    return make


def _start(sales, salesperson="rep_east2", month="2026-12"):
    """Under the demo scheme KH/v1 (the dealer list, charged in full) unless a test approves another version."""
    return sales.start("collection_assessment", {"salesperson": salesperson, "month": month}, "sales_admin")


def _receipts(*amounts):
    from app.services.attachments import save_bytes

    return {"receipts": [{"category": "差旅费", "amount": amount, "description": "回款考核贴票",
                          "receipt": save_bytes(f"receipt-{n}.pdf", "application/pdf", f"%PDF-1.4 receipt {n} {amount}".encode())}
                         for n, amount in enumerate(amounts, start=1)]}


def _approve_assessment(sales, instance):
    sales.approve(instance, "Task_FinanceReview", "finance")
    sales.approve(instance, "Task_DirectorApproval", "director")
    # Seed 8.1: 销售总监审批→总经理审批 for every charge, payout or recovery, however small
    gm = sales.task(instance, "Task_GMApproval")
    assert gm.candidate_role == "general_manager" and gm.is_approval and sales.ready_elements(instance) == ["Task_GMApproval"]
    sales.approve(instance, "Task_GMApproval", "gm")


def _approve_reimbursement(sales, instance):
    sales.approve(instance, "Task_DirectorReimbursementApproval", "director")
    sales.approve(instance, "Task_FinanceReceiptCheck", "finance")
    sales.approve(instance, "Task_GMSign", "gm")


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _entries(source_type):
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == source_type)).all()
    return sorted((e.account, e.debit, e.credit) for e in rows)


def test_a_small_payout_is_approved_by_the_general_manager_and_drawn_against_receipts(sales, collected, org):
    # MTR001 at the standard 980.00 incl. VAT (net 867.26) against the dealer list's 737.17 net: 130.09
    [allocation_id] = collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales)
    preview = instance.data["assessment_preview"]
    assert (preview["amount"], preview["kind"], preview["allocation_ids"]) == ("130.09", "payout", [allocation_id])
    assert _count(CollectionAssessment) == 0  # nothing posted before the approvals
    review = sales.task(instance, "Task_FinanceReview")
    assert review.candidate_role == "finance" and review.is_approval and review.approval_stage == "assessment"
    _approve_assessment(sales, instance)
    assert "gm_approval_required" not in instance.data  # 130.09: no table, the GM approved it all the same
    assert instance.data["assessment"]["amount"] == "130.09" and instance.data["assessment"]["kind"] == "payout"
    submit = sales.task(instance, "Task_SubmitReceipts")
    assert submit.assignee.username == "rep_east2"
    sales.complete(instance, "Task_SubmitReceipts", "rep_east2", _receipts(100, 30.09))
    assert sales.task(instance, "Task_DirectorReimbursementApproval").approval_stage == "reimbursement"
    _approve_reimbursement(sales, instance)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert instance.data["payment"]["amount"] == "130.09" and instance.data["payment"]["still_due"] == "0.00"
    [assessment] = db.session.scalars(select(CollectionAssessment)).all()
    assert (assessment.salesperson.username, assessment.month, assessment.base_price_list, assessment.amount) == \
        ("rep_east2", "2026-12", "DEALER", D("130.09"))
    assert (assessment.scheme.label, preview["scheme"], instance.data["assessment"]["scheme"]) == ("KH/v1",) * 3
    assert [(line.allocation_id, line.collected, line.difference) for line in assessment.lines] == \
        [(allocation_id, D("980.00"), D("130.09"))]
    [payment] = db.session.scalars(select(Reimbursement)).all()
    assert (payment.assessment_id, payment.amount, payment.employee.username) == (assessment.id, D("130.09"), "rep_east2")
    assert _entries("collection_assessment") == [("2241", D("0"), D("130.09")), ("6601", D("130.09"), D("0"))]
    assert _entries("reimbursement") == [("1002", D("0"), D("130.09")), ("2241", D("130.09"), D("0"))]
    assert all_invariants_hold()


def test_a_larger_payout_drawn_in_part(sales, collected):
    # 16 × MTR001: 13,876.11 net against 11,794.69 at the dealer list: 2,081.42
    collected(CITY_DEALER, [("MTR001", 16)])
    instance = _start(sales)
    _approve_assessment(sales, instance)
    assert sales.task(instance, "Task_SubmitReceipts").assignee.username == "rep_east2"
    sales.complete(instance, "Task_SubmitReceipts", "rep_east2", _receipts(1500))  # receipts short of what is owed
    _approve_reimbursement(sales, instance)  # the GM approves in both stages
    assert instance.status is InstanceStatus.completed
    assert (instance.data["payment"]["amount"], instance.data["payment"]["still_due"]) == ("1500.00", "581.42")
    assert db.session.scalar(select(CollectionAssessment.amount)) == D("2081.42")
    assert db.session.scalar(select(Reimbursement.amount)) == D("1500.00") and _count(Reimbursement) == 1
    assert all_invariants_hold()


def test_selling_below_the_base_is_a_recovery_owed_by_the_salesperson(sales, collected):
    # PCF001 to the provincial dealer at its dealer price (962.83 net) against the standard 1,132.74 net: −169.91
    collected(PROVINCIAL_DEALER, [("PCF001", 1)])
    approve_scheme("STD", valid_from=date(2026, 12, 1))  # KH/v2: against the standard list
    instance = _start(sales, salesperson="rep_east1")
    assert instance.data["assessment_preview"]["scheme"] == "KH/v2"
    assert instance.data["assessment_preview"]["kind"] == "recovery"
    _approve_assessment(sales, instance)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert instance.data["assessment"]["amount"] == "-169.91" and instance.data["assessment"]["kind"] == "recovery"
    assert _entries("collection_assessment") == [("2241", D("169.91"), D("0")), ("6601", D("0"), D("169.91"))]
    assert _count(Reimbursement) == 0
    assert all_invariants_hold()


def test_a_month_without_write_offs_ends_without_posting(sales, collected):
    collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales, month="2026-11")
    assert instance.status is InstanceStatus.completed and instance.data["assessment_preview"]["kind"] == "none"
    assert _count(CollectionAssessment) == 0 and _count(AssessmentLine) == 0
    assert all_invariants_hold()


@pytest.mark.parametrize("rejected_at, approvers", [
    ("Task_FinanceReview", []),
    ("Task_DirectorApproval", [("Task_FinanceReview", "finance")]),
    ("Task_GMApproval", [("Task_FinanceReview", "finance"), ("Task_DirectorApproval", "director")]),
])
def test_a_rejected_charge_goes_back_to_the_requester_who_cancels(sales, collected, rejected_at, approvers):
    collected(CITY_DEALER, [("MTR001", 1)])  # 130.09: small, and the GM may still reject it
    instance = _start(sales)
    for element, user in approvers:
        sales.approve(instance, element, user)
    sales.reject(instance, rejected_at, {"Task_FinanceReview": "finance", "Task_DirectorApproval": "director",
                                         "Task_GMApproval": "gm"}[rejected_at], "基准价目表选错")
    problem = sales.task(instance, "Task_ResolveAssessmentProblem")
    assert problem.assignee.username == "sales_admin"
    sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin",
                   {"salesperson": "rep_east2", "month": "2026-12", "action": "cancel"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert _count(CollectionAssessment) == 0 and _entries("collection_assessment") == []
    assert all_invariants_hold()


def test_a_rejected_charge_is_reassessed_under_a_new_scheme_version(sales, collected):
    collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales)
    sales.reject(instance, "Task_FinanceReview", "finance", "应以标准价为基准")
    approve_scheme("STD", valid_from=date(2026, 12, 1))  # the director approves KH/v2 for December
    sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin",
                   {"salesperson": "rep_east2", "month": "2026-12", "action": "reassess"})
    assert instance.data["assessment_preview"]["amount"] == "0.00"  # sold at the standard list: nothing to assess
    assert instance.status is InstanceStatus.completed and _count(CollectionAssessment) == 0
    assert all_invariants_hold()


def test_a_month_without_a_scheme_in_force_goes_back_to_the_requester(sales, collected):
    collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales, month="2025-12")  # KH/v1 starts 2026-01-01
    assert instance.data["assessment_preview"]["error"]["code"] == "no_assessment_scheme"
    assert sales.ready_elements(instance) == ["Task_ResolveAssessmentProblem"] and _count(CollectionAssessment) == 0
    sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin",
                   {"salesperson": "rep_east2", "month": "2026-12", "action": "reassess"})
    _approve_assessment(sales, instance)
    assert instance.data["assessment"]["amount"] == "130.09"
    assert sales.task(instance, "Task_SubmitReceipts").assignee.username == "rep_east2"
    assert _count(CollectionAssessment) == 1 and all_invariants_hold()


def test_a_write_off_reversed_during_the_review_refuses_the_charge(sales, act, collected):
    [allocation_id] = collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales)
    sales.approve(instance, "Task_FinanceReview", "finance")
    act("ledger.reverse_allocation", allocation_id=allocation_id)
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.data["assessment"]["error"]["code"] == "assessment_changed"
    assert _count(CollectionAssessment) == 0
    sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin",
                   {"salesperson": "rep_east2", "month": "2026-12", "action": "reassess"})
    assert instance.data["assessment_preview"]["kind"] == "none" and instance.status is InstanceStatus.completed
    assert all_invariants_hold()


@pytest.mark.parametrize("rejected_at, approvers", [
    ("Task_DirectorReimbursementApproval", []),
    ("Task_FinanceReceiptCheck", [("Task_DirectorReimbursementApproval", "director")]),
    ("Task_GMSign", [("Task_DirectorReimbursementApproval", "director"), ("Task_FinanceReceiptCheck", "finance")]),
])
def test_rejected_receipts_are_resubmitted_and_paid(sales, collected, rejected_at, approvers):
    collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales)
    _approve_assessment(sales, instance)
    sales.complete(instance, "Task_SubmitReceipts", "rep_east2", _receipts(130.09))
    for element, user in approvers:
        sales.approve(instance, element, user)
    sales.reject(instance, rejected_at, {"Task_DirectorReimbursementApproval": "director", "Task_FinanceReceiptCheck": "finance",
                                         "Task_GMSign": "gm"}[rejected_at], "票据抬头不符")
    assert sales.task(instance, "Task_HandleReimbursementProblem").assignee.username == "sales_admin"
    sales.complete(instance, "Task_HandleReimbursementProblem", "sales_admin", {"action": "resubmit_receipts"})
    sales.complete(instance, "Task_SubmitReceipts", "rep_east2", _receipts(130.09))
    _approve_reimbursement(sales, instance)
    assert instance.status is InstanceStatus.completed and instance.data["payment"]["amount"] == "130.09"
    assert _count(Reimbursement) == 1 and all_invariants_hold()


def test_a_closed_reimbursement_leaves_the_payout_owed(sales, collected):
    collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales)
    _approve_assessment(sales, instance)
    sales.complete(instance, "Task_SubmitReceipts", "rep_east2", _receipts(130.09))
    sales.reject(instance, "Task_DirectorReimbursementApproval", "director", "无有效票据")
    sales.complete(instance, "Task_HandleReimbursementProblem", "sales_admin", {"action": "close"})
    assert instance.status is InstanceStatus.completed and _count(Reimbursement) == 0
    assert _entries("collection_assessment") == [("2241", D("0"), D("130.09")), ("6601", D("130.09"), D("0"))]
    assert all_invariants_hold()


def test_receipts_above_what_is_owed_are_refused_and_corrected(sales, collected):
    collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales)
    _approve_assessment(sales, instance)
    sales.complete(instance, "Task_SubmitReceipts", "rep_east2", _receipts(100, 50))
    _approve_reimbursement(sales, instance)
    assert instance.data["payment"]["error"]["code"] == "over_payment" and _count(Reimbursement) == 0
    sales.complete(instance, "Task_HandleReimbursementProblem", "sales_admin", {"action": "resubmit_receipts"})
    sales.complete(instance, "Task_SubmitReceipts", "rep_east2", _receipts(100, 30.09))
    _approve_reimbursement(sales, instance)
    assert instance.status is InstanceStatus.completed and instance.data["payment"]["amount"] == "130.09"
    assert all_invariants_hold()


def test_only_the_assessed_salesperson_submits_the_receipts(sales, collected):
    from app.errors import Forbidden
    from app.services import tasks

    collected(CITY_DEALER, [("MTR001", 1)])
    instance = _start(sales)
    _approve_assessment(sales, instance)
    with pytest.raises(Forbidden):
        tasks.complete_task(sales.task(instance, "Task_SubmitReceipts").id, sales.user("rep_east1"), _receipts(130.09))
