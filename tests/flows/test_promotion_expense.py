"""F10 promotion_expense through the service layer with the real diagram:
application and its approvals (the general manager's for every type and
amount, seed 9.1), the advance, the claim with the flow sheet and receipts
and its approvals (the general manager's again, within the advance or
not), the settlement (claim below,
equal to and above the advance), every rejection and refused posting, and
the ledger records and invariant 8 after each. The claim waits for the
customer's payment as the ledger records it (a typed date proves nothing),
and travel and entertainment are not promotion expenses."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import EmployeeAdvance, ExpenseClaim, InstanceStatus, LedgerEntry, Reimbursement
from tests.support.ledger_harness import all_invariants_hold

D = Decimal
DEALER = "浙江泵阀总经销有限公司"


@pytest.fixture(autouse=True)
def customer_paid(act, customer_code):
    """The dealer's payment of 2026-12-01 is in the ledger: the day the claims below name."""
    return act("ledger.record_receipt", customer=customer_code(DEALER), amount="12000", date="2026-12-01",
               bank_reference="ICBC-0571-1201")


@pytest.fixture
def application(customer_code):
    def build(expense_type="exhibition", amount=5000, **extra):
        return {"expense_type": expense_type, "amount": amount, "customer": customer_code(DEALER),
                "purpose": "杭州泵阀展会展位及资料", **extra}

    return build


def _claim(*amounts, paid_on="2026-12-01"):
    from app.services.attachments import save_bytes

    return {"customer_paid_date": paid_on,
            "flow_sheet": save_bytes("flow-sheet.pdf", "application/pdf", b"%PDF-1.4 product flow sheet 2026-12"),
            "claim_lines": [{"category": "展位费", "amount": amount,
                             "receipt": save_bytes(f"invoice-{n}.pdf", "application/pdf", f"%PDF-1.4 invoice {n} {amount}".encode())}
                            for n, amount in enumerate(amounts, start=1)]}


def _gm_approves(sales, instance, element, stage):
    # Seed 9.1: 销售总监审核→总经理审批, and again for the claim: never left to a threshold
    task = sales.task(instance, element)
    assert (task.candidate_role, task.approval_stage, task.is_approval) == ("general_manager", stage, True)
    assert sales.ready_elements(instance) == [element]
    sales.approve(instance, element, "gm")


def _approve_application(sales, instance, manager="rm_east"):
    sales.approve(instance, "Task_RegionalManagerReview", manager)
    sales.approve(instance, "Task_DirectorReview", "director")
    _gm_approves(sales, instance, "Task_GMApplicationApproval", "application")


def _approve_claim(sales, instance):
    sales.approve(instance, "Task_VerifyFlowSheet", "sales_admin")
    sales.approve(instance, "Task_CheckReceipts", "finance")
    sales.approve(instance, "Task_DirectorClaimReview", "director")
    _gm_approves(sales, instance, "Task_GMClaimApproval", "claim")


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _entries(source_type):
    rows = db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == source_type)).all()
    return sorted((e.account, e.debit, e.credit) for e in rows)


def test_claim_below_the_advance_returns_the_rest(sales, application):
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    review = sales.task(instance, "Task_RegionalManagerReview")
    assert review.assignee.username == "rm_east" and review.approval_stage == "first_review"
    _approve_application(sales, instance)  # 5,000.00: the general manager all the same
    assert "gm_approval_required" not in instance.data
    assert instance.data["advance"]["amount"] == "5000.00" and instance.data["advance"]["employee"] == "rep_east1"
    assert sales.task(instance, "Task_SubmitClaim").assignee.username == "rep_east1"
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(3200, 800))
    assert sales.task(instance, "Task_VerifyFlowSheet").approval_stage == "claim"
    _approve_claim(sales, instance)  # within the advance: the general manager all the same
    assert "gm_claim_approval_required" not in instance.data
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    settlement = instance.data["settlement"]
    assert (settlement["claimed"], settlement["applied"], settlement["returned"], settlement["payable"],
            settlement["outstanding"]) == ("4000.00", "4000.00", "1000.00", "0.00", "0.00")
    [advance] = db.session.scalars(select(EmployeeAdvance)).all()
    [claim] = db.session.scalars(select(ExpenseClaim)).all()
    assert (advance.employee.username, advance.amount, advance.purpose) == ("rep_east1", D("5000.00"), "杭州泵阀展会展位及资料")
    assert (claim.advance_id, claim.claimed, claim.applied, claim.returned, claim.payable) == \
        (advance.id, D("4000.00"), D("4000.00"), D("1000.00"), D("0.00"))
    assert [(line.category, line.amount) for line in claim.lines] == [("展位费", D("3200.00")), ("展位费", D("800.00"))]
    assert advance.amount == claim.claimed + claim.returned + D("0.00")  # invariant 8, nothing outstanding
    assert _count(Reimbursement) == 0
    assert _entries("employee_advance") == [("1002", D("0"), D("5000.00")), ("1221", D("5000.00"), D("0"))]
    assert _entries("expense_claim") == [("1002", D("1000.00"), D("0")), ("1221", D("0"), D("5000.00")),
                                         ("6601", D("4000.00"), D("0"))]
    assert all_invariants_hold()


