"""F22 expense_advance with the real diagram: an employee asks for an
advance against their budget line; the manager and finance approve, the
director and the general manager as the decision table says (above 5,000;
above 20,000 or over budget); finance pays it, charged to the budget, once.
Every rejection and refusal goes back to the requester; and the attacks: a
requester approving their own advance, a payment without finance's approval,
over budget without the general manager's."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import expense_budgets
from app.models import EmployeeAdvance, ExpenseCharge, InstanceStatus
from tests.support.ledger_harness import all_invariants_hold, new_call

D = Decimal
REQUEST = {"amount": 3000, "purpose": "华东客户拜访借支", "category": "travel", "expected_settlement_date": "2026-12-20"}


def _line(username, sales, category="travel"):
    return expense_budgets.line_of(sales.user(username), category, 2026)


def _paid(sales, instance, *approvals):
    for element, who in approvals:
        sales.approve(instance, element, who)
    assert instance.status is InstanceStatus.completed, sales.ready_elements(instance)
    return instance.data["advance"]


def test_a_small_advance_needs_the_manager_and_finance(sales):
    instance = sales.start("expense_advance", REQUEST, "rep_east1")
    check = instance.data["advance_check"]
    assert check["budget_line"]["department"] == "营销部" and check["budget_line"]["region"] == "华东"
    assert (check["budget_line"]["budget"], check["remaining_after"], check["over_budget"]) == ("60000.00", "57000.00", False)
    assert sales.task(instance, "Task_ManagerApproval").assignee.username == "rm_east"
    paid = _paid(sales, instance, ("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"))
    assert paid["ok"] and paid["amount"] == "3000.00" and paid["outstanding"] == "3000.00"
    assert paid["budget_line"]["used"] == "3000.00" and paid["budget_line"]["remaining"] == "57000.00"
    assert [a.employee.username for a in db.session.scalars(select(EmployeeAdvance))] == ["rep_east1"]
    assert all_invariants_hold()


def test_above_five_thousand_the_director_approves(sales):
    instance = sales.start("expense_advance", {**REQUEST, "amount": 8000}, "rep_east1")
    assert (instance.data["director_approval_required"], instance.data["gm_approval_required"]) == (True, False)
    _paid(sales, instance, ("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"),
          ("Task_DirectorApproval", "director"))
    assert instance.data["advance"]["amount"] == "8000.00"


def test_above_twenty_thousand_the_general_manager_approves(sales):
    instance = sales.start("expense_advance", {**REQUEST, "amount": 25000}, "rep_east1")
    _paid(sales, instance, ("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"),
          ("Task_DirectorApproval", "director"), ("Task_GMApproval", "gm"))
    assert instance.data["advance"]["ok"]
    assert all_invariants_hold()


def test_over_the_remaining_budget_the_general_manager_approves(sales):
    instance = sales.start("expense_advance", {**REQUEST, "amount": 4000, "category": "office"}, "rep_south1")
    assert instance.data["advance_check"]["budget_line"]["budget"] == "5000.00"
    _paid(sales, instance, ("Task_ManagerApproval", "rm_south"), ("Task_FinanceReview", "finance"))
    second = sales.start("expense_advance", {**REQUEST, "amount": 2000, "category": "office"}, "rep_south2")
    assert second.data["advance_check"]["over_budget"] is True and second.data["advance_check"]["remaining_after"] == "-1000.00"
    assert (second.data["director_approval_required"], second.data["gm_approval_required"]) == (True, True)
    _paid(sales, second, ("Task_ManagerApproval", "rm_south"), ("Task_FinanceReview", "finance"),
          ("Task_DirectorApproval", "director"), ("Task_GMApproval", "gm"))
    status = expense_budgets.status_of(_line("rep_south2", sales, "office"))
    assert (status["used"], status["remaining"]) == ("6000.00", "-1000.00")


@pytest.mark.parametrize("element,who,before", [
    ("Task_ManagerApproval", "rm_east", ()),
    ("Task_FinanceReview", "finance", (("Task_ManagerApproval", "rm_east"),)),
    ("Task_DirectorApproval", "director", (("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"))),
    ("Task_GMApproval", "gm", (("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"),
                                ("Task_DirectorApproval", "director"))),
])
def test_each_rejection_goes_back_to_the_requester(sales, element, who, before):
    instance = sales.start("expense_advance", {**REQUEST, "amount": 30000}, "rep_east1")
    for step, approver in before:
        sales.approve(instance, step, approver)
    sales.reject(instance, element, who, "金额过大")
    assert sales.task(instance, "Task_ReviseAdvance").assignee.username == "rep_east1"
    sales.complete(instance, "Task_ReviseAdvance", "rep_east1", {**REQUEST, "amount": 2000, "action": "resubmit"})
    _paid(sales, instance, ("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"))
    assert instance.data["advance"]["amount"] == "2000.00"  # the corrected request, as submitted
    assert db.session.scalar(select(func.count()).select_from(EmployeeAdvance)) == 1


def test_a_withdrawn_request_pays_nothing(sales):
    instance = sales.start("expense_advance", REQUEST, "rep_east1")
    sales.reject(instance, "Task_ManagerApproval", "rm_east", "下月再借")
    sales.complete(instance, "Task_ReviseAdvance", "rep_east1", {**REQUEST, "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and db.session.scalars(select(EmployeeAdvance)).all() == []


def test_a_head_office_request_is_charged_to_the_head_office(sales):
    instance = sales.start("expense_advance", {**REQUEST, "category": "meeting"}, "sales_admin")
    assert instance.data["advance_check"]["budget_line"]["region"] == "总部"
    assert sales.task(instance, "Task_ManagerApproval").assignee.username == "director"


def test_an_unknown_category_goes_back_to_the_requester(sales, refuse_once):
    refuse_once("ledger.check_expense_advance", "unknown_category", "'gifts' is no expense category.")
    instance = sales.start("expense_advance", REQUEST, "rep_east1")
    assert instance.data["advance_check"]["error"]["code"] == "unknown_category"
    assert sales.ready_elements(instance) == ["Task_ReviseAdvance"]


def test_a_refused_payment_goes_back_to_the_requester(sales, refuse_once):
    refuse_once("ledger.pay_expense_advance", "period_closed", "The period is closed.")
    instance = sales.start("expense_advance", REQUEST, "rep_east1")
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    sales.approve(instance, "Task_FinanceReview", "finance")
    assert sales.ready_elements(instance) == ["Task_ReviseAdvance"]
    sales.complete(instance, "Task_ReviseAdvance", "rep_east1", {**REQUEST, "action": "resubmit"})
    _paid(sales, instance, ("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"))


def test_the_requester_cannot_approve_their_own_advance(sales):
    from app.errors import Forbidden

    # the factory's finance holds the role too, but not at HQ: the requester
    # is the only holder the HQ step could go to, so it passes up
    assert sales.user("fac_finance").active
    instance = sales.start("expense_advance", REQUEST, "finance")
    review = None
    sales.approve(instance, "Task_ManagerApproval", "gm")  # finance's manager
    review = sales.task(instance, "Task_FinanceReview")
    assert review.assignee is not None and review.assignee.username != "finance"  # passed up, not to the requester
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_FinanceReview", "finance")


def test_no_payment_without_finances_approval(sales):
    from app.actions import BusinessRuleViolation
    from app.ledger.expense_requests import pay_expense_advance

    instance = sales.start("expense_advance", REQUEST, "rep_east1")
    with pytest.raises(BusinessRuleViolation) as caught:
        pay_expense_advance(new_call("ledger.pay_expense_advance", instance_id=instance.id))
    assert caught.value.code == "not_approved" and db.session.scalars(select(EmployeeAdvance)).all() == []


def test_over_budget_is_not_paid_without_the_general_manager(sales):
    """The budget is spent between the check and the payment: the payment
    refuses rather than go over budget on the director's word."""
    first = sales.start("expense_advance", {**REQUEST, "amount": 4500, "category": "office"}, "rep_east1")
    second = sales.start("expense_advance", {**REQUEST, "amount": 4500, "category": "office"}, "rep_east2")
    _paid(sales, first, ("Task_ManagerApproval", "rm_east"), ("Task_FinanceReview", "finance"))
    sales.approve(second, "Task_ManagerApproval", "rm_east")
    sales.approve(second, "Task_FinanceReview", "finance")
    assert second.data["advance"]["error"]["code"] == "over_budget"
    assert sales.ready_elements(second) == ["Task_ReviseAdvance"]
    assert db.session.scalar(select(func.count()).select_from(ExpenseCharge)) == 1


def test_a_forged_amount_in_an_approval_is_refused(sales):
    from app.errors import ValidationFailed

    instance = sales.start("expense_advance", REQUEST, "rep_east1")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_ManagerApproval", "rm_east", {"decision": "approve", "amount": 300000})
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_ManagerApproval", "rm_east",
                       {"decision": "approve", "advance_check": {"ok": True, "over_budget": False, "amount": "1.00"}})
