"""The collection assessment (回款考核) and the quarterly performance score."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AssessmentLine, CollectionAssessment, LedgerEntry
from app.actions import BusinessRuleViolation
from tests.support.assessment_schemes import approve_scheme
from tests.support.ledger_harness import all_invariants_hold

D = Decimal


def _collect(act, sell, amount, day="2026-11-05", lines=(("P200", 1),)):
    _, invoice_no = sell("D00001", list(lines))
    receipt = act("ledger.record_receipt", customer="D00001", amount=amount, date=day)
    made = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date=day)
    return invoice_no, made


def test_assessment_charges_the_collected_share_of_the_price_difference(world, act, sell):
    # P200 sold at 1130 incl. VAT (net 1000.00); the base (KEY) class price is 900 net: 100.00 difference
    approve_scheme("KEY")
    invoice_no, made = _collect(act, sell, "565")
    result = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", date="2026-11-30")
    assert result["amount"] == "50.00"  # half collected
    assert result["allocations"] == [{"allocation_id": made["allocations"][0]["allocation_id"], "invoice_no": invoice_no,
                                      "collected": "565.00", "difference": "50.00"}]
    again = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", date="2026-11-30")
    assert again["assessment_no"] is None and again["allocations"] == []  # an allocation is assessed once
    paid = act("ledger.pay_reimbursement", assessment=result["assessment_no"], date="2026-12-02")
    assert paid["amount"] == "50.00" and paid["still_due"] == "0.00"
    assessment = db.session.scalar(select(CollectionAssessment))
    assert [line.allocation.receivable.invoice.number for line in assessment.lines] == [invoice_no]
    assert all_invariants_hold()


def test_selling_below_the_base_charges_a_negative_amount_and_reversed_allocations_do_not_count(world, act, sell):
    # P100 to D00001 at the KEY price 95.50 net vs the standard 113 incl. (1000.00 net per 10): −45.00
    approve_scheme("STD")
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
    assert result["kind"] == "recovery"
    # a recovery is owed by the salesperson: Dr 2241 / Cr 6601, never a negative debit
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == "collection_assessment")).all()
    assert sorted((e.account, e.debit, e.credit) for e in entries) == [("2241", D("45.00"), D("0")),
                                                                      ("6601", D("0"), D("45.00"))]
    assert all_invariants_hold()


def test_a_recovery_is_offset_against_the_next_payout(world, act, sell):
    approve_scheme("STD")  # KH/v1 for November
    approve_scheme("KEY", valid_from=date(2026, 12, 1))  # KH/v2 from December
    _collect(act, sell, "1079.15", lines=(("P100", 10),))  # −45.00 (sold below the standard list)
    recovery = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11", date="2026-11-30")
    _collect(act, sell, "1130", day="2026-12-03")  # P200 1000.00 net vs KEY 900: +100.00
    payout = act("ledger.charge_assessment", salesperson="rep_test", month="2026-12", date="2026-12-31")
    assert (recovery["scheme"], payout["scheme"]) == ("KH/v1", "KH/v2")
    assert (recovery["amount"], payout["amount"], payout["kind"]) == ("-45.00", "100.00", "payout")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.pay_reimbursement", assessment=payout["assessment_no"], amount="60", date="2026-12-31")
    assert raised.value.code == "over_payment" and raised.value.details == {"due": "55.00"}
    paid = act("ledger.pay_reimbursement", assessment=payout["assessment_no"], date="2026-12-31")
    assert (paid["amount"], paid["still_due"]) == ("55.00", "0.00")
    owed = db.session.scalar(select(func.sum(LedgerEntry.credit) - func.sum(LedgerEntry.debit))
                             .where(LedgerEntry.account == "2241", LedgerEntry.salesperson_id == world.rep.id))
    assert owed == 0
    assert all_invariants_hold()


def test_preview_posts_nothing_and_the_charge_keeps_to_the_approved_write_offs(world, act, sell):
    approve_scheme("KEY")
    _, made = _collect(act, sell, "565")
    preview = act("ledger.preview_assessment", salesperson="rep_test", month="2026-11")
    approved = made["allocations"][0]["allocation_id"]
    assert (preview["amount"], preview["kind"], preview["allocation_ids"]) == ("50.00", "payout", [approved])
    assert db.session.scalar(select(func.count()).select_from(CollectionAssessment)) == 0
    assert db.session.scalar(select(func.count()).select_from(AssessmentLine)) == 0
    _collect(act, sell, "565", day="2026-11-06")  # a later write-off waits for the next assessment
    charged = act("ledger.charge_assessment", salesperson="rep_test", month="2026-11",
                  allocations=[approved], date="2026-11-30")
    assert charged["amount"] == "50.00" and [a["allocation_id"] for a in charged["allocations"]] == [approved]
    with pytest.raises(BusinessRuleViolation) as raised:  # already assessed
        act("ledger.charge_assessment", salesperson="rep_test", month="2026-11",
            allocations=[approved], date="2026-11-30")
    assert raised.value.code == "assessment_changed" and raised.value.details == {"missing": [approved]}
    assert all_invariants_hold()


@pytest.mark.parametrize("today, quarter", [("2027-01-01", "2026-Q4"), ("2026-12-31", "2026-Q3"),
                                            ("2026-04-01", "2026-Q1"), ("2026-09-30", "2026-Q2")])
def test_previous_quarter(today, quarter):
    from datetime import date

    from app.ledger.assessment import previous_quarter

    assert previous_quarter(date.fromisoformat(today)) == quarter


def test_an_empty_quarter_is_the_one_that_ended_in_business_time(world, act, sell, app):
    from datetime import datetime, timezone

    from app import clock

    sell("D00001", [("P200", 1)])
    # 2027-01-01 01:00 in Shanghai is still 2026-12-31 in UTC: the quarter that ended is Q4
    clock.set_clock(app, lambda: datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))
    try:
        result = act("ledger.score_performance", quarter="")
    finally:
        clock.set_clock(app, None)
    assert result["quarter"] == "2026-Q4" and [s["grade"] for s in result["scores"]] == ["D"]


@pytest.mark.parametrize("points, letter", [("100", "A"), ("90", "A"), ("89.99", "B"), ("75", "B"), ("60", "C"),
                                            ("59.99", "D"), ("0", "D")])
def test_grades(points, letter):
    from app.ledger.assessment import grade

    assert grade(D(points)) == letter


@pytest.mark.parametrize("params, code", [
    ({"salesperson": "rep_test", "month": "2026-13"}, "invalid_month"),
    ({"salesperson": "nobody", "month": "2026-11"}, "unknown_user"),
    ({"salesperson": "rep_test", "month": "2026-11"}, "no_assessment_scheme"),  # no version approved
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
        "collection_rate": "0.5000", "score": "0.00", "grade": "D"}]}  # 50 points for collection, −50 for returning half
    assert act("ledger.score_performance", quarter="2026-Q3")["scores"] == []
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.score_performance", quarter="2026-Q5")
    assert raised.value.code == "invalid_quarter"
