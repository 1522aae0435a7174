"""F05 receipt_writeoff through the service layer with the real diagram:
every branch, the receipt and allocations it posts, the advance that is
left, and the ledger invariants after it."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger.balances import unallocated
from app.models import Allocation, InstanceStatus, Receipt
from tests.support.ledger_harness import all_invariants_hold

DEALER = "浙江泵阀总经销有限公司"


@pytest.fixture
def invoiced(act, customer_code, shipped_order):
    """``invoiced([("MTR001", 1)])``: an order shipped and invoiced for the dealer; the invoice number."""

    def make(lines):
        order_no = shipped_order(customer_code(DEALER), lines)
        return act("ledger.issue_invoice", order=order_no)["invoice_no"]

    return make


@pytest.fixture
def handover(customer_code):
    def build(amount, **extra):
        return {"customer": customer_code(DEALER), "amount": amount, "bank_reference": "ICBC-20261201-0042",
                "receipt_date": "2026-12-01", "allocation_basis": "oldest_due", **extra}

    return build


def _receipts():
    return list(db.session.scalars(select(Receipt).order_by(Receipt.id)))


def _allocated_to(invoice_no):
    return sum((a.amount for a in db.session.scalars(select(Allocation)) if a.receivable.invoice.number == invoice_no),
               Decimal("0"))


def test_receipt_is_written_off_and_the_rest_stays_an_advance(sales, invoiced, handover):
    invoice_no = invoiced([("MTR001", 2)])  # 1960.00
    instance = sales.start("receipt_writeoff", handover(3000), "finance")
    assert instance.data["receipt_result"]["ok"] and instance.data["receipt_result"]["amount"] == "3000.00"
    review = sales.task(instance, "Task_ReviewWriteOff")
    assert review.candidate_role == "sales_admin" and review.is_approval
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    result = instance.data["allocation_result"]
    assert result["ok"] and result["allocated"] == "1960.00" and result["advance_left"] == "1040.00"
    assert [a["invoice_no"] for a in result["allocations"]] == [invoice_no]
    [receipt] = _receipts()
    assert receipt.amount == Decimal("3000.00") and unallocated(receipt) == Decimal("1040.00")
    assert receipt.bank_reference == "ICBC-20261201-0042" and _allocated_to(invoice_no) == Decimal("1960.00")
    assert all_invariants_hold()


def test_a_named_invoice_is_paid_before_older_ones(sales, invoiced, handover):
    older = invoiced([("MTR001", 1)])   # 980.00
    newer = invoiced([("MTR001", 2)])   # 1960.00
    instance = sales.start("receipt_writeoff", handover(1960, allocation_basis="invoice", invoice_reference=newer), "finance")
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert instance.data["allocation_result"]["advance_left"] == "0.00"
    assert _allocated_to(newer) == Decimal("1960.00") and _allocated_to(older) == Decimal("0")
    assert _receipts()[0].invoice_reference == newer
    assert all_invariants_hold()


def test_without_open_invoices_the_whole_receipt_is_an_advance(sales, handover):
    instance = sales.start("receipt_writeoff", handover(500), "finance")
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    result = instance.data["allocation_result"]
    assert instance.status is InstanceStatus.completed
    assert result["allocations"] == [] and result["allocated"] == "0.00" and result["advance_left"] == "500.00"
    assert all_invariants_hold()


def test_rejected_write_off_is_clarified_by_finance_and_approved(sales, invoiced, handover):
    older = invoiced([("MTR001", 1)])
    newer = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", handover(980), "finance")
    sales.reject(instance, "Task_ReviewWriteOff", "sales_admin", "客户说明此款支付的是第二张发票")
    revise = sales.task(instance, "Task_ReviseWriteOff")
    assert revise.assignee.username == "finance"
    sales.complete(instance, "Task_ReviseWriteOff", "finance",
                   {"allocation_basis": "invoice", "invoice_reference": newer, "action": "resubmit"})
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin2")
    assert instance.status is InstanceStatus.completed
    assert _allocated_to(newer) == Decimal("980.00") and _allocated_to(older) == Decimal("0")
    assert all_invariants_hold()


def test_rejected_write_off_left_as_an_advance(sales, invoiced, handover):
    invoice_no = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", handover(980), "finance")
    sales.reject(instance, "Task_ReviewWriteOff", "sales_admin", "款项性质不明")
    sales.complete(instance, "Task_ReviseWriteOff", "finance", {"allocation_basis": "oldest_due", "action": "keep_as_advance"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    [receipt] = _receipts()
    assert unallocated(receipt) == Decimal("980.00") and _allocated_to(invoice_no) == Decimal("0")
    assert "allocation_result" not in instance.data
    assert all_invariants_hold()


def test_unknown_customer_goes_back_to_finance_who_corrects_and_retries(sales, invoiced, handover, customer_code):
    invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", handover(980, customer="X99999"), "finance")
    problem = sales.task(instance, "Task_ResolveReceiptProblem")
    assert problem.assignee.username == "finance"
    assert instance.data["receipt_result"]["error"]["code"] == "unknown_customer" and _receipts() == []
    sales.complete(instance, "Task_ResolveReceiptProblem", "finance", {**handover(980), "action": "retry"})
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    assert instance.status is InstanceStatus.completed and instance.data["allocation_result"]["allocated"] == "980.00"
    assert all_invariants_hold()


def test_refused_receipt_is_cancelled(sales, handover):
    instance = sales.start("receipt_writeoff", handover(980, customer="X99999"), "finance")
    sales.complete(instance, "Task_ResolveReceiptProblem", "finance", {**handover(980, customer="X99999"), "action": "cancel"})
    assert instance.status is InstanceStatus.completed and _receipts() == []
    assert all_invariants_hold()


def test_allocation_in_a_closed_period_goes_to_the_supervisor_and_stays_an_advance(sales, act, invoiced, handover):
    invoice_no = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", handover(980), "finance")
    act("ledger.close_period", month="2026-12")
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    problem = sales.task(instance, "Task_ResolveAllocationProblem")
    assert problem.candidate_role == "sales_admin"
    assert instance.data["allocation_result"]["error"]["code"] == "period_closed"
    sales.complete(instance, "Task_ResolveAllocationProblem", "sales_admin2", {"action": "keep_as_advance"})
    assert instance.status is InstanceStatus.completed
    assert unallocated(_receipts()[0]) == Decimal("980.00") and _allocated_to(invoice_no) == Decimal("0")
    assert all_invariants_hold()


def test_refused_allocation_is_retried(sales, invoiced, handover, refuse_once):
    calls = refuse_once("ledger.allocate_receipt", "period_closed", "The period is being closed.")
    invoice_no = invoiced([("MTR001", 1)])
    instance = sales.start("receipt_writeoff", handover(980), "finance")
    sales.approve(instance, "Task_ReviewWriteOff", "sales_admin")
    sales.complete(instance, "Task_ResolveAllocationProblem", "sales_admin", {"action": "retry"})
    assert instance.status is InstanceStatus.completed and instance.data["allocation_result"]["ok"]
    assert calls[1]["receipt"] == _receipts()[0].number and calls[1]["invoices"] is None
    assert _allocated_to(invoice_no) == Decimal("980.00") and all_invariants_hold()


def test_finance_cannot_review_its_own_hand_over(sales, handover, create_user):
    from app.errors import Forbidden
    from app.services import tasks

    create_user("finance_admin", roles=["finance", "sales_admin"])
    instance = sales.start("receipt_writeoff", handover(100), "finance_admin")
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(sales.task(instance, "Task_ReviewWriteOff").id, sales.user("finance_admin"), {"decision": "approve"})
    assert caught.value.code == "segregation_of_duties"
