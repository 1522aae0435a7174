"""F04 invoice_request through the service layer with the real diagram:
every branch, the invoice it posts, and the ledger invariants after it."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Invoice, InstanceStatus, LedgerEntry, Receivable, RevenueRecognition
from tests.support.ledger_harness import all_invariants_hold

DEALER = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1
ISSUE = {"invoice_date": "2026-12-01", "tax_invoice_number": "No.04418832"}
ENTRY = {"delivery_method": "mail", "entry_note": "顺丰寄出"}


@pytest.fixture
def request_for(customer_code):
    def build(order_no, **extra):
        return {"customer": customer_code(DEALER), "order_no": order_no, "invoice_type": "special_vat", **extra}

    return build


def _invoices():
    return list(db.session.scalars(select(Invoice).order_by(Invoice.id)))


def _issue_and_enter(sales, instance):
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", ISSUE)
    sales.complete(instance, "Task_EnterInvoice", "sales_admin2", ENTRY)


def test_shipped_order_is_invoiced_posted_and_entered(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2), ("PRT001", 3)])
    instance = sales.start("invoice_request", request_for(order_no), "rep_east1")
    check = sales.task(instance, "Task_CheckShipped")
    assert check.candidate_role == "sales_admin" and check.is_approval
    sales.approve(instance, "Task_CheckShipped", "sales_admin")
    assert sales.task(instance, "Task_IssueInvoice").candidate_role == "billing_clerk"
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", ISSUE)
    assert sales.task(instance, "Task_EnterInvoice").candidate_role == "sales_admin"
    sales.complete(instance, "Task_EnterInvoice", "sales_admin2", ENTRY)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []

    [invoice] = _invoices()
    result = instance.data["invoice_result"]
    assert result["ok"] and result["invoice_no"] == invoice.number and result["kind"] == "blue"
    # MTR001 980.00 × 2 + PRT001 85.00 × 3, tax-inclusive standard prices
    assert invoice.gross == Decimal("2215.00") and result["gross"] == "2215.00"
    assert invoice.net + invoice.tax == invoice.gross and str(invoice.invoice_date) == "2026-12-01"
    receivable = db.session.scalar(select(Receivable).where(Receivable.invoice_id == invoice.id))
    assert receivable.amount == Decimal("2215.00")
    revenue = instance.data["revenue_result"]
    assert revenue["ok"] and revenue["invoice_no"] == invoice.number and revenue["revenue_entries"] == str(invoice.net)
    assert db.session.scalar(select(func.count()).select_from(RevenueRecognition)) == 1
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == "invoice")).all()
    assert sum(e.debit for e in entries) == sum(e.credit for e in entries) == Decimal("2215.00")
    assert all_invariants_hold()


def test_rejected_request_is_revised_and_resubmitted(sales, customer_code, shipped_order, request_for):
    shipped = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for("SO202612-9999"), "rep_east1")
    sales.reject(instance, "Task_CheckShipped", "sales_admin", "订单号有误，请核对")
    revise = sales.task(instance, "Task_ReviseRequest")
    assert revise.assignee.username == "rep_east1" and instance.data["comment"] == "订单号有误，请核对"
    sales.complete(instance, "Task_ReviseRequest", "rep_east1", {**request_for(shipped), "action": "resubmit"})
    sales.approve(instance, "Task_CheckShipped", "sales_admin")  # the same step again: no conflict of duties
    _issue_and_enter(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert [i.gross for i in _invoices()] == [Decimal("980.00")]
    assert all_invariants_hold()


def test_rejected_request_is_withdrawn(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(order_no), "rep_east1")
    sales.reject(instance, "Task_CheckShipped", "sales_admin", "客户要求暂缓开票")
    sales.complete(instance, "Task_ReviseRequest", "rep_east1", {**request_for(order_no), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert _invoices() == []
    assert all_invariants_hold()


def test_nothing_shipped_goes_to_the_billing_clerk_who_retries_after_shipment(sales, act, customer_code, shipped_order,
                                                                             request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)], ship=False)
    instance = sales.start("invoice_request", request_for(order_no), "rep_east1")
    sales.approve(instance, "Task_CheckShipped", "sales_admin")
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", ISSUE)
    problem = sales.task(instance, "Task_ResolveInvoiceProblem")
    assert problem.candidate_role == "billing_clerk"
    assert instance.data["invoice_result"]["error"]["code"] == "nothing_to_invoice" and _invoices() == []
    # the goods leave the warehouse; the clerk tries again
    note = act("ledger.create_shipping_note", order=order_no)
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"])
    sales.complete(instance, "Task_ResolveInvoiceProblem", "billing_clerk", {"action": "retry", "resolution_note": "已发货"})
    assert sales.ready_elements(instance) == ["Task_EnterInvoice"]
    sales.complete(instance, "Task_EnterInvoice", "sales_admin", ENTRY)
    assert instance.status is InstanceStatus.completed
    assert [i.gross for i in _invoices()] == [Decimal("1960.00")]
    assert all_invariants_hold()


def test_nothing_shipped_returned_to_the_requester_who_withdraws(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)], ship=False)
    instance = sales.start("invoice_request", request_for(order_no), "rep_east1")
    sales.approve(instance, "Task_CheckShipped", "sales_admin")
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", ISSUE)
    sales.complete(instance, "Task_ResolveInvoiceProblem", "billing_clerk", {"action": "return"})
    assert sales.task(instance, "Task_ReviseRequest").assignee.username == "rep_east1"
    sales.complete(instance, "Task_ReviseRequest", "rep_east1", {**request_for(order_no), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and _invoices() == []
    assert all_invariants_hold()


def test_invoicing_twice_is_refused_the_second_time(sales, customer_code, shipped_order, request_for):
    """Shipped-not-invoiced: a second request for the same order finds nothing left."""
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    first = sales.start("invoice_request", request_for(order_no), "rep_east1")
    sales.approve(first, "Task_CheckShipped", "sales_admin")
    _issue_and_enter(sales, first)
    second = sales.start("invoice_request", request_for(order_no), "rep_east1")
    sales.approve(second, "Task_CheckShipped", "sales_admin")
    sales.complete(second, "Task_IssueInvoice", "billing_clerk", ISSUE)
    assert second.data["invoice_result"]["error"]["code"] == "nothing_to_invoice"
    assert len(_invoices()) == 1 and all_invariants_hold()


def test_refused_entry_goes_back_to_the_supervisor(sales, customer_code, shipped_order, request_for, refuse_once):
    refuse_once("ledger.recognize_revenue")
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(order_no), "rep_east1")
    sales.approve(instance, "Task_CheckShipped", "sales_admin")
    _issue_and_enter(sales, instance)
    assert sales.ready_elements(instance) == ["Task_EnterInvoice"]
    assert instance.data["revenue_result"]["error"]["code"] == "period_closed"
    sales.complete(instance, "Task_EnterInvoice", "sales_admin2", ENTRY)
    assert instance.status is InstanceStatus.completed and instance.data["revenue_result"]["ok"]
    assert len(_invoices()) == 1 and all_invariants_hold()


def test_requester_cannot_check_their_own_request(sales, customer_code, shipped_order, request_for, create_user):
    from app.errors import Forbidden
    from app.services import tasks

    create_user("rep_admin", roles=["sales_rep", "sales_admin"])
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(order_no), "rep_admin")
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(sales.task(instance, "Task_CheckShipped").id, sales.user("rep_admin"), {"decision": "approve"})
    assert caught.value.code == "segregation_of_duties"