def test_claim_above_the_advance_is_approved_by_the_gm_and_the_difference_paid(sales, application):
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4000, 1600.5))
    _approve_claim(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert (instance.data["settlement"]["payable"], instance.data["payment"]["amount"]) == ("600.50", "600.50")
    [claim] = db.session.scalars(select(ExpenseClaim)).all()
    assert (claim.claimed, claim.applied, claim.returned, claim.payable) == (D("5600.50"), D("5000.00"), D("0.00"),
                                                                             D("600.50"))
    [payment] = db.session.scalars(select(Reimbursement)).all()
    assert (payment.claim_id, payment.amount, payment.employee.username) == (claim.id, D("600.50"), "rep_east1")
    assert _entries("expense_claim") == [("1221", D("0"), D("5000.00")), ("2241", D("0"), D("600.50")),
                                         ("6601", D("5600.50"), D("0"))]
    assert _entries("reimbursement") == [("1002", D("0"), D("600.50")), ("2241", D("600.50"), D("0"))]
    assert all_invariants_hold()


def test_the_gm_approves_both_stages_of_a_large_campaign(sales, application):
    instance = sales.start("promotion_expense", application(amount=25000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(25000))
    _approve_claim(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert (instance.data["settlement"]["returned"], instance.data["settlement"]["payable"]) == ("0.00", "0.00")
    assert _count(EmployeeAdvance) == 1 and _count(ExpenseClaim) == 1 and _count(Reimbursement) == 0
    assert all_invariants_hold()


@pytest.mark.parametrize("expense_type, amount, starter, manager", [
    ("advertising", 20000.01, "rep_east1", "rm_east"),
    ("promotion_meeting", 20000, "rep_east1", "rm_east"),
    ("advertising", 100, "rep_east1", "rm_east"),
    ("exhibition", 8000, "rm_east", "director"),
    ("exhibition", 0.01, "rep_east1", "rm_east"),
])
def test_every_application_goes_to_the_general_manager(sales, application, expense_type, amount, starter, manager):
    instance = sales.start("promotion_expense", application(expense_type, amount), starter)
    _approve_application(sales, instance, manager=manager)
    assert sales.task(instance, "Task_SubmitClaim").assignee.username == starter
    assert db.session.scalar(select(EmployeeAdvance.amount)) == D(str(amount))
    assert all_invariants_hold()


@pytest.mark.parametrize("rejected_at, user", [
    ("Task_RegionalManagerReview", "rm_east"), ("Task_DirectorReview", "director"), ("Task_GMApplicationApproval", "gm"),
])
def test_a_rejected_application_is_withdrawn(sales, application, rejected_at, user):
    instance = sales.start("promotion_expense", application(amount=3000), "rep_east1")  # small: the GM still decides
    approvals = ["Task_RegionalManagerReview", "Task_DirectorReview", "Task_GMApplicationApproval"]
    for element, approver in zip(approvals[:approvals.index(rejected_at)], ["rm_east", "director"]):
        sales.approve(instance, element, approver)
    sales.reject(instance, rejected_at, user, "预算过高")
    assert sales.task(instance, "Task_ReviseApplication").assignee.username == "rep_east1"
    sales.complete(instance, "Task_ReviseApplication", "rep_east1", application(amount=3000, action="withdraw"))
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert _count(EmployeeAdvance) == 0 and _entries("employee_advance") == []
    assert all_invariants_hold()


def test_a_rejected_application_is_revised_and_resubmitted(sales, application):
    instance = sales.start("promotion_expense", application(amount=30000), "rep_east1")
    sales.approve(instance, "Task_RegionalManagerReview", "rm_east")
    sales.approve(instance, "Task_DirectorReview", "director")
    sales.reject(instance, "Task_GMApplicationApproval", "gm", "压缩到两万以内")
    sales.complete(instance, "Task_ReviseApplication", "rep_east1", application(amount=18000, action="resubmit"))
    _approve_application(sales, instance)
    assert instance.data["advance"]["amount"] == "18000.00" and _count(EmployeeAdvance) == 1
    assert all_invariants_hold()


@pytest.mark.parametrize("rejected_at", ["Task_VerifyFlowSheet", "Task_CheckReceipts", "Task_DirectorClaimReview",
                                         "Task_GMClaimApproval"])
def test_a_rejected_claim_goes_back_to_the_rep(sales, application, rejected_at):
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(1200))  # within the advance: the GM still decides
    chain = [("Task_VerifyFlowSheet", "sales_admin"), ("Task_CheckReceipts", "finance"), ("Task_DirectorClaimReview", "director"),
             ("Task_GMClaimApproval", "gm")]
    users = dict(chain)
    for element, user in chain[:[e for e, _ in chain].index(rejected_at)]:
        sales.approve(instance, element, user)
    sales.reject(instance, rejected_at, users[rejected_at], "流向单与回款客户不符")
    assert sales.task(instance, "Task_SubmitClaim").assignee.username == "rep_east1"
    assert _count(ExpenseClaim) == 0  # nothing is booked before the approvals
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4800))
    _approve_claim(sales, instance)
    assert instance.status is InstanceStatus.completed and instance.data["settlement"]["returned"] == "200.00"
    assert all_invariants_hold()


