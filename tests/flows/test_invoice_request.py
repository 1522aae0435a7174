"""F04 invoice_request through the service layer with the real diagram:
the lines the supervisor picks, the invoice handed to requester, finance and
the entry clerk, revenue recognised only at the entry, the customer's
advance applied, and the ledger invariants after every branch."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Allocation, Invoice, InstanceStatus, LedgerEntry, Notification, Receivable, RevenueRecognition
from tests.support.ledger_harness import all_invariants_hold

DEALER = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1
ISSUE = {"invoice_date": "2026-12-01", "tax_invoice_number": "No.04418832"}
ENTRY = {"delivery_method": "mail", "entry_note": "顺丰寄出"}
SIGNED = {"action": "received"}


@pytest.fixture
def request_for(customer_code):
    def build(**extra):
        return {"customer": customer_code(DEALER), "invoice_type": "special_vat", **extra}

    return build


def _invoices():
    return list(db.session.scalars(select(Invoice).order_by(Invoice.id)))


def _revenue():
    return db.session.scalar(select(func.sum(LedgerEntry.credit - LedgerEntry.debit)).where(LedgerEntry.account == "6001")) or 0


def _picked(*refs):
    return {"decision": "approve", "comment": "与出货记录一致", "invoice_lines": [{"order_line": ref} for ref in refs]}


def _through_issue(sales, instance, *refs, issue=ISSUE):
    sales.complete(instance, "Task_CheckShipped", "sales_admin", _picked(*refs))
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", issue)


def _sign_and_enter(sales, instance):
    sales.complete(instance, "Task_RequesterReceivesInvoice", "rep_east1", SIGNED)
    sales.complete(instance, "Task_FinanceReceivesInvoice", "finance", SIGNED)
    sales.complete(instance, "Task_EnterInvoice", "sales_admin2", ENTRY)


def test_picked_lines_are_issued_handed_over_and_recognised_only_at_entry(sales, customer_code, shipped_order,
                                                                         request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2), ("PRT001", 3)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    check = sales.task(instance, "Task_CheckShipped")
    assert check.candidate_role == "sales_admin" and check.is_approval
    shown = instance.data["shipped_lines"]
    assert [row["order_line"] for row in shown["lines"]] == [f"{order_no}/1", f"{order_no}/2"]
    assert shown["gross"] == "2215.00"  # MTR001 980.00 × 2 + PRT001 85.00 × 3, tax-inclusive
    _through_issue(sales, instance, f"{order_no}/1", f"{order_no}/2")

    [invoice] = _invoices()
    assert invoice.gross == Decimal("2215.00") and invoice.net + invoice.tax == invoice.gross
    assert (invoice.invoice_type, invoice.tax_invoice_number) == ("special_vat", "04418832")
    # issued, handed over, not yet entered: no receivable, no revenue, no entries
    assert db.session.scalar(select(Receivable).where(Receivable.invoice_id == invoice.id)) is None
    assert _revenue() == 0 and db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.source_type == "invoice")) == 0
    assert all_invariants_hold()
    assert sorted(sales.ready_elements(instance)) == ["Task_EnterInvoice", "Task_FinanceReceivesInvoice",
                                                      "Task_RequesterReceivesInvoice"]

    _sign_and_enter(sales, instance)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    receivable = db.session.scalar(select(Receivable).where(Receivable.invoice_id == invoice.id))
    assert receivable.amount == Decimal("2215.00") and str(receivable.posting_date) == "2026-12-01"
    assert _revenue() == invoice.net and instance.data["revenue_result"]["revenue_entries"] == str(invoice.net)
    assert db.session.scalar(select(func.count()).select_from(RevenueRecognition)) == 1
    assert all_invariants_hold()


def test_the_invoice_reaches_requester_finance_and_entry_clerk(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    _through_issue(sales, instance, f"{order_no}/1")

    def told(username, element_id):
        task = sales.task(instance, element_id)
        return db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == sales.user(username).id, Notification.task_id == task.id)) == 1

    assert sales.task(instance, "Task_RequesterReceivesInvoice").assignee.username == "rep_east1"
    assert told("rep_east1", "Task_RequesterReceivesInvoice")
    assert sales.task(instance, "Task_FinanceReceivesInvoice").candidate_role == "finance"
    assert told("finance", "Task_FinanceReceivesInvoice")
    assert sales.task(instance, "Task_EnterInvoice").candidate_role == "sales_admin"
    assert told("sales_admin", "Task_EnterInvoice") and told("sales_admin2", "Task_EnterInvoice")
    assert not told("billing_clerk", "Task_FinanceReceivesInvoice")


def test_part_of_a_line_is_invoiced_and_the_rest_stays_to_pick(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 3)])
    first = sales.start("invoice_request", request_for(), "rep_east1")
    sales.complete(first, "Task_CheckShipped", "sales_admin",
                   {"decision": "approve", "invoice_lines": [{"order_line": f"{order_no}/1", "qty": 1}]})
    sales.complete(first, "Task_IssueInvoice", "billing_clerk", ISSUE)
    second = sales.start("invoice_request", request_for(invoice_type="ordinary_vat"), "rep_east1")
    assert [(r["order_line"], r["qty"]) for r in second.data["shipped_lines"]["lines"]] == [(f"{order_no}/1", "2")]
    _through_issue(sales, second, f"{order_no}/1", issue={"invoice_date": "2026-12-01", "tax_invoice_number": "04418833"})
    assert [(i.gross, i.invoice_type) for i in _invoices()] == [(Decimal("980.00"), "special_vat"),
                                                                (Decimal("1960.00"), "ordinary_vat")]
    assert all_invariants_hold()


@pytest.mark.parametrize("whose", ["another_customer", "already_invoiced", "unknown"])
def test_a_forged_or_stale_line_is_refused_naming_the_field(sales, customer_code, shipped_order, request_for, act, whose):
    mine = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    other = shipped_order(customer_code("安徽水务集团有限公司"), [("MTR001", 1)])
    if whose == "already_invoiced":
        act("ledger.issue_invoice", order=mine)
    ref = {"another_customer": f"{other}/1", "already_invoiced": f"{mine}/1", "unknown": "SO209912-9999/1"}[whose]
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    with pytest.raises(ValidationFailed) as caught:
        sales.complete(instance, "Task_CheckShipped", "sales_admin", _picked(ref))
    assert caught.value.status == 422 and list(caught.value.details["fields"]) == ["invoice_lines.0.order_line"]
    assert sales.ready_elements(instance) == ["Task_CheckShipped"]
    assert len(_invoices()) == (1 if whose == "already_invoiced" else 0)


def test_approving_without_picking_a_line_is_refused(sales, customer_code, shipped_order, request_for):
    shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    with pytest.raises(ValidationFailed) as caught:
        sales.complete(instance, "Task_CheckShipped", "sales_admin", {"decision": "approve"})
    assert "invoice_lines" in caught.value.details["fields"]


def test_rejected_request_is_revised_and_withdrawn_leaving_nothing(sales, customer_code, shipped_order, request_for):
    shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    sales.reject(instance, "Task_CheckShipped", "sales_admin", "发票类型有误，请核对")
    revise = sales.task(instance, "Task_ReviseRequest")
    assert revise.assignee.username == "rep_east1" and instance.data["comment"] == "发票类型有误，请核对"
    sales.complete(instance, "Task_ReviseRequest", "rep_east1", {**request_for(invoice_type="ordinary_vat"), "action": "resubmit"})
    sales.reject(instance, "Task_CheckShipped", "sales_admin", "客户要求暂缓开票")
    sales.complete(instance, "Task_ReviseRequest", "rep_east1", {**request_for(), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and _invoices() == [] and _revenue() == 0
    assert all_invariants_hold()


def test_a_request_abandoned_after_issue_leaves_no_revenue(sales, customer_code, shipped_order, request_for):
    from app.services import instances

    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    _through_issue(sales, instance, f"{order_no}/1")
    instances.cancel_instance(instance.id, sales.user("rep_east1"), "客户取消")
    [invoice] = _invoices()
    assert instance.status is InstanceStatus.cancelled and _revenue() == 0
    assert db.session.scalar(select(Receivable).where(Receivable.invoice_id == invoice.id)) is None
    assert all_invariants_hold()


def test_unknown_customer_goes_back_to_the_requester(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(customer="X99999"), "rep_east1")
    assert instance.data["shipped_lines"]["error"]["code"] == "unknown_customer"
    sales.complete(instance, "Task_ReviseRequest", "rep_east1", {**request_for(), "action": "resubmit"})
    _through_issue(sales, instance, f"{order_no}/1")
    _sign_and_enter(sales, instance)
    assert instance.status is InstanceStatus.completed and all_invariants_hold()


def test_a_line_invoiced_meanwhile_goes_to_the_billing_clerk_who_returns_it(sales, act, customer_code, shipped_order,
                                                                            request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    sales.complete(instance, "Task_CheckShipped", "sales_admin", _picked(f"{order_no}/1"))
    act("ledger.issue_invoice", order=order_no)  # invoiced by another door between check and issue
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", ISSUE)
    assert sales.task(instance, "Task_ResolveInvoiceProblem").candidate_role == "billing_clerk"
    assert instance.data["invoice_result"]["error"]["code"] == "nothing_to_invoice"
    sales.complete(instance, "Task_ResolveInvoiceProblem", "billing_clerk", {"action": "return"})
    sales.complete(instance, "Task_ReviseRequest", "rep_east1", {**request_for(), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and len(_invoices()) == 1 and all_invariants_hold()


def test_a_number_that_does_not_fit_the_kind_is_corrected_and_retried(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(invoice_type="digital_special_vat"), "rep_east1")
    _through_issue(sales, instance, f"{order_no}/1")  # an 8-digit paper number for a digital invoice
    assert instance.data["invoice_result"]["error"]["code"] == "invalid_tax_invoice_number" and _invoices() == []
    sales.complete(instance, "Task_ResolveInvoiceProblem", "billing_clerk",
                   {"action": "retry", "tax_invoice_number": "26332000000012345678"})
    [invoice] = _invoices()
    assert (invoice.invoice_type, invoice.tax_invoice_number) == ("digital_special_vat", "26332000000012345678")


def test_a_malformed_number_is_refused_at_the_form(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    sales.complete(instance, "Task_CheckShipped", "sales_admin", _picked(f"{order_no}/1"))
    with pytest.raises(ValidationFailed) as caught:
        sales.complete(instance, "Task_IssueInvoice", "billing_clerk", {"invoice_date": "2026-12-01", "tax_invoice_number": "ABC"})
    assert list(caught.value.details["fields"]) == ["tax_invoice_number"]


def test_the_customers_advance_is_applied_at_entry_and_never_twice(sales, act, customer_code, shipped_order, request_for,
                                                                   refuse_once):
    dealer = customer_code(DEALER)
    advance = act("ledger.record_advance", customer=dealer, amount="1500.00", date="2026-12-01")
    calls = refuse_once("ledger.allocate_receipt", "period_closed", "The period is being closed.")
    order_no = shipped_order(dealer, [("MTR001", 1), ("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    _through_issue(sales, instance, f"{order_no}/1")
    assert db.session.scalar(select(func.count()).select_from(Allocation)) == 0  # nothing before the entry
    _sign_and_enter(sales, instance)
    assert instance.data["advance_result"]["error"]["code"] == "period_closed"
    sales.complete(instance, "Task_EnterInvoice", "sales_admin", ENTRY)  # entered again: recognised once, applied once
    assert instance.status is InstanceStatus.completed and len(calls) == 2
    result = instance.data["advance_result"]
    [invoice] = _invoices()
    assert [a["invoice_no"] for a in result["allocations"]] == [invoice.number] and result["allocated"] == "980.00"
    assert result["advance_left"] == "520.00"
    assert db.session.scalar(select(func.count()).select_from(RevenueRecognition)) == 1
    assert db.session.scalar(select(func.count()).select_from(Receivable)) == 1 and _revenue() == invoice.net
    # the second line, invoiced later, takes only what is left of the advance
    second = sales.start("invoice_request", request_for(), "rep_east1")
    _through_issue(sales, second, f"{order_no}/2", issue={**ISSUE, "tax_invoice_number": "04418833"})
    _sign_and_enter(sales, second)
    assert second.data["advance_result"]["allocated"] == "520.00" and second.data["advance_result"]["advance_left"] == "0.00"
    total = db.session.scalar(select(func.sum(Allocation.amount)))
    assert total == Decimal("1500.00") and advance["amount"] == "1500.00"
    assert all_invariants_hold()


def test_refused_entry_goes_back_to_the_entry_clerk_and_posts_once(sales, customer_code, shipped_order, request_for,
                                                                  refuse_once):
    refuse_once("ledger.recognize_revenue")
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_east1")
    _through_issue(sales, instance, f"{order_no}/1")
    _sign_and_enter(sales, instance)
    assert sales.ready_elements(instance) == ["Task_EnterInvoice"] and _revenue() == 0
    assert instance.data["revenue_result"]["error"]["code"] == "period_closed"
    sales.complete(instance, "Task_EnterInvoice", "sales_admin2", ENTRY)
    assert instance.status is InstanceStatus.completed and instance.data["revenue_result"]["ok"]
    assert len(_invoices()) == 1 and _revenue() == _invoices()[0].net and all_invariants_hold()


def test_requester_cannot_check_their_own_request(sales, customer_code, shipped_order, request_for, create_user):
    from app.errors import Forbidden
    from app.services import tasks

    create_user("rep_admin", roles=["sales_rep", "sales_admin"])
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 1)])
    instance = sales.start("invoice_request", request_for(), "rep_admin")
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(sales.task(instance, "Task_CheckShipped").id, sales.user("rep_admin"), _picked(f"{order_no}/1"))
    assert caught.value.code == "segregation_of_duties"
