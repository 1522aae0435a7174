"""F22 expense_claim with the real diagram: claim lines by budget category,
each with its receipt, optionally settling the claimant's own advance →
manager → finance checks the receipts (can send back) → director → the
general manager when the decision table says (above 20,000 or over budget)
→ posted and charged to the budget, the advance settled (returned cash or
topped up) → paid. Every branch, the ledger invariants after posting, and
the attacks: approving one's own claim, forged figures in a read-only form,
another person's advance, a second settlement of one advance."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import expense_budgets
from app.models import ExpenseCharge, ExpenseClaim, InstanceStatus, LedgerEntry, Reimbursement
from app.services.attachments import save_bytes
from tests.support.ledger_harness import all_invariants_hold, new_call

D = Decimal
CHAIN = (("Task_ManagerApproval", "rm_east"), ("Task_FinanceReceiptCheck", "finance"), ("Task_DirectorApproval", "director"))


def receipt(n=1):
    return save_bytes(f"invoice-{n}.pdf", "application/pdf", f"%PDF-1.4 invoice {n}".encode())


def claim(*lines, advance=None):
    data = {"purpose": "十二月华东客户拜访",
            "claim_lines": [{"category": category, "amount": amount, "description": "发票", "receipt": receipt(n)}
                            for n, (category, amount) in enumerate(lines, start=1)]}
    return {**data, "advance_no": advance} if advance else data


@pytest.fixture
def advance(act):
    """rep_east1's advance of 2,000 paid outside the flows (as F10 pays one)."""
    return act("ledger.pay_advance", employee="rep_east1", amount="2000", purpose="出差借支")["advance_no"]


def _through(sales, instance, *steps):
    for element, who in steps:
        sales.approve(instance, element, who)


def _balance(account, employee_id):
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit), 0))
                             .where(LedgerEntry.account == account, LedgerEntry.salesperson_id == employee_id))


def test_a_claim_without_advance_is_posted_charged_and_paid(sales):
    instance = sales.start("expense_claim", claim(("travel", 1200), ("entertainment", 800)), "rep_east1")
    check = instance.data["claim_check"]
    assert (check["claim_total"], check["over_budget"], check["to_pay"]) == ("2000.00", False, "2000.00")
    assert [(l["category"], l["claimed"], l["remaining_after"]) for l in check["budget_lines"]] == [
        ("travel", "1200.00", "58800.00"), ("entertainment", "800.00", "29200.00")]
    assert instance.data["gm_approval_required"] is False
    _through(sales, instance, *CHAIN)
    assert instance.status is InstanceStatus.completed
    result = instance.data["claim_result"]
    assert (result["claimed"], result["applied"], result["payable"]) == ("2000.00", "0.00", "2000.00")
    assert instance.data["payment"]["amount"] == "2000.00"
    rep = sales.user("rep_east1")
    assert _balance("2241", rep.id) == 0  # owed, then paid
    status = expense_budgets.status_of(expense_budgets.line_of(rep, "travel", 2026))
    assert (status["used"], status["remaining"]) == ("1200.00", "58800.00")
    assert all_invariants_hold()


def test_a_claim_below_its_advance_returns_the_rest(sales, advance):
    instance = sales.start("expense_claim", claim(("travel", 1500), advance=advance), "rep_east1")
    assert (instance.data["claim_check"]["advance_outstanding"], instance.data["claim_check"]["to_return"]) == ("2000.00", "500.00")
    _through(sales, instance, *CHAIN)
    result = instance.data["claim_result"]
    assert (result["applied"], result["returned"], result["payable"]) == ("1500.00", "500.00", "0.00")
    assert "payment" not in instance.data and db.session.scalars(select(Reimbursement)).all() == []
    assert _balance("1221", sales.user("rep_east1").id) == 0  # the advance is settled
    assert all_invariants_hold()


def test_a_claim_above_its_advance_is_topped_up(sales, advance):
    instance = sales.start("expense_claim", claim(("travel", 1800), ("transport", 700), advance=advance), "rep_east1")
    _through(sales, instance, *CHAIN)
    result = instance.data["claim_result"]
    assert (result["applied"], result["returned"], result["payable"]) == ("2000.00", "0.00", "500.00")
    assert instance.data["payment"]["amount"] == "500.00"
    assert all_invariants_hold()


