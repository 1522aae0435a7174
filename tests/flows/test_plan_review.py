"""F11 plan_review (plan versus actual) through the service layer with the
real diagram: the month's achievement by region, salesperson and material
class, the decision table's band (80%–120%), nothing for anyone when every
row is inside it, otherwise the director keeps the plan or has next month's
plan adjusted, approved and issued again as a new version."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, MonthlyPlan
from app.services import tasks
from tests.support.ledger_harness import all_invariants_hold
from tests.support.monthly_plan_flow import JANUARY, adjust, approve_and_receive, issue_month, started_by_timer

CITY_DEALER = "江苏机电设备经销部"  # served by rep_east2


@pytest.fixture
def sold(act, customer_code, shipped_order, sales):
    """rep_east2 invoices 2 × MTR001 (1,960.00, class MOTOR, region 华东) on 2026-12-01."""
    act("ledger.issue_invoice", order=shipped_order(customer_code(CITY_DEALER), [("MTR001", 2)]))


def planned(sales, amount):
    issue_month(sales, "2026-12", [{"region": "华东", "salesperson": "rep_east2", "material_class": "MOTOR",
                                    "amount": amount, "quantity": 2}])


def review(sales, month="2026-12"):
    return sales.start("plan_review", {"month": month}, "sales_admin")


@pytest.mark.parametrize("amount", [None, 2000])  # nothing planned; 98% of plan
def test_a_month_inside_the_band_ends_without_a_task(sales, sold, amount):
    if amount:
        planned(sales, amount)
    instance = review(sales)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert instance.data["variance_flagged"] is False
    assert instance.data["variances"] == {"by_region": [], "by_salesperson": [], "by_material_class": []}
    achievement = instance.data["achievement"]
    assert achievement["has_targets"] is bool(amount)
    if amount:
        assert [(r["key"], r["month_pct"], r["ytd_target"], r["ytd_actual"])
                for group in ("by_region", "by_salesperson", "by_material_class") for r in achievement[group]] == [
            ("华东", 98.0, "2000.00", "1960.00"), ("rep_east2", 98.0, "2000.00", "1960.00"),
            ("MOTOR", 98.0, "2000.00", "1960.00")]
    assert all_invariants_hold()


def test_below_the_band_the_director_keeps_the_plan(sales, sold):
    planned(sales, 4000)
    instance = review(sales)
    assert sales.ready_elements(instance) == ["Task_DirectorReview"]
    assert {group: [(r["key"], r["month_pct"]) for r in rows] for group, rows in instance.data["variances"].items()} == {
        "by_region": [("华东", 49.0)], "by_salesperson": [("rep_east2", 49.0)], "by_material_class": [("MOTOR", 49.0)]}
    sales.complete(instance, "Task_DirectorReview", "director", {"plan_decision": "keep", "remark": "年底回款为主"})
    assert instance.status is InstanceStatus.completed
    assert db.session.scalar(select(func.count()).select_from(MonthlyPlan)) == 1
    assert all_invariants_hold()


def test_above_the_band_the_director_has_next_months_plan_adjusted_approved_and_issued(sales, sold, refuse_once):
    planned(sales, 1000)
    calls = refuse_once("ledger.issue_monthly_plan", "invalid_plan_line", "Line 1: no material class 'MOTOR'.")
    instance = review(sales)
    assert instance.data["achievement"]["highest_pct"] == 196.0 and instance.data["variance_flagged"] is True
    sales.complete(instance, "Task_DirectorReview", "director", {"plan_decision": "adjust", "remark": "上调指标"})
    assert instance.data["draft"]["month"] == "2027-01"
    assert sales.ready_elements(instance) == ["Task_AdjustMonthlyPlan"]
    adjust(sales, instance, [JANUARY[0] | {"material_class": "NOPE"}])  # refused by the check
    assert instance.data["lines_check"]["error"]["code"] == "invalid_plan_line"
    adjust(sales, instance)
    sales.reject(instance, "Task_ApproveMonthlyPlan", "director")
    adjust(sales, instance)
    sales.approve(instance, "Task_ApproveMonthlyPlan", "director")  # the issue refuses once
    assert sales.ready_elements(instance) == ["Task_AdjustMonthlyPlan"] and len(calls) == 1
    adjust(sales, instance)
    issued = approve_and_receive(sales, instance)
    assert (issued["number"], issued["recipients"]) == ("MP2027-01-1", ["rep_east1", "rep_south1", "rm_east", "rm_south"])
    assert all_invariants_hold()


def test_a_month_outside_the_business_dates_ends_without_a_task(sales):
    instance = review(sales, "1999-12")
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert instance.data["achievement"]["error"]["code"] == "invalid_month"


def test_the_timer_on_the_5th_reviews_the_month_that_ended(sales, sold, frozen_clock):
    planned(sales, 4000)
    # 5 January 03:00 in Shanghai
    instance = started_by_timer(frozen_clock, "plan_review", datetime(2027, 1, 4, 19, 0, tzinfo=timezone.utc))
    assert instance.data["achievement"]["month"] == "2026-12"
    assert sales.task(instance, "Task_DirectorReview").candidate_role == "sales_director"


def test_only_the_sales_office_starts_a_review_and_only_the_director_decides(sales, sold):
    for who in ("rep_east2", "rm_east", "auditor"):
        with pytest.raises(Forbidden):
            sales.start("plan_review", {"month": "2026-12"}, who)
    with pytest.raises(ValidationFailed):  # nobody can start it pre-judged
        sales.start("plan_review", {"month": "2026-12", "variance_flagged": False}, "sales_admin")
    planned(sales, 4000)
    instance = review(sales)
    task = sales.task(instance, "Task_DirectorReview")
    for outsider in ("rep_east2", "rm_east", "sales_admin", "gm"):
        with pytest.raises(Forbidden):
            tasks.complete_task(task.id, sales.user(outsider), {"plan_decision": "keep"})
    for forged in ({"plan_decision": "approve"}, {"plan_decision": "keep", "variances": {}},
                   {"plan_decision": "adjust", "draft": {"month": "2027-06", "ok": True}}):
        with pytest.raises(ValidationFailed):
            tasks.complete_task(task.id, sales.user("director"), forged)
    assert sales.ready_elements(instance) == ["Task_DirectorReview"]


def test_a_target_for_a_series_counts_what_was_sold_in_its_classes(sales, act, customer_code, shipped_order):
    act("ledger.issue_invoice", order=shipped_order(customer_code(CITY_DEALER), [("PCF001", 1)]))  # 单级离心泵, under 泵
    issue_month(sales, "2026-12", [{"region": "华东", "salesperson": "rep_east2", "material_class": "PUMP",
                                    "amount": 1280, "quantity": 1}])
    instance = review(sales)
    rows = instance.data["achievement"]["by_material_class"]
    assert [(r["key"], r["month_target"], r["month_actual"], r["month_pct"]) for r in rows] == [
        ("PUMP", "1280.00", "1280.00", 100.0)]  # not 0% for PUMP beside an untargeted PUMP_CF
    assert instance.status is InstanceStatus.completed  # inside the band
