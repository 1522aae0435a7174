"""The month of business (test_month_across_flows) with a stock loan in it
(F17): a contract shipped and invoiced as there, plus MTR001 lent to the
dealer on 2 December, converted into a sale on its expected date (the order
reviewed, the outbound back-filled from "lent"), invoiced through F04. In
January the reconciliation balances (the loan's outbound counted once, no
overdue loan) and the report's shipped figure holds the converted sale."""
from datetime import datetime, timedelta, timezone

from app.ledger.periods import period_status
from app.models import InstanceStatus
from app.services import events
from app.services.attachments import save_bytes
from tests.flows.test_month_across_flows import DEALER, DECEMBER, _contract_shipped, _invoiced
from tests.support.ledger_harness import all_invariants_hold
from tests.support.statements import import_matching_statements


def _loan_converted(sales, dealer: str, frozen_clock) -> str:
    """F17: two MTR001 lent until 15 December, all bought that day; the order number."""
    instance = sales.start("borrow_to_sale", {"customer": dealer, "purpose": "trial", "expected_date": "2026-12-15",
                                              "lines": [{"material": "MTR001", "qty": 2}]}, "rep_east1")
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.complete(instance, "Task_DeliverLoan", "warehouse", {
        "receiver_name": "王强", "signed_receipt": save_bytes("loan.jpg", "image/jpeg", b"\xff\xd8\xff loan"),
        "received": [{"line_no": 1, "received_qty": 2}]})
    frozen_clock.now = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc) + timedelta(minutes=1)
    assert events.fire_due_timers() == 1
    sales.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "convert",
                                                                "convert_lines": [{"line_no": 1, "qty": 2}]})
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    assert instance.status is InstanceStatus.completed, instance.data.get("backfill")
    return instance.data["conversion"]["order_no"]


def test_a_month_with_a_loan_converted_to_a_sale(sales, customer_code, frozen_clock):
    dealer = customer_code(DEALER)
    order_no = _contract_shipped(sales, dealer)
    _invoiced(sales, dealer, order_no)
    loan_order = _loan_converted(sales, dealer, frozen_clock)
    _invoiced(sales, dealer, loan_order)
    assert all_invariants_hold()

    frozen_clock.now = datetime(2027, 1, 2, 1, 0, tzinfo=timezone.utc)
    import_matching_statements(DECEMBER)
    reconciliation = sales.start("monthly_reconciliation", {"month": DECEMBER}, "sales_admin")
    result = reconciliation.data["reconciliation"]
    assert result["balanced"], result["differences"]
    figures = result["figures"]
    assert figures["overdue_loans"] == [] and figures["shipped_qty"] == figures["outbound_qty"] == "7"  # 2 + 3 + 2 lent
    sales.approve(reconciliation, "Task_FinanceConfirm", "finance", "与总帐核对一致")
    assert period_status(DECEMBER) == "closed"
    report = sales.start("monthly_report", {"month": DECEMBER}, "sales_admin").data["report"]
    month = report["totals"]["month"]
    assert month["shipped"] == month["invoiced"] and month["shipped"] != "2215.00"  # the contract's and the loan's
    assert all_invariants_hold(DECEMBER)
