"""Write-off rules 1–5 (回款核销) and reversing an allocation."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger.balances import outstanding, unallocated
from app.models import Allocation, Invoice, Receipt, Receivable
from app.workflow.actions import BusinessRuleViolation
from ledger.harness import all_invariants_hold

D = Decimal


def _open(invoice_no):
    receivable = db.session.scalar(select(Receivable).join(Invoice).where(Invoice.number == invoice_no))
    return outstanding(receivable)


def _receipt(number):
    return db.session.scalar(select(Receipt).where(Receipt.number == number))


def test_partial_payment_leaves_the_invoice_open_with_the_rest(world, act, sell):
    _, invoice_no = sell("D00002", [("P100", 5)])  # 5 × 113 = 565.00
    receipt = act("ledger.record_receipt", customer="D00002", amount="200", date="2026-11-10")
    result = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    assert result["allocated"] == "200.00" and result["advance_left"] == "0.00"
    assert _open(invoice_no) == D("365.00")
    assert all_invariants_hold()


def test_oldest_due_date_first_and_never_beyond_outstanding(world, act, sell):
    _, first = sell("D00001", [("P200", 1)], day="2026-11-01")   # 1130 at KEY? no: P200 is STD for c1 → 1130.00
    _, second = sell("D00001", [("P200", 1)], day="2026-11-05")
    receipt = act("ledger.record_receipt", customer="D00001", amount="1500", date="2026-11-10")
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    assert _open(first) == D("0.00") and _open(second) == D("760.00")
    assert unallocated(_receipt(receipt["receipt_no"])) == D("0.00")


def test_explicit_invoice_reference_wins_over_the_oldest(world, act, sell):
    _, first = sell("D00001", [("P200", 1)], day="2026-11-01")
    _, second = sell("D00001", [("P200", 1)], day="2026-11-05")
    receipt = act("ledger.record_receipt", customer="D00001", amount="1000", date="2026-11-10", invoice_reference=second)
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    assert _open(first) == D("1130.00") and _open(second) == D("130.00")


def test_overpayment_becomes_an_advance_consumed_by_a_later_invoice(world, act, sell):
    _, first = sell("D00002", [("P100", 1)])  # 113.00
    receipt = act("ledger.record_receipt", customer="D00002", amount="300", date="2026-11-10")
    result = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    assert result["allocated"] == "113.00" and result["advance_left"] == "187.00"
    assert _open(first) == D("0")
    # receipt amount = allocations + unallocated (rule 4)
    paid = _receipt(receipt["receipt_no"])
    allocated = sum(a.amount for a in db.session.scalars(select(Allocation).where(Allocation.receipt_id == paid.id)))
    assert paid.amount == allocated + unallocated(paid)
    _, later = sell("D00002", [("P100", 2)], day="2026-11-12")  # 226.00
    result = act("ledger.allocate_receipt", customer="D00002", date="2026-11-12")  # consume advances
    assert result["allocated"] == "187.00" and _open(later) == D("39.00")
    assert all_invariants_hold()


def test_allocation_stays_within_one_customer(world, act, sell):
    sell("D00001", [("P100", 1)])
    receipt = act("ledger.record_receipt", customer="D00002", amount="50", date="2026-11-10")
    result = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    assert result["allocations"] == [] and result["advance_left"] == "50.00"


def test_salesperson_filter_limits_the_attribution(world, act, sell):
    _, invoice_no = sell("D00002", [("P100", 1)])
    receipt = act("ledger.record_receipt", customer="D00002", amount="50", date="2026-11-10")
    none = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], salesperson="director_test", date="2026-11-10")
    assert none["allocations"] == []
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], salesperson="rep_test", date="2026-11-10")
    assert db.session.scalar(select(Allocation)).salesperson_id == world.rep.id


def test_reversing_an_allocation_reopens_the_invoice_with_a_reversing_entry(world, act, sell):
    _, invoice_no = sell("D00002", [("P100", 1)])
    receipt = act("ledger.record_receipt", customer="D00002", amount="113", date="2026-11-10")
    made = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    allocation_id = made["allocations"][0]["allocation_id"]
    result = act("ledger.reverse_allocation", allocation_id=allocation_id, date="2026-11-11")
    assert result["amount"] == "-113.00" and result["reverses"] == allocation_id
    assert _open(invoice_no) == D("113.00")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.reverse_allocation", allocation_id=allocation_id, date="2026-11-11")
    assert raised.value.code == "already_reversed"
    assert all_invariants_hold()


def test_red_receivable_offsets_the_same_customers_blue_one(world, act, sell):
    order_no, invoice_no = sell("D00002", [("P100", 5)])  # 565.00
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 2}], date="2026-11-08")
    red = db.session.scalar(select(Receivable).where(Receivable.amount < 0))
    assert red.amount == D("-226.00") and outstanding(red) == D("0.00")
    assert _open(invoice_no) == D("339.00")
    offset = db.session.scalar(select(Allocation).where(Allocation.credit_receivable_id == red.id))
    assert offset.amount == D("226.00")
    assert all_invariants_hold()
