"""F08, finance's line-by-line review (seed §八.1 财务部逐一审核费用明细)
through the real diagram: finance rejects single lines with a reason and
only the accepted lines are approved and posted; a rejection naming a line
the charge does not hold, or rejecting every line, goes back to the
requester; nobody after finance can change which lines post; a reassessed
charge is reviewed afresh."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AssessmentLine, CollectionAssessment
from tests.support.ledger_harness import all_invariants_hold

D = Decimal
CITY_DEALER = "江苏机电设备经销部"  # standard list; rep_east2


@pytest.fixture
def two_lines(act, customer_code, shipped_order):
    """Two invoices of the city dealer paid and written off: 1 and 2 × MTR001
    (130.09 and 260.17 above the dealer list, each invoice rounded); their
    allocation ids."""
    code = customer_code(CITY_DEALER)
    ids = []
    for qty in (1, 2):
        invoice = act("ledger.issue_invoice", order=shipped_order(code, [("MTR001", qty)]))
        receipt = act("ledger.record_receipt", customer=code, amount=invoice["gross"])
        ids += [a["allocation_id"] for a in act("ledger.allocate_receipt", receipt=receipt["receipt_no"])["allocations"]]
    return ids


def _start(sales):
    return sales.start("collection_assessment", {"salesperson": "rep_east2", "month": "2026-12"},
                       "sales_admin")


def _review(sales, instance, rejected, decision="approve"):
    sales.complete(instance, "Task_FinanceReview", "finance", {"decision": decision, "comment": "逐笔核对",
                                                               "rejected_lines": rejected})


def test_only_the_lines_finance_accepts_are_approved_and_posted(sales, two_lines):
    first, second = two_lines
    instance = _start(sales)
    assert instance.data["assessment_preview"]["amount"] == "390.26"
    _review(sales, instance, [{"allocation_id": second, "reason": "该笔回款含运费，不计差价"}])
    reviewed = instance.data["assessment_reviewed"]
    assert (reviewed["allocation_ids"], reviewed["amount"], reviewed["kind"]) == ([first], "130.09", "payout")
    assert [(r["allocation_id"], r["difference"], r["reason"]) for r in reviewed["rejected"]] == \
        [(second, "260.17", "该笔回款含运费，不计差价")]
    assert sales.ready_elements(instance) == ["Task_DirectorApproval"]
    with pytest.raises(ValidationFailed):  # the director approves the lines finance accepted, and cannot add one back
        sales.complete(instance, "Task_DirectorApproval", "director", {"decision": "approve", "rejected_lines": []})
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.data["assessment"]["amount"] == "130.09"
    [assessment] = db.session.scalars(select(CollectionAssessment)).all()
    assert assessment.amount == D("130.09") and [line.allocation_id for line in assessment.lines] == [first]
    assert db.session.scalar(select(AssessmentLine).where(AssessmentLine.allocation_id == second)) is None
    assert sales.ready_elements(instance) == ["Task_SubmitReceipts"]
    assert all_invariants_hold()


@pytest.mark.parametrize("rejected, code", [
    ([{"allocation_id": 999999, "reason": "不是本单的核销"}], "unknown_assessment_line"),  # a line of no charge
    ("both", "nothing_accepted"),                                                        # that is rejecting the charge
])
def test_a_review_that_names_no_line_of_the_charge_or_rejects_every_line_goes_back(sales, two_lines, rejected, code):
    if rejected == "both":
        rejected = [{"allocation_id": ident, "reason": "不予认可"} for ident in two_lines]
    instance = _start(sales)
    _review(sales, instance, rejected)
    assert instance.data["assessment_reviewed"]["error"]["code"] == code
    assert sales.ready_elements(instance) == ["Task_ResolveAssessmentProblem"]
    assert db.session.scalar(select(CollectionAssessment)) is None
    assert all_invariants_hold()


def test_another_salespersons_write_off_cannot_be_slipped_in_by_rejecting(sales, two_lines, act, customer_code,
                                                                           shipped_order):
    code = customer_code("浙江泵阀总经销有限公司")  # rep_east1's customer
    invoice = act("ledger.issue_invoice", order=shipped_order(code, [("MTR001", 1)]))
    receipt = act("ledger.record_receipt", customer=code, amount=invoice["gross"])
    [foreign] = [a["allocation_id"] for a in act("ledger.allocate_receipt", receipt=receipt["receipt_no"])["allocations"]]
    instance = _start(sales)
    _review(sales, instance, [{"allocation_id": foreign, "reason": "x"}])
    assert instance.data["assessment_reviewed"]["error"]["code"] == "unknown_assessment_line"
    assert db.session.scalar(select(CollectionAssessment)) is None


def test_a_reassessed_charge_is_reviewed_afresh(sales, two_lines):
    first, second = two_lines
    instance = _start(sales)
    _review(sales, instance, [{"allocation_id": first, "reason": "待核实"}])
    sales.reject(instance, "Task_DirectorApproval", "director", "请财务核实后重新计算")
    sales.complete(instance, "Task_ResolveAssessmentProblem", "sales_admin",
                   {"action": "reassess", "salesperson": "rep_east2", "month": "2026-12"})
    sales.approve(instance, "Task_FinanceReview", "finance")  # nothing rejected this time
    assert instance.data["assessment_reviewed"]["allocation_ids"] == [first, second]
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.data["assessment"]["amount"] == "390.26"
    assert all_invariants_hold()
