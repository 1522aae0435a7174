"""Travel claims run through the real diagrams with the clock moved
between steps, for the process analytics tests."""
from datetime import timedelta

from app.extensions import db
from app.services import instances, tasks
from tests.flows.test_travel_claim import _approved_trip, _claim


def run_travel_claims(sales, frozen_clock):
    """Four travel claims (BX-1…BX-4) with their steps spread over time:
    a rejection loop with a claim, release and delegation; a review done
    30 h after entry against a 24 h due time; a review reassigned and left
    open past its due time; a cancelled claim. Returns the clock."""
    hours = lambda n: frozen_clock.advance(hours=n)  # noqa: E731
    finance = sales.user("finance")
    looped = sales.start("travel_claim", _claim(_approved_trip(sales), 900), "rep_east1", business_key="BX-1")
    hours(2)
    tasks.claim_task(sales.task(looped, "Task_FinanceReview").id, finance)
    hours(1)
    sales.reject(looped, "Task_FinanceReview", "finance", "缺住宿发票")
    hours(3)
    sales.complete(looped, "Task_ReviseClaim", "rep_east1", {**_claim(_approved_trip(sales), 900, 450), "action": "resubmit"})
    hours(1)
    review = sales.task(looped, "Task_FinanceReview")
    tasks.claim_task(review.id, finance)
    hours(1)
    tasks.release_task(review.id, finance)
    hours(2)
    tasks.delegate_task(review.id, finance, "gm")
    hours(4)
    sales.approve(looped, "Task_FinanceReview", "gm")

    late = sales.start("travel_claim", _claim(_approved_trip(sales, "rep_east2"), 700), "rep_east2", business_key="BX-2")
    sales.task(late, "Task_FinanceReview").due_at = frozen_clock.now + timedelta(hours=24)
    hours(30)
    sales.approve(late, "Task_FinanceReview", "finance")

    reassigned = sales.start("travel_claim", _claim(_approved_trip(sales), 300), "rep_east1", business_key="BX-3")
    review = sales.task(reassigned, "Task_FinanceReview")
    review.due_at = frozen_clock.now + timedelta(hours=1)
    hours(5)
    tasks.reassign_task(review.id, sales.user("process_admin"), "gm", "财务休假")
    hours(2)  # left open: past its due time

    cancelled = sales.start("travel_claim", _claim(_approved_trip(sales), 500), "rep_east1", business_key="BX-4")
    hours(6)
    instances.cancel_instance(cancelled.id, sales.user("rep_east1"), "行程取消")
    db.session.flush()
    return frozen_clock
