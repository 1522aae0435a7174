"""F09 performance_review through the service layer with the real diagram:
the quarter-end timer start (planned and started by the worker, the quarter
just ended derived in business time), the hand start, the general
manager's approval of every proposal however small (seed 8.2: 报批), every
rejection, and the scores recorded. What the review covers beyond the
scores, and the payroll posting, are in test_performance_payroll.py."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import InstanceStatus, LedgerEntry, PayrollAdjustment, PerformanceScore, ProcessInstance, ScheduledStart
from tests.support.ledger_harness import all_invariants_hold

D = Decimal
CITY_DEALER = "江苏机电设备经销部"  # served by rep_east2


@pytest.fixture
def quarter_of_business(act, customer_code, shipped_order):
    """rep_east2 invoices 2 × MTR001 (1,960.00) on 2026-12-01 and collects 980.00 of it."""
    code = customer_code(CITY_DEALER)
    invoice = act("ledger.issue_invoice", order=shipped_order(code, [("MTR001", 2)]))
    receipt = act("ledger.record_receipt", customer=code, amount="980")
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"])
    return invoice


SCORE = {"salesperson": "rep_east2", "invoiced": "1960.00", "returned": "0.00", "collected": "980.00",
         "collection_rate": "0.5000", "score": "50.00", "grade": "D"}


def _proposal(*lines):
    return {"adjustments": [{"salesperson": "rep_east2", "kind": kind, "amount": amount, "reason": "回款率50%，评级D"}
                            for kind, amount in lines], "summary": "华东回款偏慢"}


def _score_rows():
    return db.session.scalars(select(PerformanceScore).order_by(PerformanceScore.id)).all()


def test_the_quarter_end_timer_reviews_the_quarter_just_ended(sales, quarter_of_business, frozen_clock):
    from app.services import worker_jobs

    worker_jobs.plan_schedules()
    schedule = db.session.get(ScheduledStart, "performance_review")
    assert schedule.next_due_at == datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)  # 2027-01-01 01:00 in Shanghai
    assert worker_jobs.start_next_scheduled() is None
    frozen_clock.now = datetime(2026, 12, 31, 17, 0, 1, tzinfo=timezone.utc)  # still 2026-12-31 in UTC
    started = []  # other processes may fall due at the same moment
    while (key := worker_jobs.start_next_scheduled()) is not None:
        started.append(key)
    assert started.count("performance_review") == 1
    assert schedule.next_due_at == datetime(2027, 3, 31, 17, 0, tzinfo=timezone.utc)
    instance = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert instance.started_by.username == "system" and instance.business_key == "performance_review@2026-12-31T17:00"
    assert instance.data["scores"] == {"ok": True, "quarter": "2026-Q4", "scores": [SCORE]}
    assert sales.task(instance, "Task_ProposeRewards").candidate_role == "sales_director"
    sales.complete(instance, "Task_ProposeRewards", "director", _proposal(("penalty", 500)))
    sales.approve(instance, "Task_FinanceReview", "finance")
    assert sales.ready_elements(instance) == ["Task_GMApproval"]  # a 500.00 penalty still goes up (报批)
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    [row] = _score_rows()
    assert (row.quarter, row.salesperson.username, row.score, row.collection_rate) == ("2026-Q4", "rep_east2", D("50.00"),
                                                                                         D("0.5000"))
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.source_type.like("performance%"))) == 0  # scoring posts nothing
    assert instance.data["payroll"]["penalties"] == "500.00"  # the approved penalty is posted for payroll
    assert all_invariants_hold()


@pytest.mark.parametrize("lines", [
    (("reward", 10000.01),),
    (("reward", 10000), ("penalty", 5000.01)),
    (("reward", 100), ("penalty", 50)),  # small totals are no exception: the seed leaves nothing to a threshold
])
def test_every_reviewed_proposal_goes_to_the_general_manager(sales, quarter_of_business, lines):
    instance = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    assert instance.data["scores"]["scores"] == [SCORE]
    sales.complete(instance, "Task_ProposeRewards", "director", _proposal(*lines))
    sales.approve(instance, "Task_FinanceReview", "finance")
    assert "gm_approval_required" not in instance.data  # no decision table decides it
    gm = sales.task(instance, "Task_GMApproval")
    assert gm.candidate_role == "general_manager" and gm.approval_stage == "performance" and gm.is_approval
    assert instance.status is InstanceStatus.running
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.status is InstanceStatus.completed and len(_score_rows()) == 1
    assert all_invariants_hold()


def test_a_gm_rejection_ends_the_review(sales, quarter_of_business):
    instance = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    sales.complete(instance, "Task_ProposeRewards", "director", _proposal(("reward", 20000)))
    sales.approve(instance, "Task_FinanceReview", "finance")
    sales.reject(instance, "Task_GMApproval", "gm", "奖励与评级不符")
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert "gm_approval_required" not in instance.data
    assert len(_score_rows()) == 1  # the scores stay recorded
    assert db.session.scalars(select(PayrollAdjustment)).all() == []  # nothing rejected reaches payroll
    assert all_invariants_hold()


def test_a_finance_rejection_goes_back_to_the_director_to_revise(sales, quarter_of_business):
    instance = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    sales.complete(instance, "Task_ProposeRewards", "director", _proposal(("reward", 20000)))
    sales.reject(instance, "Task_FinanceReview", "finance", "D级不应奖励")
    assert sales.ready_elements(instance) == ["Task_ProposeRewards"] and instance.status is InstanceStatus.running
    assert sales.task(instance, "Task_ProposeRewards").candidate_role == "sales_director"
    sales.complete(instance, "Task_ProposeRewards", "director", _proposal(("penalty", 300)))
    sales.approve(instance, "Task_FinanceReview", "finance")  # the same reviewer decides the revision
    sales.approve(instance, "Task_GMApproval", "gm")
    [sheet] = db.session.scalars(select(PayrollAdjustment)).all()
    assert (sheet.rewards, sheet.penalties) == (D("0.00"), D("300.00"))  # the revision, not the rejected proposal
    assert all_invariants_hold()


def test_a_quarter_without_business_still_reviews_the_staff(sales, quarter_of_business):
    """Nobody sold in Q3, yet office and field staff are reviewed (the
    director may still reward service or penalise a missed target)."""
    instance = sales.start("performance_review", {"quarter": "2026-Q3"}, "sales_admin")
    assert instance.data["scores"]["scores"] == [] and _score_rows() == []
    people = {row["employee"] for row in instance.data["review"]["people"]}
    assert {"service_desk", "rep_east1", "rm_east"} <= people
    assert sales.ready_elements(instance) == ["Task_ProposeRewards"]


def test_the_hand_start_needs_a_quarter(sales):
    from app.errors import ValidationFailed

    for bad in ({}, {"quarter": "2026-Q5"}, {"quarter": "2026-4"}):
        with pytest.raises(ValidationFailed):
            sales.start("performance_review", bad, "sales_admin")
