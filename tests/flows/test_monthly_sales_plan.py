"""F11 monthly_sales_plan through the service layer with the real diagram:
started by hand or by the timer on the 25th, drafted from the annual plan's
month and the open orders, adjusted by the sales office, checked, approved
by the director (a rejection back to the adjustment), issued as an
immutable version of the month's plan whose people each sign for it."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import ActionCall, run_action
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, MonthlyPlan, MonthlyPlanLine
from app.models.posted import PostedRecordImmutable
from app.services import tasks
from tests.support.ledger_harness import all_invariants_hold
from tests.support.monthly_plan_flow import (JANUARY, adjust, annual_plan, approve_and_receive, issue_month, start_month,
                                             started_by_timer)

D = Decimal
CITY_DEALER = "江苏机电设备经销部"  # served by rep_east2


def test_the_month_is_drafted_from_the_annual_plan_and_open_orders_then_issued(sales, shipped_order, customer_code):
    annual_plan(sales)  # rep_east1: MOTOR 98,000.00 / 60 in January
    shipped_order(customer_code(CITY_DEALER), [("MTR001", 3)], ship=False)  # ordered, not shipped
    shipped_order(customer_code(CITY_DEALER), [("MTR001", 1)])  # shipped: not open
    instance = start_month(sales)
    draft = instance.data["draft"]
    assert draft["month"] == "2027-01"
    assert draft["annual"] == [{"region": "华东", "salesperson": "rep_east1", "material_class": "MOTOR",
                                "amount": "98000.00", "quantity": "60.0000"}]
    assert draft["open_orders"] == [{"region": "华东", "salesperson": "rep_east2", "material_class": "MOTOR",
                                     "amount": "2940.00", "quantity": "3.0000"}]
    assert instance.data["month_lines"] == [
        {"region": "华东", "salesperson": "rep_east1", "material_class": "MOTOR", "amount": 98000, "quantity": 60},
        {"region": "华东", "salesperson": "rep_east2", "material_class": "MOTOR", "amount": 2940, "quantity": 3}]
    assert sales.ready_elements(instance) == ["Task_AdjustMonthlyPlan"]
    sales.complete(instance, "Task_AdjustMonthlyPlan", "sales_admin", {"month_lines": instance.data["month_lines"]})
    assert instance.data["lines_check"] == {"ok": True, "amount": "100940.00", "quantity": "63.0000", "line_count": 2}
    issued = approve_and_receive(sales, instance)
    assert (issued["number"], issued["month"], issued["version"]) == ("MP2027-01-1", "2027-01", 1)
    assert issued["recipients"] == ["rep_east1", "rep_east2", "rm_east"]
    plan = db.session.scalar(select(MonthlyPlan))
    assert (plan.year, plan.month, plan.amount, plan.approved_by.username) == (2027, 1, D("100940.00"), "director")
    assert [(l.salesperson.username, l.material_class.code, l.amount) for l in plan.lines] == [
        ("rep_east1", "MOTOR", D("98000.00")), ("rep_east2", "MOTOR", D("2940.00"))]
    assert all_invariants_hold()


def test_the_timer_on_the_25th_plans_next_month_for_the_sales_office(sales, frozen_clock):
    # 25 December 01:00 in Shanghai
    instance = started_by_timer(frozen_clock, "monthly_sales_plan", datetime(2026, 12, 24, 17, 0, tzinfo=timezone.utc))
    assert instance.data["draft"]["month"] == "2027-01"
    assert sales.task(instance, "Task_AdjustMonthlyPlan").candidate_role == "sales_admin"
    assert all_invariants_hold()


def test_a_month_outside_the_business_dates_ends_without_a_task(sales):
    instance = start_month(sales, "1999-12")
    assert instance.status is InstanceStatus.completed
    assert instance.data["draft"]["error"]["code"] == "invalid_month"
    assert sales.ready(instance) == []
    assert all_invariants_hold()


@pytest.mark.parametrize("line", [
    {"region": "华东", "salesperson": "rep_south1"},  # someone from another region
    {"material_class": "NOPE"},
    {"region": "火星"},
    {"amount": 0, "quantity": 0},
])
def test_lines_naming_the_wrong_things_go_back_to_the_sales_office(sales, line):
    instance = start_month(sales)
    adjust(sales, instance, [JANUARY[0] | line])
    assert sales.ready_elements(instance) == ["Task_AdjustMonthlyPlan"]
    assert instance.data["lines_check"]["error"]["code"] == "invalid_plan_line"
    adjust(sales, instance)
    assert approve_and_receive(sales, instance)["amount"] == "99000.00"
    assert all_invariants_hold()


def test_the_directors_rejection_goes_back_to_the_adjustment(sales):
    instance = start_month(sales)
    adjust(sales, instance)
    sales.reject(instance, "Task_ApproveMonthlyPlan", "director")
    assert sales.ready_elements(instance) == ["Task_AdjustMonthlyPlan"]
    assert db.session.scalar(select(func.count()).select_from(MonthlyPlan)) == 0
    adjust(sales, instance, JANUARY[:1])
    issued = approve_and_receive(sales, instance)
    assert issued["amount"] == "90000.00" and issued["recipients"] == ["rep_east1", "rm_east"]
    assert all_invariants_hold()


def test_a_reissued_month_is_a_new_version_and_an_issued_one_never_changes(sales):
    issue_month(sales)
    assert issue_month(sales, lines=JANUARY[:1])["number"] == "MP2027-01-2"
    plans = db.session.scalars(select(MonthlyPlan).order_by(MonthlyPlan.version)).all()
    assert [(p.version, p.amount) for p in plans] == [(1, D("99000.00")), (2, D("90000.00"))]
    line = db.session.scalar(select(MonthlyPlanLine).where(MonthlyPlanLine.plan_id == plans[0].id).limit(1))
    line.amount = D("1")
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_only_the_sales_office_starts_a_monthly_plan(sales):
    for who in ("rep_east1", "rm_east", "director", "auditor"):
        with pytest.raises(Forbidden):
            sales.start("monthly_sales_plan", {"month": "2027-01"}, who)


def test_nobody_but_the_director_approves_and_no_form_names_the_version_or_the_targets(sales):
    instance = start_month(sales)
    mine = sales.task(instance, "Task_AdjustMonthlyPlan")
    for forged in ({"issued": {"number": "MP2027-01-9"}}, {"version": 9}, {"lines_check": {"ok": True}}):
        with pytest.raises(ValidationFailed):
            tasks.complete_task(mine.id, sales.user("sales_admin"), {"month_lines": JANUARY} | forged)
    with pytest.raises(ValidationFailed):  # a line cannot move itself to another month
        tasks.complete_task(mine.id, sales.user("sales_admin"), {"month_lines": [JANUARY[0] | {"month": 2}]})
    adjust(sales, instance)
    approval = sales.task(instance, "Task_ApproveMonthlyPlan")
    for outsider in ("rep_east1", "rm_east", "sales_admin", "gm"):
        with pytest.raises(Forbidden):
            tasks.complete_task(approval.id, sales.user(outsider), {"decision": "approve"})
    assert db.session.scalar(select(func.count()).select_from(MonthlyPlan)) == 0


def test_nothing_is_issued_without_the_directors_approval_of_record(sales):
    instance = start_month(sales)
    adjust(sales, instance)
    call = ActionCall(instance.id, "forged-task", "Task_IssueMonthlyPlan", "ledger.issue_monthly_plan", None)
    with pytest.raises(Exception) as refused:
        run_action(call, {"month": "2027-01"})
    assert getattr(refused.value, "code", None) == "not_approved"
    assert db.session.scalar(select(func.count()).select_from(MonthlyPlan)) == 0


def test_a_refused_issue_goes_back_to_the_adjustment(sales, refuse_once):
    calls = refuse_once("ledger.issue_monthly_plan", "invalid_plan_line", "Line 1: no material class 'MOTOR'.")
    instance = start_month(sales)
    adjust(sales, instance)
    sales.approve(instance, "Task_ApproveMonthlyPlan", "director")
    assert sales.ready_elements(instance) == ["Task_AdjustMonthlyPlan"]
    assert instance.data["issued"]["error"]["code"] == "invalid_plan_line"
    adjust(sales, instance)
    assert approve_and_receive(sales, instance)["number"] == "MP2027-01-1"
    assert calls == [{"month": "2027-01"}, {"month": "2027-01"}]
    assert all_invariants_hold()