def test_an_advance_paid_by_the_flow_is_freed_from_the_budget_when_settled(sales):
    request = sales.start("expense_advance", {"amount": 4000, "purpose": "推广会借支", "category": "office",
                                              "expected_settlement_date": "2026-12-20"}, "rep_east1")
    _through(sales, request, ("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"))
    number = request.data["advance"]["advance_no"]
    line = expense_budgets.line_of(sales.user("rep_east1"), "office", 2026)
    assert expense_budgets.status_of(line)["used"] == "4000.00"  # the open advance counts
    instance = sales.start("expense_claim", claim(("office", 4800), advance=number), "rep_east1")
    # 4,800 on a 5,000 line holding the 4,000 advance it settles: within budget
    assert instance.data["claim_check"]["budget_lines"][0]["remaining_after"] == "200.00"
    assert instance.data["gm_approval_required"] is False
    _through(sales, instance, *CHAIN)
    assert expense_budgets.status_of(line)["used"] == "4800.00"  # the claim, the advance no longer
    assert instance.data["payment"]["amount"] == "800.00"
    assert all_invariants_hold()


def test_above_twenty_thousand_the_general_manager_approves(sales):
    instance = sales.start("expense_claim", claim(("promotion", 25000)), "rep_east1")
    assert instance.data["gm_approval_required"] is True
    _through(sales, instance, *CHAIN)
    assert sales.ready_elements(instance) == ["Task_GMApproval"]
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.status is InstanceStatus.completed and instance.data["payment"]["amount"] == "25000.00"


def test_over_the_remaining_budget_the_general_manager_approves(sales):
    instance = sales.start("expense_claim", claim(("office", 5200)), "rep_east1")
    assert instance.data["claim_check"]["over_budget"] is True and instance.data["gm_approval_required"] is True
    _through(sales, instance, *CHAIN, ("Task_GMApproval", "gm"))
    status = expense_budgets.status_of(expense_budgets.line_of(sales.user("rep_east1"), "office", 2026))
    assert status["remaining"] == "-200.00"
    assert all_invariants_hold()


@pytest.mark.parametrize("element,who", [*CHAIN, ("Task_GMApproval", "gm")])
def test_each_rejection_or_send_back_goes_back_to_the_claimant(sales, element, who):
    instance = sales.start("expense_claim", claim(("promotion", 21000)), "rep_east1")
    for step, approver in CHAIN + (("Task_GMApproval", "gm"),):
        if step == element:
            break
        sales.approve(instance, step, approver)
    sales.reject(instance, element, who, "缺发票")
    assert sales.task(instance, "Task_ReviseClaim").assignee.username == "rep_east1"
    sales.complete(instance, "Task_ReviseClaim", "rep_east1", {**claim(("promotion", 900)), "action": "resubmit"})
    _through(sales, instance, *CHAIN)
    assert instance.data["claim_result"]["claimed"] == "900.00"  # the corrected claim, as submitted
    assert db.session.scalar(select(func.count()).select_from(ExpenseClaim)) == 1


