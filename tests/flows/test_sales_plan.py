"""F11 sales_plan (the annual plan) through the service layer with the real
diagram: framed by hand or by the yearly timer, last year's baseline, every
rep's figures in parallel, each region consolidated by its manager, the
sales office's breakdown, the capacity check sending months over capacity
back, the director's and the general manager's approvals (each rejection
back to the breakdown), and the issued plan saved as an immutable version
whose people each receive their targets."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import ActionCall, run_action
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.services import tasks
from app.models import InstanceStatus, ProcessInstance, SalesPlan, SalesPlanLine, ScheduledStart
from app.models.posted import PostedRecordImmutable
from tests.support.ledger_harness import all_invariants_hold
from tests.support.plan_flow import BREAKDOWN, FRAME, approve_and_issue, break_down, each, issue, start_plan, to_breakdown

D = Decimal
def test_the_plan_runs_from_figures_to_issued_targets(sales):
    instance, reps, regions = to_breakdown(sales)
    assert "rep_east1" in reps and "rep_south1" in reps and len(reps) == 23
    assert sorted(regions) == ["rm_east", "rm_north", "rm_northeast", "rm_south", "rm_southwest"]
    assert instance.data["baseline"]["year"] == 2027 and instance.data["baseline"]["baseline_year"] == 2026
    assert len(instance.data["submissions"]["rep_figures"]) == 23 and len(instance.data["submissions"]["region_figures"]) == 5
    break_down(sales, instance)
    assert instance.data["capacity_check"]["ok"] and instance.data["capacity_check"]["amount"] == "155500.00"
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    issued = instance.data["issued"]
    assert (issued["number"], issued["version"]) == ("SP2027-1", 1)
    assert issued["recipients"] == ["rep_east1", "rep_east2", "rep_south1", "rm_east", "rm_south"]
    received = each(sales, instance, "Task_ReceiveTargets", {"received": True, "remark": "已阅"})
    assert sorted(received) == issued["recipients"]
    assert instance.status is InstanceStatus.completed
    plan = db.session.scalar(select(SalesPlan))
    assert (plan.year, plan.amount, plan.quantity, plan.approved_by.username) == (2027, D("155500.00"), D("190"), "gm")
    assert [(l.region, l.salesperson.username, l.month, l.amount) for l in plan.lines] == [
        ("华东", "rep_east1", 1, D("98000.00")), ("华东", "rep_east2", 2, D("49000.00")), ("华南", "rep_south1", 3, D("8500.00"))]
    assert all_invariants_hold()


def test_the_yearly_timer_starts_next_years_plan_for_the_sales_office_to_frame(sales, frozen_clock):
    from app.services import worker_jobs

    worker_jobs.plan_schedules()
    schedule = db.session.get(ScheduledStart, "sales_plan")
    assert schedule.next_due_at == datetime(2027, 10, 31, 17, 0, tzinfo=timezone.utc)  # 2027-11-01 01:00 in Shanghai
    frozen_clock.now = datetime(2027, 10, 31, 17, 0, 1, tzinfo=timezone.utc)
    started = []
    while (key := worker_jobs.start_next_scheduled()) is not None:
        started.append(key)
    assert started.count("sales_plan") == 1
    instance = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert instance.started_by.username == "system"
    assert sales.task(instance, "Task_PlanFrame").candidate_role == "sales_admin"
    sales.complete(instance, "Task_PlanFrame", "sales_admin", FRAME | {"year": 2028})
    assert instance.data["baseline"]["baseline_year"] == 2027
    assert sales.ready_elements(instance).count("Task_RepFigures") == 23


@pytest.mark.parametrize("line, code", [
    ({"quantity": 41}, "over_capacity"),  # MOTOR in January: 60 + 41 of 100
    ({"region": "华东", "salesperson": "rep_south1"}, "invalid_plan_line"),  # someone from another region
    ({"material_class": "NOPE"}, "invalid_plan_line"),
    ({"customer": "NOPE"}, "invalid_plan_line"),
])
def test_a_breakdown_over_capacity_or_naming_the_wrong_things_goes_back_to_the_sales_office(sales, line, code):
    instance, _, _ = to_breakdown(sales)
    extra = {"region": "华东", "salesperson": "rep_east1", "customer": "", "material_class": "MOTOR", "month": 1,
             "amount": 1000, "quantity": 1} | line
    break_down(sales, instance, BREAKDOWN + [extra])
    assert sales.ready_elements(instance) == ["Task_Breakdown"]
    error = instance.data["capacity_check"]["error"]
    assert error["code"] == code
    if code == "over_capacity":
        assert error["over"] == [{"material_class": "MOTOR", "month": 1, "planned": "101.0000", "capacity": "100.0000"}]
    assert issue(sales, instance)["number"] == "SP2027-1"  # corrected, it goes on


@pytest.mark.parametrize("rejecter", ["Task_DirectorApproval", "Task_GMApproval"])
def test_a_rejection_goes_back_to_the_breakdown_and_then_through_both_approvals_again(sales, rejecter):
    instance, _, _ = to_breakdown(sales)
    break_down(sales, instance)
    if rejecter == "Task_GMApproval":
        sales.approve(instance, "Task_DirectorApproval", "director")
    sales.reject(instance, rejecter, "director" if rejecter == "Task_DirectorApproval" else "gm")
    assert sales.ready_elements(instance) == ["Task_Breakdown"]
    assert db.session.scalar(select(func.count()).select_from(SalesPlan)) == 0
    break_down(sales, instance, BREAKDOWN[:1])
    assert sales.ready_elements(instance) == ["Task_DirectorApproval"]
    issued = approve_and_issue(sales, instance)
    assert issued["amount"] == "98000.00" and issued["recipients"] == ["rep_east1", "rm_east"]
    assert all_invariants_hold()


def test_a_reissued_plan_is_a_new_version_and_an_issued_one_never_changes(sales):
    first, _, _ = to_breakdown(sales)
    issue(sales, first)
    second, _, _ = to_breakdown(sales)
    assert issue(sales, second, BREAKDOWN[:2])["number"] == "SP2027-2"
    plans = db.session.scalars(select(SalesPlan).order_by(SalesPlan.version)).all()
    assert [(p.version, p.amount) for p in plans] == [(1, D("155500.00")), (2, D("147000.00"))]
    from app.ledger.sales_plan import latest_plan

    assert latest_plan(2027).version == 2
    line = db.session.scalar(select(SalesPlanLine).where(SalesPlanLine.plan_id == plans[0].id).limit(1))
    line.amount = D("1")
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_a_rep_cannot_submit_another_reps_figures_nor_name_someone_else(sales):
    instance = start_plan(sales)
    theirs = next(t for t in sales.ready(instance) if t.element_id == "Task_RepFigures" and t.assignee.username == "rep_east2")
    with pytest.raises(Forbidden):
        tasks.complete_task(theirs.id, sales.user("rep_east1"), {"lines": []})
    with pytest.raises(ValidationFailed):  # the form has no field for whose figures they are
        tasks.complete_task(theirs.id, sales.user("rep_east2"), {"lines": [], "salesperson": "rep_east1"})
    mine = next(t for t in sales.ready(instance) if t.element_id == "Task_RegionConsolidation" or
                (t.element_id == "Task_RepFigures" and t.assignee.username == "rep_east1"))
    assert mine.element_id == "Task_RepFigures"  # no region consolidates before every rep has submitted


def test_only_the_sales_office_starts_a_plan(sales):
    for who in ("rep_east1", "director", "auditor"):
        with pytest.raises(Forbidden):
            sales.start("sales_plan", {"remark": ""}, who)


def test_nothing_is_issued_without_both_approvals_of_record(sales):
    instance, _, _ = to_breakdown(sales)
    break_down(sales, instance)
    call = ActionCall(instance.id, "forged-task", "Task_IssuePlan", "ledger.issue_sales_plan", None)
    with pytest.raises(Exception) as refused:
        run_action(call, {})
    assert getattr(refused.value, "code", None) == "not_approved"
    assert db.session.scalar(select(func.count()).select_from(SalesPlan)) == 0


def test_the_forms_offer_material_classes_by_code_or_name(sales):
    from app.services.queries import lookup_values

    assert [o["value"] for o in lookup_values("material_class", "电机")] == ["MOTOR"]
    assert "PUMP_CF" in [o["value"] for o in lookup_values("material_class", "pump")]
