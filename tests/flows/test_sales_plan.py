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

from app.extensions import db
from app.models import InstanceStatus, ProcessInstance, SalesPlan, SalesPlanLine, ScheduledStart, User
from app.models.posted import PostedRecordImmutable
from tests.support.ledger_harness import all_invariants_hold

D = Decimal
FRAME = {"year": 2027, "strategy": "巩固华东，拓展华南", "forecast": "泵类需求增长8%",
         "capacity": [{"material_class": "MOTOR", "month": 1, "quantity": 100},
                      {"material_class": "MOTOR", "month": 2, "quantity": 100}]}
BREAKDOWN = [
    {"region": "华东", "salesperson": "rep_east1", "customer": "", "material_class": "MOTOR", "month": 1,
     "amount": 98000, "quantity": 60},
    {"region": "华东", "salesperson": "rep_east2", "customer": "", "material_class": "MOTOR", "month": 2,
     "amount": 49000, "quantity": 30},
    {"region": "华南", "salesperson": "rep_south1", "customer": "", "material_class": "PARTS", "month": 3,
     "amount": 8500, "quantity": 100},
]


def _each(sales, instance, element_id, data):
    """Complete every ready ``element_id`` task as the person it went to."""
    done = []
    for task in [t for t in sales.ready(instance) if t.element_id == element_id]:
        person = db.session.get(User, task.assignee_id)
        from app.services import tasks

        tasks.complete_task(task.id, person, data(person) if callable(data) else data)
        done.append(person.username)
    return done


def _to_breakdown(sales, frame=FRAME):
    instance = sales.start("sales_plan", frame, "sales_admin")
    reps = _each(sales, instance, "Task_RepFigures", lambda rep: {"lines": [
        {"customer": "", "material_class": "MOTOR", "month": 1, "amount": 9800, "quantity": 5}], "remark": rep.username})
    regions = _each(sales, instance, "Task_RegionConsolidation", lambda rm: {"lines": [
        {"salesperson": "rep_east1", "material_class": "MOTOR", "month": 1, "amount": 9800, "quantity": 5}]})
    return instance, reps, regions


def _breakdown(sales, instance, lines=BREAKDOWN):
    sales.complete(instance, "Task_Breakdown", "sales_admin", {"lines": lines, "remark": "按大区分解"})


def test_the_plan_runs_from_figures_to_issued_targets(sales):
    instance, reps, regions = _to_breakdown(sales)
    assert "rep_east1" in reps and "rep_south1" in reps and len(reps) == 23
    assert sorted(regions) == ["rm_east", "rm_north", "rm_northeast", "rm_south", "rm_southwest"]
    assert instance.data["baseline"]["year"] == 2027 and instance.data["baseline"]["baseline_year"] == 2026
    assert len(instance.data["submissions"]["reps"]) == 23 and len(instance.data["submissions"]["regions"]) == 5
    _breakdown(sales, instance)
    assert instance.data["capacity_check"]["ok"] and instance.data["capacity_check"]["amount"] == "155500.00"
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    issued = instance.data["issued"]
    assert (issued["number"], issued["version"]) == ("SP2027-1", 1)
    assert issued["recipients"] == ["rep_east1", "rep_east2", "rep_south1", "rm_east", "rm_south"]
    received = _each(sales, instance, "Task_ReceiveTargets", {"remark": "已阅"})
    assert sorted(received) == issued["recipients"]
    assert instance.status is InstanceStatus.completed
    plan = db.session.scalar(select(SalesPlan))
    assert (plan.year, plan.amount, plan.quantity, plan.approved_by.username) == (2027, D("155500.00"), D("190"), "gm")
    assert [(l.region, l.salesperson.username, l.month, l.amount) for l in plan.lines] == [
        ("华东", "rep_east1", 1, D("98000.00")), ("华东", "rep_east2", 2, D("49000.00")), ("华南", "rep_south1", 3, D("8500.00"))]
    assert all_invariants_hold()