def test_a_withdrawn_claim_posts_nothing(sales):
    instance = sales.start("expense_claim", claim(("travel", 300)), "rep_east1")
    sales.reject(instance, "Task_ManagerApproval", "rm_east", "不属于销售费用")
    sales.complete(instance, "Task_ReviseClaim", "rep_east1", {**claim(("travel", 300)), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and db.session.scalars(select(ExpenseClaim)).all() == []


def test_a_refused_payment_goes_to_finance_to_retry_or_hold(sales, refuse_once):
    refuse_once("ledger.pay_reimbursement", "period_closed", "The period is closed.")
    instance = sales.start("expense_claim", claim(("travel", 300)), "rep_east1")
    _through(sales, instance, *CHAIN)
    assert sales.ready_elements(instance) == ["Task_ResolvePayoutProblem"]
    sales.complete(instance, "Task_ResolvePayoutProblem", "finance", {"action": "retry"})
    assert instance.status is InstanceStatus.completed and instance.data["payment"]["ok"]
    refuse_once("ledger.pay_reimbursement", "period_closed", "The period is closed.")
    held = sales.start("expense_claim", claim(("travel", 400)), "rep_east1")
    _through(sales, held, *CHAIN)
    sales.complete(held, "Task_ResolvePayoutProblem", "finance", {"action": "pay_later"})
    assert held.status is InstanceStatus.completed and _balance("2241", sales.user("rep_east1").id) == D("-400.00")
    assert all_invariants_hold()


def test_a_refused_posting_goes_back_to_the_claimant(sales, refuse_once):
    refuse_once("ledger.post_expense_claim", "period_closed", "The period is closed.")
    instance = sales.start("expense_claim", claim(("travel", 300)), "rep_east1")
    _through(sales, instance, *CHAIN)
    assert sales.ready_elements(instance) == ["Task_ReviseClaim"]


def test_the_claimant_cannot_approve_their_own_claim(sales):
    from app.errors import Forbidden

    instance = sales.start("expense_claim", claim(("travel", 300)), "rm_east")
    sales.approve(instance, "Task_ManagerApproval", "director")  # rm_east's manager
    review = sales.task(instance, "Task_FinanceReceiptCheck")
    assert review.candidate_role == "finance"
    sales.approve(instance, "Task_FinanceReceiptCheck", "finance")
    director_step = sales.task(instance, "Task_DirectorApproval")
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_DirectorApproval", "rm_east")
    assert sales.user("fac_finance").active  # finance of the factory, not of HQ: the claimant is HQ's only one
    own = sales.start("expense_claim", claim(("travel", 300)), "finance")
    sales.approve(own, "Task_ManagerApproval", "gm")
    with pytest.raises(Forbidden):
        sales.approve(own, "Task_FinanceReceiptCheck", "finance")  # finance does not check its own receipts
    assert sales.task(own, "Task_FinanceReceiptCheck").assignee.username == "gm"  # passed up
    assert director_step is not None


def test_forged_figures_in_a_read_only_form_are_refused(sales):
    from app.errors import ValidationFailed

    instance = sales.start("expense_claim", claim(("travel", 300)), "rep_east1")
    for forged in ({"claim_lines": [{"category": "travel", "amount": 30000}]},
                   {"claim_check": {"ok": True, "claim_total": "1.00", "over_budget": False}},
                   {"gm_approval_required": False}, {"advance_no": "EA-OTHER"},
                   {"budget_lines": [{"department": "营销部", "region": "华南", "category": "promotion"}]}):
        with pytest.raises(ValidationFailed):
            sales.complete(instance, "Task_ManagerApproval", "rm_east", {"decision": "approve", **forged})
    _through(sales, instance, *CHAIN)
    assert instance.data["claim_result"]["claimed"] == "300.00"


def test_planted_task_data_does_not_change_what_is_posted(sales):
    """Even if task data were changed behind the forms, the posting reads the
    claim as the audit log recorded it and the budget line from the claimant."""
    from app.ledger.expense_requests import check_expense_claim

    instance = sales.start("expense_claim", claim(("travel", 300)), "rep_east1")
    instance.data["claim_lines"] = [{"category": "travel", "amount": 99999}]
    result = check_expense_claim(new_call("ledger.check_expense_claim", instance_id=instance.id))
    assert result["claim_total"] == "300.00" and result["budget_lines"][0]["region"] == "华东"


def test_another_persons_advance_is_refused(sales, act):
    theirs = act("ledger.pay_advance", employee="rep_east2", amount="1000", purpose="借支")["advance_no"]
    instance = sales.start("expense_claim", claim(("travel", 300), advance=theirs), "rep_east1")
    assert instance.data["claim_check"]["error"]["code"] == "unknown_employee_advance"
    assert sales.ready_elements(instance) == ["Task_ReviseClaim"]


def test_an_advance_is_settled_once(sales, advance):
    first = sales.start("expense_claim", claim(("travel", 900), advance=advance), "rep_east1")
    second = sales.start("expense_claim", claim(("travel", 900), advance=advance), "rep_east1")  # both checked first
    _through(sales, first, *CHAIN)
    _through(sales, second, *CHAIN)
    assert second.data["claim_result"]["error"]["code"] == "advance_settled"
    assert sales.ready_elements(second) == ["Task_ReviseClaim"]
    assert db.session.scalar(select(func.count()).select_from(ExpenseClaim)) == 1
    third = sales.start("expense_claim", claim(("travel", 900), advance=advance), "rep_east1")
    assert third.data["claim_check"]["error"]["code"] == "advance_settled"
    assert all_invariants_hold()


def test_a_retried_posting_posts_once(sales):
    from app.actions import ActionCall
    from app.ledger.expense_requests import post_expense_claim

    instance = sales.start("expense_claim", claim(("travel", 300)), "rep_east1")
    _through(sales, instance, *CHAIN)
    posted = instance.data["claim_result"]
    [task_id] = {key.split(":")[1] for key in db.session.scalars(select(ExpenseCharge.source_key))}
    call = ActionCall(instance.id, task_id, "Task_PostClaim", "ledger.post_expense_claim", None, lambda steps: 1)
    again = post_expense_claim(call)
    assert again["claim_no"] == posted["claim_no"]
    assert db.session.scalar(select(func.count()).select_from(ExpenseCharge)) == 1


def test_no_posting_without_the_approvals_of_record(sales):
    from app.actions import BusinessRuleViolation
    from app.ledger.expense_requests import post_expense_claim

    instance = sales.start("expense_claim", claim(("travel", 300)), "rep_east1")
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    with pytest.raises(BusinessRuleViolation) as caught:
        post_expense_claim(new_call("ledger.post_expense_claim", instance_id=instance.id))
    assert caught.value.code == "not_approved" and db.session.scalars(select(ExpenseClaim)).all() == []
