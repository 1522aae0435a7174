"""Write-off rules 1–5 (回款核销) and reversing an allocation."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger.balances import outstanding, unallocated
from app.models import Allocation, Invoice, Receipt, ReceiptReversal, Receivable
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import all_invariants_hold, receipts_and_customers_reconcile

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


def _entries(source_type, source_id):
    from app.models import LedgerEntry

    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == source_type,
                                                        LedgerEntry.source_id == source_id)).all()


def test_a_mistaken_receipt_is_reversed_by_a_red_receipt_and_reversing_allocations(world, act, sell):
    _, first = sell("D00002", [("P100", 1)], day="2026-11-01")   # 113.00
    _, second = sell("D00002", [("P100", 2)], day="2026-11-02")  # 226.00
    receipt = act("ledger.record_receipt", customer="D00002", amount="400", date="2026-11-10")
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    assert _open(first) == _open(second) == D("0.00")
    paid = _receipt(receipt["receipt_no"])
    result = act("ledger.reverse_receipt", receipt=receipt["receipt_no"], reason="银行流水重复录入", date="2026-11-12")
    assert result["amount"] == "-400.00" and result["reversal_no"].startswith("RR202611-")
    assert sorted(a["amount"] for a in result["reversed_allocations"]) == ["-113.00", "-226.00"]
    # the invoices reopen, the receipt has nothing left to allocate, nothing was changed in place
    assert _open(first) == D("113.00") and _open(second) == D("226.00")
    assert unallocated(paid) == D("0.00") and paid.amount == D("400.00")
    red_id = db.session.scalar(select(ReceiptReversal.id).where(ReceiptReversal.receipt_id == paid.id))
    originals = {e.id: e for e in _entries("receipt", paid.id)}
    mirrors = _entries("receipt_reversal", red_id)
    assert {m.reverses_entry_id for m in mirrors} == set(originals)
    assert all(m.debit == -originals[m.reverses_entry_id].debit and m.credit == -originals[m.reverses_entry_id].credit
               for m in mirrors)
    # allocating again finds no money on the reversed receipt
    again = act("ledger.allocate_receipt", customer="D00002", date="2026-11-13")
    assert again["allocations"] == [] and again["advance_left"] == "0.00"
    assert receipts_and_customers_reconcile()
    assert all_invariants_hold()


def test_reversing_a_receipt_that_was_never_allocated(world, act):
    receipt = act("ledger.record_advance", customer="D00001", amount="5000", date="2026-11-10")
    act("ledger.reverse_receipt", receipt=receipt["receipt_no"], reason="客户名称录错", date="2026-11-10")
    assert unallocated(_receipt(receipt["receipt_no"])) == D("0.00")
    assert receipts_and_customers_reconcile()


def test_receipt_reversals_that_break_a_rule(world, act):
    from app.ledger.journal import close_period

    receipt = act("ledger.record_receipt", customer="D00001", amount="100", date="2026-11-10")
    for params, code in [({"receipt": "RC209901-0001", "reason": "x"}, "unknown_receipt"),
                         ({"receipt": receipt["receipt_no"], "reason": "  "}, "missing_reason")]:
        with pytest.raises(BusinessRuleViolation) as raised:
            act("ledger.reverse_receipt", date="2026-11-12", **params)
        assert raised.value.code == code
    close_period("2026-11")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.reverse_receipt", receipt=receipt["receipt_no"], reason="错录", date="2026-11-12")
    assert raised.value.code == "period_closed"
    # the original's period is closed: the red receipt goes into an open one
    act("ledger.reverse_receipt", receipt=receipt["receipt_no"], reason="错录", date="2026-12-01")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.reverse_receipt", receipt=receipt["receipt_no"], reason="错录", date="2026-12-01")
    assert raised.value.code == "already_reversed"


def test_reversing_a_receipt_posts_once_per_call(world, act):
    from tests.support.ledger_harness import new_call

    receipt = act("ledger.record_receipt", customer="D00001", amount="100", date="2026-11-10")
    call = new_call("ledger.reverse_receipt")
    first = act("ledger.reverse_receipt", call=call, receipt=receipt["receipt_no"], reason="错录", date="2026-11-11")
    assert act("ledger.reverse_receipt", call=call, receipt=receipt["receipt_no"], reason="错录", date="2026-11-11") == first
    assert db.session.scalar(select(func.count()).select_from(ReceiptReversal)) == 1


def test_the_monthly_check_counts_red_receipts(world, act):
    receipt = act("ledger.record_receipt", customer="D00001", amount="100", date="2026-11-10")
    act("ledger.reverse_receipt", receipt=receipt["receipt_no"], reason="错录", date="2026-11-11")
    assert all_invariants_hold()


def test_a_contract_reference_limits_the_write_off_to_that_contracts_invoices(world, act):
    """Rule 1: where finance's list gives the contract, the receipt settles
    that contract's invoices only (the collection assessment needs it)."""
    act("ledger.register_contract", customer="D00001", number="HT-WO-1", amount_cap="100000", valid_from="2026-11-01")
    invoices = {}
    for contract, day in ((None, "2026-11-01"), ("HT-WO-1", "2026-11-02")):
        order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 1}], date=day,
                    contract_number=contract)
        note = act("ledger.create_shipping_note", order=order["order_no"], date=day)
        act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
        invoices[contract] = act("ledger.issue_invoice", order=order["order_no"], date=day)["invoice_no"]
    receipt = act("ledger.record_receipt", customer="D00001", amount="2000", date="2026-11-10", contract_reference="HT-WO-1")
    result = act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-10")
    assert [(a["invoice_no"], a["amount"]) for a in result["allocations"]] == [(invoices["HT-WO-1"], "1130.00")]
    assert _open(invoices[None]) == D("1130.00")  # older, but another contract's
    assert result["advance_left"] == "870.00"
    assert all_invariants_hold()
