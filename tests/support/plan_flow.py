"""The annual sales plan (F11) driven through the service layer as people
would: framed, every rep's figures and each region's consolidation, the
breakdown, both approvals and every recipient signing for the targets."""
from app.extensions import db
from app.models import InstanceStatus, User
from app.services import tasks

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


def each(sales, instance, element_id, data):
    """Complete every ready ``element_id`` task as the person it went to."""
    done = []
    for task in [t for t in sales.ready(instance) if t.element_id == element_id]:
        person = db.session.get(User, task.assignee_id)
        tasks.complete_task(task.id, person, data(person) if callable(data) else data)
        done.append(person.username)
    return done


def start_plan(sales, frame=FRAME):
    instance = sales.start("sales_plan", {"remark": ""}, "sales_admin")
    sales.complete(instance, "Task_PlanFrame", "sales_admin", frame)
    return instance


def to_breakdown(sales, frame=FRAME):
    instance = start_plan(sales, frame)
    reps = each(sales, instance, "Task_RepFigures", lambda rep: {"lines": [
        {"customer": "", "material_class": "MOTOR", "month": 1, "amount": 9800, "quantity": 5}], "remark": rep.username})
    regions = each(sales, instance, "Task_RegionConsolidation", lambda rm: {"lines": [
        {"salesperson": "rep_east1", "material_class": "MOTOR", "month": 1, "amount": 9800, "quantity": 5}]})
    return instance, reps, regions


def break_down(sales, instance, lines=BREAKDOWN):
    sales.complete(instance, "Task_Breakdown", "sales_admin", {"plan_lines": lines, "remark": "按大区分解"})


def approve_and_issue(sales, instance):
    """Both approvals, then every recipient signs for their targets; the issued plan."""
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.approve(instance, "Task_GMApproval", "gm")
    each(sales, instance, "Task_ReceiveTargets", {"received": True})
    assert instance.status is InstanceStatus.completed
    return instance.data["issued"]


def issue(sales, instance, lines=BREAKDOWN):
    break_down(sales, instance, lines)
    return approve_and_issue(sales, instance)