def test_a_refused_advance_is_cancelled_by_finance(sales, act, application):
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    act("ledger.close_period", month="2026-12")
    _approve_application(sales, instance)
    assert instance.data["advance"]["error"]["code"] == "period_closed"
    assert sales.task(instance, "Task_ResolveAdvanceProblem").candidate_role == "finance"
    sales.complete(instance, "Task_ResolveAdvanceProblem", "finance", {"action": "cancel"})
    assert instance.status is InstanceStatus.completed and _count(EmployeeAdvance) == 0
    assert all_invariants_hold()


def test_a_refused_advance_is_retried(sales, application, refuse_once):
    calls = refuse_once("ledger.pay_advance")
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_ResolveAdvanceProblem", "finance", {"action": "retry"})
    assert instance.data["advance"]["ok"] and len(calls) == 2 and _count(EmployeeAdvance) == 1
    assert sales.task(instance, "Task_SubmitClaim").assignee.username == "rep_east1"


@pytest.mark.parametrize("action", ["retry", "revise_claim"])
def test_a_refused_settlement_is_retried_or_returned_to_the_rep(sales, application, refuse_once, action):
    calls = refuse_once("ledger.settle_advance")
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(5000))
    _approve_claim(sales, instance)
    assert instance.data["settlement"]["error"]["code"] == "period_closed" and _count(ExpenseClaim) == 0
    sales.complete(instance, "Task_ResolveSettlementProblem", "finance", {"action": action})
    if action == "revise_claim":
        sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4999.99))
        _approve_claim(sales, instance)
    assert instance.status is InstanceStatus.completed and len(calls) == 2 and _count(ExpenseClaim) == 1
    assert calls[1]["close"] is True and calls[1]["advance"] == instance.data["advance"]["advance_no"]
    assert all_invariants_hold()


@pytest.mark.parametrize("action, paid", [("retry", 1), ("pay_later", 0)])
def test_a_refused_payout_is_retried_or_left_owed(sales, application, refuse_once, action, paid):
    refuse_once("ledger.pay_reimbursement")
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(5300))
    _approve_claim(sales, instance)
    assert instance.data["payment"]["error"]["code"] == "period_closed"
    sales.complete(instance, "Task_ResolvePayoutProblem", "finance", {"action": action})
    assert instance.status is InstanceStatus.completed and _count(Reimbursement) == paid
    owed = db.session.scalar(select(func.sum(LedgerEntry.credit) - func.sum(LedgerEntry.debit))
                             .where(LedgerEntry.account == "2241"))
    assert owed == (D("0") if paid else D("300.00"))
    assert all_invariants_hold()


