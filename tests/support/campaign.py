"""Shared steps of the F19 campaign flow tests: a marketing case aimed at
three 华东 customers (a city dealer served by rep_east2, another by
rep_east3, a key-account water company by rep_east4), and the steps that
take it from approval to its evaluation."""
from datetime import datetime, timezone

from sqlalchemy import select

from app.extensions import db
from app.models import Customer, HumanTask, TaskStatus, User

JIANGSU = "江苏机电设备经销部"  # DEALER_CITY, rep_east2
SHANGHAI = "上海流体设备商行"  # DEALER_CITY, rep_east3
ANHUI = "安徽水务集团有限公司"  # DIRECT_KA, rep_east4
PUMP = "PCF001"
# the campaign's last day is 2026-12-20: the evaluation waits for midnight in Shanghai
END_OF_CAMPAIGN = datetime(2026, 12, 20, 16, 0, tzinfo=timezone.utc)
IN_CAMPAIGN = datetime(2026, 12, 5, 2, 0, tzinfo=timezone.utc)


def case(**overrides):
    data = {"name": "华东冬季关怀活动", "theme": "care", "objective": "提升华东经销商与重点客户的冬季订货量",
            "offer": "订货满额赠送备件包", "starts_on": "2026-12-02", "ends_on": "2026-12-20",
            "budget_lines": [{"item": "宣传物料", "amount": 8000}, {"item": "赠品", "amount": 12000}],
            "target_regions": ["华东"], "target_classes": ["DEALER_CITY", "DIRECT_KA"],
            "dispatch_channels": ["email", "call", "visit"]}
    data.update(overrides)
    return data


def code_of(name):
    return db.session.scalar(select(Customer.code).where(Customer.name == name))


def plan(sales, instance, brief="冬季主题海报与单页"):
    sales.complete(instance, "Task_Plan", "marketing", {"design_brief": brief, "plan_note": "12月上旬集中拜访"})


def design(sales, instance):
    sales.complete(instance, "Task_Design", "designer", {"material_note": "海报一张、产品单页一份"})


def approved_and_planned(sales, instance):
    """Director approval (within authority), the plan and the design: the split waits for approval."""
    sales.approve(instance, "Task_DirectorApproval", "director")
    plan(sales, instance)
    design(sales, instance)


def report_task(instance, username):
    """The ready report step the engine gave ``username``."""
    user = db.session.scalar(select(User).where(User.username == username))
    return db.session.scalar(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.element_id == "Task_ReportResults",
        HumanTask.status == TaskStatus.ready, HumanTask.assignee_id == user.id))


def report(instance, username, data, as_user=None):
    from app.services import tasks

    as_user = as_user or username
    person = db.session.scalar(select(User).where(User.username == as_user))
    return tasks.complete_task(report_task(instance, username).id, person, data)


def results(contacts=5, responses=2, leads=1, orders=(), spend=0):
    return {"contacts": contacts, "responses": responses, "leads": leads, "order_numbers": list(orders),
            "spend": spend, "note": "已完成"}
