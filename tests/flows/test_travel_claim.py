"""F15 after the trip, with the real diagrams: the traveller claims the
actual cost against the approved travel request with the trip report; the
claim shows the request and compares actual with estimated cost; finance
approves; the claim is posted and the trip's advance settled, once. And the
attacks: another's request, an unapproved one, a second claim, another's
advance, a settlement without finance's approval."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ExpenseClaim, InstanceStatus, LedgerEntry, TravelSettlement
from tests.support.ledger_harness import all_invariants_hold, new_call

D = Decimal
TRIP = {"purpose": "拜访华东客户", "reason": "客户新生产线验收", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}
REPORT = "走访上海三家经销商，完成新生产线验收，下季度追加订单约40万元。"


def _approved_trip(sales, traveller="rep_east1", manager="rm_east"):
    request = sales.start("travel_request", TRIP, traveller)
    sales.approve(request, "Task_ManagerApproval", manager)
    sales.approve(request, "Task_DepartmentHeadApproval", "director")
    assert request.status is InstanceStatus.completed and request.data["decision"] == "approve"
    return request


def _claim(request, *amounts, advance=None):
    data = {"request_no": request.id, "trip_report": REPORT,
            "claim_lines": [{"category": category, "amount": amount} for category, amount in zip(("交通费", "住宿费", "伙食补助"), amounts)]}
    return {**data, "advance_no": advance} if advance else data


@pytest.fixture
def advance(act):
    return act("ledger.pay_advance", employee="rep_east1", amount="2000", purpose="上海出差借支")["advance_no"]


def _balance(account, employee_id):
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit), 0))
                             .where(LedgerEntry.account == account, LedgerEntry.salesperson_id == employee_id))


def test_the_claim_shows_the_request_compares_costs_and_settles_the_advance(sales, advance):
    request = _approved_trip(sales)
    claim = sales.start("travel_claim", _claim(request, 600, 900, 150, advance=advance), "rep_east1")
    check = claim.data["claim_check"]
    assert check["request"] == {"request_no": request.id, "purpose": "拜访华东客户", "reason": "客户新生产线验收",
                                "destination": "上海", "start_date": "2026-12-01", "end_date": "2026-12-03",
                                "estimated_cost": "2500.00"}
    assert (check["estimated"], check["actual"], check["cost_difference"], check["over_estimate"]) == (
        "2500.00", "1650.00", "-850.00", False)
    review = sales.task(claim, "Task_FinanceReview")
    assert review.candidate_role == "finance" and review.is_approval
    sales.approve(claim, "Task_FinanceReview", "finance")
    assert claim.status is InstanceStatus.completed
    settled = claim.data["settlement"]
    assert (settled["actual"], settled["applied"], settled["returned"], settled["payable"]) == (
        "1650.00", "1650.00", "350.00", "0.00")  # the unused advance comes back
    rep = sales.user("rep_east1")
    assert _balance("1221", rep.id) == 0  # the advance is settled
    [settlement] = db.session.scalars(select(TravelSettlement)).all()
    assert settlement.request_instance_id == request.id and settlement.expense_claim.number == settled["claim_no"]
    assert all_invariants_hold()


def test_an_overspent_trip_without_advance_is_owed_to_the_traveller(sales):
    request = _approved_trip(sales)
    claim = sales.start("travel_claim", _claim(request, 1500, 1300), "rep_east1")
    assert claim.data["claim_check"]["over_estimate"] is True and claim.data["claim_check"]["cost_difference"] == "300.00"
    sales.approve(claim, "Task_FinanceReview", "finance")
    assert claim.data["settlement"]["payable"] == "2800.00"
    assert _balance("2241", sales.user("rep_east1").id) == D("-2800.00")
    assert all_invariants_hold()


def test_a_finance_rejection_comes_back_to_the_traveller(sales):
    request = _approved_trip(sales)
    claim = sales.start("travel_claim", _claim(request, 900), "rep_east1")
    sales.reject(claim, "Task_FinanceReview", "finance", "缺住宿发票")
    assert sales.task(claim, "Task_ReviseClaim").assignee.username == "rep_east1"
    sales.complete(claim, "Task_ReviseClaim", "rep_east1", {**_claim(request, 900, 450), "action": "resubmit"})
    sales.approve(claim, "Task_FinanceReview", "finance")
    assert claim.data["settlement"]["actual"] == "1350.00"  # the corrected claim, as submitted
    assert db.session.scalar(select(func.count()).select_from(ExpenseClaim)) == 1


def test_the_trip_report_is_required(sales):
    from app.errors import ValidationFailed

    request = _approved_trip(sales)
    with pytest.raises(ValidationFailed) as caught:
        sales.start("travel_claim", {**_claim(request, 900), "trip_report": ""}, "rep_east1")
    assert "trip_report" in caught.value.details["fields"]


def test_someone_elses_request_is_refused(sales):
    request = _approved_trip(sales)
    claim = sales.start("travel_claim", _claim(request, 900), "rep_east2")
    assert claim.data["claim_check"]["error"]["code"] == "request_not_approved"
    assert sales.ready_elements(claim) == ["Task_ReviseClaim"]  # no finance task: nothing to approve


def test_an_unapproved_request_is_refused(sales):
    pending = sales.start("travel_request", TRIP, "rep_east1")
    claim = sales.start("travel_claim", _claim(pending, 900), "rep_east1")
    assert claim.data["claim_check"]["error"]["code"] == "request_not_approved"
    sales.complete(claim, "Task_ReviseClaim", "rep_east1", {**_claim(pending, 900), "action": "withdraw"})
    assert claim.status is InstanceStatus.completed and db.session.scalars(select(ExpenseClaim)).all() == []


def test_a_request_is_settled_once(sales):
    request = _approved_trip(sales)
    first = sales.start("travel_claim", _claim(request, 900), "rep_east1")
    second = sales.start("travel_claim", _claim(request, 900), "rep_east1")  # both checked before either settles
    sales.approve(first, "Task_FinanceReview", "finance")
    sales.approve(second, "Task_FinanceReview", "finance")
    assert second.data["settlement"]["error"]["code"] == "already_claimed"
    assert sales.ready_elements(second) == ["Task_ReviseClaim"]
    assert db.session.scalar(select(func.count()).select_from(ExpenseClaim)) == 1
    third = sales.start("travel_claim", _claim(request, 900), "rep_east1")
    assert third.data["claim_check"]["error"]["code"] == "already_claimed"


def test_another_persons_advance_is_refused(sales, act):
    theirs = act("ledger.pay_advance", employee="rep_east2", amount="1000", purpose="借支")["advance_no"]
    request = _approved_trip(sales)
    claim = sales.start("travel_claim", _claim(request, 900, advance=theirs), "rep_east1")
    error = claim.data["claim_check"]["error"]
    assert error["code"] == "unknown_employee_advance"


def test_no_settlement_without_finances_approval(sales):
    from app.actions import BusinessRuleViolation
    from app.ledger.travel import settle_trip

    request = _approved_trip(sales)
    claim = sales.start("travel_claim", _claim(request, 900), "rep_east1")
    with pytest.raises(BusinessRuleViolation) as caught:
        settle_trip(new_call("ledger.settle_trip", instance_id=claim.id))
    assert caught.value.code == "not_approved" and db.session.scalars(select(ExpenseClaim)).all() == []
