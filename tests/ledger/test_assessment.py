"""The collection assessment (回款考核) and the quarterly performance score."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AssessmentLine, CollectionAssessment
from app.workflow.actions import BusinessRuleViolation
from ledger.harness import all_invariants_hold

D = Decimal


def _collect(act, sell, amount, day="2026-11-05", lines=(("P200", 1),)):
    _, invoice_no = sell("D00001", list(lines))
    receipt = act("ledger.record_receipt", customer="D00001", amount=amount, date=day)
    made = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date=day)
    return invoice_no, made


def test_assessment_charges_the_collected_share_of_the_price_difference(world, act, sell):
    # P200 sold at 1130 incl. VAT (net 1000.00); the base (KEY) class price is 900 net: 100.00 difference
    invoice_no, made = _collect(act, sell, "565")
    result = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", base_price_list="KEY",
                 date="2026-11-30")
    assert result["amount"] == "50.00"  # half collected
    assert result["allocations"] == [{"allocation_id": made["allocations"][0]["allocation_id"], "invoice_no": invoice_no,
                                      "collected": "565.00", "difference": "50.00"}]
    again = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", base_price_list="KEY", date="2026-11-30")
    assert again["assessment_no"] is None and again["allocations"] == []  # an allocation is assessed once
    paid = act("ledger.pay_reimbursement", assessment=result["assessment_no"], date="2026-12-02")
    assert paid["amount"] == "50.00" and paid["still_due"] == "0.00"
    assessment = db.session.scalar(select(CollectionAssessment))
    assert [line.allocation.receivable.invoice.number for line in assessment.lines] == [invoice_no]
    assert all_invariants_hold()


def test_selling_below_the_base_charges_a_negative_amount_and_reversed_allocations_do_not_count(world, act, sell):
    # P100 to D00001 at the KEY price 95.50 net vs the standard 113 incl. (1000.00 net per 10): −45.00
    _, made = _collect(act, sell, "1079.15", lines=(("P100", 10),))
    act("ledger.reverse_allocation", allocation_id=made["allocations"][0]["allocation_id"], date="2026-11-06")
    empty = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", date="2026-11-30")
    assert empty["amount"] == "0.00" and empty["assessment_no"] is None
    act("ledger.allocate_receipt", customer="D00001", date="2026-11-07")
    result = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", date="2026-11-30")
    assert result["amount"] == "-45.00"
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.pay_reimbursement", assessment=result["assessment_no"])
    assert raised.value.code == "nothing_to_pay"
    assert db.session.scalar(select(AssessmentLine.difference)) == D("-45.00")
    assert all_invariants_hold()


@pytest.mark.parametrize("params, code", [
    ({"salesperson": "rep_test", "month": "2026-13"}, "invalid_month"),
    ({"salesperson": "nobody", "month": "2026-11"}, "unknown_user"),
    ({"salesperson": "rep_test", "month": "2026-11", "base_price_list": "NOPE"}, "unknown_price_list"),
])
def test_assessment_input_errors(world, act, params, code):
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.charge_assessment", **params)
    assert raised.value.code == code


def test_quarterly_score_from_invoices_returns_and_collections(world, act, sell):
    order_no, _ = sell("D00001", [("P200", 2)])  # 2260.00
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1}], date="2026-11-10")  # red −1130, offsets
    receipt = act("ledger.record_receipt", customer="D00001", amount="565", date="2026-11-12")
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-12")
    result = act("ledger.score_performance", quarter="2026-q4")
    assert result == {"ok": True, "quarter": "2026-Q4", "scores": [{
        "salesperson": "rep_test", "invoiced": "1130.00", "returned": "1130.00", "collected": "565.00",
        "collection_rate": "0.5000", "score": "0.00"}]}  # 50 points for collection, −50 for returning half
    assert act("ledger.score_performance", quarter="2026-Q3")["scores"] == []
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.score_performance", quarter="2026-Q5")
    assert raised.value.code == "invalid_quarter"