def test_the_claim_names_the_receipt_the_ledger_holds(sales, application, customer_paid):
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4000))
    check = instance.data["payment_check"]
    assert (check["receipt_no"], check["receipt_date"], check["amount"]) == (customer_paid["receipt_no"], "2026-12-01", "12000.00")
    assert sales.ready_elements(instance) == ["Task_VerifyFlowSheet"]


@pytest.mark.parametrize("paid_on, code", [
    ("2026-12-02", "no_customer_receipt"),  # a day the customer paid nothing
    ("2026-11-30", "paid_before_advance"),  # a payment before the promotion's money went out
])
def test_a_typed_payment_date_without_a_receipt_sends_the_claim_back(sales, act, frozen_clock, application, customer_code,
                                                                    paid_on, code):
    if code == "paid_before_advance":
        act("ledger.record_receipt", customer=customer_code(DEALER), amount="800", date="2026-11-30")
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    frozen_clock.advance(days=1)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4000, paid_on=paid_on))
    error = instance.data["payment_check"]["error"]
    assert (error["code"], error["field"]) == (code, "customer_paid_date")
    assert sales.task(instance, "Task_SubmitClaim").assignee.username == "rep_east1"  # nobody is asked to approve it
    assert _count(ExpenseClaim) == 0
    act("ledger.record_receipt", customer=customer_code(DEALER), amount="3000", date="2026-12-02")
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4000, paid_on="2026-12-02"))
    assert instance.data["payment_check"]["ok"] and instance.data["payment_check"]["amount"] == "3000.00"
    _approve_claim(sales, instance)
    assert instance.status is InstanceStatus.completed and _count(ExpenseClaim) == 1
    assert all_invariants_hold()


def test_a_reversed_receipt_is_no_payment(sales, act, application, customer_paid):
    act("ledger.reverse_receipt", receipt=customer_paid["receipt_no"], reason="银行退票")
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4000))
    assert instance.data["payment_check"]["error"]["code"] == "no_customer_receipt"
    assert sales.ready_elements(instance) == ["Task_SubmitClaim"]


def test_another_customers_payment_does_not_count(sales, act, application, customer_code):
    instance = sales.start("promotion_expense", application(amount=5000), "rep_east1")
    _approve_application(sales, instance)
    act("ledger.record_receipt", customer=customer_code("江西设备维修服务部"), amount="900", date="2026-12-01")
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(4000, paid_on="2026-12-01"))
    assert instance.data["payment_check"]["customer"] == customer_code(DEALER)  # the application's customer, not a typed one


@pytest.mark.parametrize("expense_type", ["travel", "entertainment"])
def test_travel_and_entertainment_are_not_promotion_expenses(sales, application, expense_type):
    from app.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        sales.start("promotion_expense", application(expense_type), "rep_east1")
    assert list(refused.value.details["fields"]) == ["expense_type"]
    assert _count(EmployeeAdvance) == 0


def test_an_application_made_while_travel_was_a_promotion_type_finishes_on_its_own_version(sales, application):
    """Running instances keep the forms they were deployed with: one started
    when travel was still offered ends normally; a new one may not choose it."""
    import json
    from pathlib import Path

    from app.errors import ValidationFailed
    from app.services import deployment

    current = (Path(__file__).resolve().parents[2] / "forms" / "promotion_application.json").read_bytes()
    earlier = json.loads(current)
    earlier["properties"]["expense_type"]["enum"].append("travel")
    earlier["properties"]["expense_type"]["oneOf"].append({"const": "travel", "title": "差旅"})
    deployment.deploy({"promotion_application.json": json.dumps(earlier, ensure_ascii=False).encode()})
    instance = sales.start("promotion_expense", application("travel", amount=3000), "rep_east1")
    deployment.deploy({"promotion_application.json": current})  # travel leaves the list again
    _approve_application(sales, instance)
    sales.complete(instance, "Task_SubmitClaim", "rep_east1", _claim(2600))
    _approve_claim(sales, instance)
    assert instance.status is InstanceStatus.completed and instance.data["settlement"]["returned"] == "400.00"
    with pytest.raises(ValidationFailed):
        sales.start("promotion_expense", application("travel", amount=3000), "rep_east1")
