"""The monthly sales plan and the plan-versus-actual review (F11) driven
through the service layer as people would: the sales office adjusts the
draft, the director approves, everyone with targets signs for them."""
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
