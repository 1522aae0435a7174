"""The monthly sales plan and the plan-versus-actual review (F11) driven
through the service layer as people would: the sales office adjusts the
draft, the director approves, everyone with targets signs for them."""
from datetime import timedelta

from app.models import InstanceStatus
from tests.support.plan_flow import FRAME, each, issue, to_breakdown

JANUARY = [
    {"region": "华东", "salesperson": "rep_east1", "material_class": "MOTOR", "amount": 90000, "quantity": 55},
    {"region": "华南", "salesperson": "rep_south1", "material_class": "PARTS", "amount": 9000, "quantity": 100},
]


def annual_plan(sales, year=2027, lines=None):
    """An issued annual plan of ``year`` (the annual flow's own breakdown unless ``lines``)."""
    instance, _, _ = to_breakdown(sales, FRAME | {"year": year})
    return issue(sales, instance, lines) if lines else issue(sales, instance)


def start_month(sales, month="2027-01"):
    return sales.start("monthly_sales_plan", {"month": month}, "sales_admin")


def adjust(sales, instance, lines=JANUARY, remark="按订单调整"):
    sales.complete(instance, "Task_AdjustMonthlyPlan", "sales_admin", {"month_lines": lines, "remark": remark})


def approve_and_receive(sales, instance):
    """The director's approval, then every recipient signs; the issued plan."""
    sales.approve(instance, "Task_ApproveMonthlyPlan", "director")
    each(sales, instance, "Task_ReceiveTargets", {"received": True})
    assert instance.status is InstanceStatus.completed
    return instance.data["issued"]


def issue_month(sales, month="2027-01", lines=JANUARY):
    instance = start_month(sales, month)
    adjust(sales, instance, lines)
    return approve_and_receive(sales, instance)


def started_by_timer(frozen_clock, key, due):
    """The instance of ``key`` the timer starts at ``due`` (UTC), its next
    start once schedules are planned; the one instance started for it."""
    from app.extensions import db
    from app.models import ProcessInstance, ScheduledStart
    from app.services import worker_jobs

    worker_jobs.plan_schedules()
    schedule = db.session.get(ScheduledStart, key)
    assert schedule.next_due_at == due
    frozen_clock.now = due + timedelta(seconds=1)
    started = []
    while (started_key := worker_jobs.start_next_scheduled()) is not None:
        started.append(started_key)
    assert started.count(key) == 1
    instance = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert instance.started_by.username == "system"
    return instance
