"""F05 receipt_writeoff through the service layer with the real diagram:
finance's list of receipts recorded in one step (all or none), written off
line by line once the supervisor approves, the advance that is left, and
the ledger invariants after every branch."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.balances import unallocated
from app.models import Allocation, InstanceStatus, LedgerEntry, Receipt
from tests.support.ledger_harness import all_invariants_hold

DEALER = "浙江泵阀总经销有限公司"
ANHUI = "安徽水务集团有限公司"


@pytest.fixture
def invoiced(act, customer_code, shipped_order):
    """``invoiced([("MTR001", 1)], customer=DEALER)``: an order shipped and invoiced; the invoice number."""

    def make(lines, customer=DEALER):
        order_no = shipped_order(customer_code(customer), lines)
        return act("ledger.issue_invoice", order=order_no)["invoice_no"]

    return make


@pytest.fixture
def line(customer_code):
    references = iter(range(42, 999))

    def build(amount, customer=DEALER, **extra):
        return {"customer": customer_code(customer), "amount": amount, "bank_reference": f"ICBC-20261201-{next(references):04d}",
                "receipt_date": "2026-12-01", "allocation_basis": "oldest_due", **extra}

    return build


def _receipts():
    return list(db.session.scalars(select(Receipt).order_by(Receipt.id)))


def _allocated_to(invoice_no):
    return sum((a.amount for a in db.session.scalars(select(Allocation)) if a.receivable.invoice.number == invoice_no),
               Decimal("0"))


def _postings():
    """Entries of receipts and write-offs (the invoices a test starts from post their own)."""
    return db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.source_type.in_(("receipt", "allocation"))))


def test_a_list_of_receipts_is_recorded_at_hand_over_and_written_off_at_approval(sales, invoiced, line):
    older = invoiced([("MTR001", 1)])            # 980.00
    newer = invoiced([("MTR001", 2)])            # 1960.00
    anhui = invoiced([("MTR001", 1)], ANHUI)     # 980.00
    instance = sales.start("receipt_writeoff", {"receipts": [
        line(1960, allocation_basis="invoice", invoice_reference=newer), line(1500), line(1000, ANHUI)],
        "handover_note": "12月1日到账"}, "finance")
    recorded = instance.data["receipt_result"]
    assert recorded["ok"] and [r["amount"] for r in recorded["receipts"]] == ["1960.00", "1500.00", "1000.00"]
    assert recorded["total"] == "4460.00" and len(_receipts()) == 3
    assert db.session.scalar(select(func.count()).select_from(Allocation)) == 0  # nothing written off before approval
    review = sales.task(instance, "Task_ReviewWriteOff")
    assert review.candidate_role == "sales_admin" and review.is_approval
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    result = instance.data["allocation_result"]
    assert result["ok"] and result["allocated"] == "3920.00" and result["advance_left"] == "540.00"
    assert _allocated_to(newer) == Decimal("1960.00") and _allocated_to(older) == Decimal("980.00")
    assert _allocated_to(anhui) == Decimal("980.00")
    assert [unallocated(r) for r in _receipts()] == [Decimal("0.00"), Decimal("520.00"), Decimal("20.00")]
    assert all_invariants_hold()


def test_a_bad_line_refuses_the_whole_list_naming_it_and_finance_corrects_it(sales, invoiced, line):
    invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", {"receipts": [line(500), {**line(980), "customer": "X99999"}]}, "finance")
    error = instance.data["receipt_result"]["error"]
    assert error["code"] == "unknown_customer" and error["line"] == 2
    problem = sales.task(instance, "Task_ResolveReceiptProblem")
    assert problem.assignee.username == "finance"
    assert _receipts() == [] and _postings() == 0  # the good first line was not recorded either
    sales.complete(instance, "Task_ResolveReceiptProblem", "finance",
                   {"receipts": [line(500), line(980)], "action": "retry"})
    assert len(_receipts()) == 2
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert instance.status is InstanceStatus.completed and instance.data["allocation_result"]["allocated"] == "980.00"
    assert all_invariants_hold()


def test_the_ledger_names_the_line_of_a_refused_list(act, sales, line):
    from app.actions import BusinessRuleViolation
    from app.ledger.posting import Source
    from app.ledger.receipt_lists import record_receipt_list

    twice = line(100)
    for receipts, field in (([line(100), {**twice}, {**twice}], "receipts.2.bank_reference"),
                            ([line(100), line(100, receipt_date="2026-13-01")], "receipts.1.receipt_date"),
                            ([line(100, allocation_basis="invoice")], "receipts.0.invoice_reference")):
        with pytest.raises(BusinessRuleViolation) as caught:
            record_receipt_list(Source("900:t-list:ledger.record_receipts", None, 900), receipts)
        assert caught.value.field == field
    assert _receipts() == []


def test_a_malformed_line_is_refused_at_the_form_naming_it(sales, line):
    with pytest.raises(ValidationFailed) as caught:
        sales.start("receipt_writeoff", {"receipts": [line(500), line(-5)]}, "finance")
    assert list(caught.value.details["fields"]) == ["receipts.1.amount"] and _receipts() == []


def test_a_refused_list_is_cancelled_and_nothing_is_recorded(sales, line):
    instance = sales.start("receipt_writeoff", {"receipts": [{**line(980), "customer": "X99999"}]}, "finance")
    sales.complete(instance, "Task_ResolveReceiptProblem", "finance",
                   {"receipts": [{**line(980), "customer": "X99999"}], "action": "cancel"})
    assert instance.status is InstanceStatus.completed and _receipts() == [] and _postings() == 0
    assert all_invariants_hold()


def test_a_retried_write_off_posts_nothing_twice(sales, invoiced, line, refuse_once):
    calls = refuse_once("ledger.allocate_receipts", "period_closed", "The period is being closed.")
    first = invoiced([("MTR001", 1)])
    second = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", {"receipts": [line(980), line(500)]}, "finance")
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert sales.task(instance, "Task_ResolveAllocationProblem").candidate_role == "sales_admin"
    assert db.session.scalar(select(func.count()).select_from(Allocation)) == 0
    sales.complete(instance, "Task_ResolveAllocationProblem", "sales_admin", {"action": "retry"})
    assert instance.status is InstanceStatus.completed and len(calls) == 2
    assert _allocated_to(first) == Decimal("980.00") and _allocated_to(second) == Decimal("500.00")
    assert len(_receipts()) == 2 and all_invariants_hold()


def test_the_same_write_off_asked_again_returns_what_it_made(sales, invoiced, line):
    from app.ledger.posting import Source
    from app.ledger.receipt_lists import record_receipt_list, write_off_receipt_list

    invoiced([("MTR001", 1)])
    source = Source("900:t-list:ledger.record_receipts", None, 900)
    recorded = record_receipt_list(source, [line(600), line(600)])
    assert record_receipt_list(source, [line(600), line(600)]) == recorded and len(_receipts()) == 2
    writing = Source("900:t-write:ledger.allocate_receipts", None, 900)
    made = write_off_receipt_list(writing, recorded["receipt_nos"])
    assert write_off_receipt_list(writing, recorded["receipt_nos"]) == made
    assert made["allocated"] == "980.00" and made["advance_left"] == "220.00" and all_invariants_hold()


def test_another_requests_receipt_cannot_be_written_off(sales, line):
    from app.actions import BusinessRuleViolation
    from app.ledger.posting import Source
    from app.ledger.receipt_lists import record_receipt_list, write_off_receipt_list

    theirs = record_receipt_list(Source("901:t-list:ledger.record_receipts", None, 901), [line(600)])
    with pytest.raises(BusinessRuleViolation) as caught:
        write_off_receipt_list(Source("902:t-write:ledger.allocate_receipts", None, 902), theirs["receipt_nos"])
    assert caught.value.code == "not_this_request"


def test_rejected_write_off_is_clarified_line_by_line_and_approved(sales, invoiced, line):
    older = invoiced([("MTR001", 1)])
    newer = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", {"receipts": [line(980), line(300, ANHUI)]}, "finance")
    sales.reject(instance, "Task_ReviewWriteOff", "sales_admin", "客户说明第一笔支付的是第二张发票")
    revise = sales.task(instance, "Task_ReviseWriteOff")
    assert revise.assignee.username == "finance"
    sales.complete(instance, "Task_ReviseWriteOff", "finance", {"action": "resubmit", "receipts": [
        {"allocation_basis": "invoice", "invoice_reference": newer}, {"allocation_basis": "oldest_due"}]})
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin2")
    assert instance.status is InstanceStatus.completed
    assert _allocated_to(newer) == Decimal("980.00") and _allocated_to(older) == Decimal("0")
    assert instance.data["allocation_result"]["advance_left"] == "300.00"
    assert all_invariants_hold()


def test_rejected_write_off_left_as_advances(sales, invoiced, line):
    invoice_no = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", {"receipts": [line(980), line(20)]}, "finance")
    sales.reject(instance, "Task_ReviewWriteOff", "sales_admin", "款项性质不明")
    sales.complete(instance, "Task_ReviseWriteOff", "finance", {"action": "keep_as_advance"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert [unallocated(r) for r in _receipts()] == [Decimal("980.00"), Decimal("20.00")]
    assert _allocated_to(invoice_no) == Decimal("0") and "allocation_result" not in instance.data
    assert all_invariants_hold()


def test_write_off_in_a_closed_period_goes_to_the_supervisor_and_stays_advances(sales, act, invoiced, line):
    invoice_no = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", {"receipts": [line(980)]}, "finance")
    act("ledger.close_period", month="2026-12")
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert instance.data["allocation_result"]["error"]["code"] == "period_closed"
    sales.complete(instance, "Task_ResolveAllocationProblem", "sales_admin2", {"action": "keep_as_advance"})
    assert instance.status is InstanceStatus.completed
    assert unallocated(_receipts()[0]) == Decimal("980.00") and _allocated_to(invoice_no) == Decimal("0")
    assert all_invariants_hold()


def test_finance_cannot_review_its_own_hand_over(sales, line, create_user):
    from app.errors import Forbidden
    from app.services import tasks

    create_user("finance_admin", roles=["finance", "sales_admin"])
    instance = sales.start("receipt_writeoff", {"receipts": [line(100)]}, "finance_admin")
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(sales.task(instance, "Task_ReviewWriteOff").id, sales.user("finance_admin"), {"decision": "approve"})
    assert caught.value.code == "segregation_of_duties"
