"""F19 marketing campaign with the real diagram: the case approved by the
director (or the general manager too above the budget table's limit), the
plan and design, the target group selected by rules with the special list
left out, the split per channel, region and rep approved and dispatched,
each task's results reported, and at the end date the effect evaluated
with the orders attributed by campaign code and spend against budget."""
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.models import (Campaign, CampaignDispatch, CampaignEvaluation, CampaignTarget,
                        CampaignTask, InstanceStatus, Notification, User)
from app.services import events
from tests.support.campaign import (ANHUI, END_OF_CAMPAIGN, IN_CAMPAIGN, JIANGSU, PUMP, SHANGHAI,
                                    approved_and_planned, case, code_of, design, plan, report, results)


def _told(kind="campaign_dispatch"):
    return sorted(db.session.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                                     .where(Notification.kind == kind)))


def test_a_campaign_runs_from_its_case_to_its_evaluation(sales, act, frozen_clock):
    act("ledger.set_special_list", customer=code_of(SHANGHAI), listed=True, reason="客户要求不再联系")
    instance = sales.start("campaign", case(), "marketing")
    campaign = instance.data["campaign"]
    assert campaign["budget_total"] == "20000.00" and instance.data["gm_approval"] is False
    assert sales.task(instance, "Task_DirectorApproval").candidate_role == "sales_director"
    approved_and_planned(sales, instance)
    targets = instance.data["target_group"]
    assert sorted(t["customer"] for t in targets["targets"]) == sorted([code_of(JIANGSU), code_of(ANHUI)])
    assert targets["excluded"] == [code_of(SHANGHAI)]
    split = instance.data["split"]
    assert sorted((t["channel"], t["assignee"]) for t in split["tasks"]) == [
        ("call", "service_desk"), ("email", None), ("visit", "rep_east2"), ("visit", "rep_east4")]
    sales.approve(instance, "Task_SplitApproval", "director")
    assert instance.data["dispatch"]["reporters"] == ["rep_east2", "rep_east4", "service_desk"]
    assert _told() == ["rep_east2", "rep_east4", "service_desk"]
    dispatched = set(db.session.scalars(select(CampaignDispatch.customer_id)))
    assert dispatched == set(db.session.scalars(select(CampaignTarget.customer_id)))
    assert len(dispatched) == 2 and db.session.scalar(select(func.count()).select_from(CampaignTask)) == 4
    frozen_clock.now = IN_CAMPAIGN
    coded = act("ledger.create_sales_order", customer=code_of(ANHUI), lines=[{"material": PUMP, "qty": 2}],
                campaign_code=campaign["campaign_no"])
    reported = act("ledger.create_sales_order", customer=code_of(JIANGSU), lines=[{"material": PUMP, "qty": 1}])
    report(instance, "rep_east2", results(orders=[reported["order_no"]], spend=300))
    report(instance, "rep_east4", results(contacts=3, spend=450.5))
    report(instance, "service_desk", results(contacts=2, responses=0, leads=0))
    assert sales.ready_elements(instance) == []
    assert len(instance.data["results"]["results"]) == 4  # the e-mail task reported itself
    frozen_clock.now = END_OF_CAMPAIGN
    assert events.fire_due_timers() == 0
    frozen_clock.advance(minutes=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    effect = instance.data["effect"]
    assert sorted(effect["orders"]) == sorted([coded["order_no"], reported["order_no"]])
    assert effect["spend"] == "750.50" and effect["budget_left"] == "19249.50" and effect["over_budget"] is False
    assert effect["revenue"] == str(sum(Decimal(o["net"]) for o in (coded, reported)))
    sales.complete(instance, "Task_Evaluate", "marketing", {"conclusion": "订货量提升明显，预算使用合理"})
    sales.approve(instance, "Task_DirectorReview", "director")
    assert instance.status is InstanceStatus.completed, sales.ready_elements(instance)
    evaluation = db.session.scalar(select(CampaignEvaluation))
    assert (evaluation.orders, evaluation.spend, evaluation.budget) == (2, Decimal("750.50"), Decimal("20000.00"))
    assert db.session.scalar(select(Campaign.status)) == "evaluated"


def _to_split_approval(sales, instance):
    approved_and_planned(sales, instance)
    assert sales.ready_elements(instance) == ["Task_SplitApproval"]


def test_a_budget_above_the_directors_authority_goes_to_the_general_manager(sales):
    lines = [{"item": "展会场地", "amount": 30000}, {"item": "样品", "amount": 25000.5}]
    instance = sales.start("campaign", case(budget_lines=lines), "marketing")
    assert instance.data["campaign"]["budget_total"] == "55000.50" and instance.data["gm_approval"] is True
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert sales.task(instance, "Task_GMApproval").candidate_role == "general_manager"
    sales.approve(instance, "Task_GMApproval", "gm")
    assert sales.ready_elements(instance) == ["Task_Plan"]
    plan(sales, instance)
    assert db.session.scalar(select(Campaign.approved_by_id)) == db.session.scalar(
        select(User.id).where(User.username == "gm"))


def test_rejections_by_the_general_manager_and_the_director_go_back_to_marketing(sales):
    lines = [{"item": "展会场地", "amount": 60000}]
    instance = sales.start("campaign", case(budget_lines=lines), "marketing")
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.reject(instance, "Task_GMApproval", "gm", "预算过高")
    assert sales.ready_elements(instance) == ["Task_ReviseCase"]
    sales.complete(instance, "Task_ReviseCase", "marketing", case(budget_lines=[{"item": "展会场地", "amount": 40000}]))
    assert instance.data["gm_approval"] is False and db.session.scalar(select(Campaign.status)) == "drafted"
    sales.reject(instance, "Task_DirectorApproval", "director", "请明确目标")
    sales.complete(instance, "Task_ReviseCase", "marketing", case(objective="华东重点客户订货量提升两成"))
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert sales.ready_elements(instance) == ["Task_Plan"]
    assert db.session.scalar(select(Campaign.objective)) == "华东重点客户订货量提升两成"


def test_a_case_the_ledger_refuses_goes_back_to_marketing(sales):
    instance = sales.start("campaign", case(price_discount=True, price_sheet="PA-NONE"), "marketing")
    assert instance.data["campaign"]["error"]["code"] == "no_price_sheet"
    assert sales.ready_elements(instance) == ["Task_ReviseCase"]
    sales.complete(instance, "Task_ReviseCase", "marketing", case(price_discount=False, starts_on="2026-11-01"))
    assert instance.data["campaign"]["error"]["code"] == "invalid_period"
    sales.complete(instance, "Task_ReviseCase", "marketing", case(price_discount=False))
    assert sales.ready_elements(instance) == ["Task_DirectorApproval"]


def test_rules_that_select_nobody_send_the_case_back_to_be_revised(sales):
    instance = sales.start("campaign", case(target_classes=["NO_SUCH_CLASS"]), "marketing")
    approved_and_planned(sales, instance)
    assert instance.data["target_group"]["count"] == 0 and instance.data["split"]["error"]["code"] == "no_targets"
    assert sales.ready_elements(instance) == ["Task_ReviseCase"]
    sales.complete(instance, "Task_ReviseCase", "marketing", case())
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert sales.ready_elements(instance) == ["Task_Plan"]


def test_a_rejected_split_is_planned_again_on_a_new_snapshot(sales, act):
    instance = sales.start("campaign", case(), "marketing")
    _to_split_approval(sales, instance)
    assert instance.data["target_group"]["snapshot_no"] == 1
    act("ledger.set_special_list", customer=code_of(JIANGSU), listed=True, reason="投诉处理中")
    sales.reject(instance, "Task_SplitApproval", "director", "等投诉处理完再联系")
    assert sales.ready_elements(instance) == ["Task_Plan"]
    approved_plan = instance.data["campaign"]
    plan(sales, instance, "海报改为蓝色主题")
    design(sales, instance)
    assert instance.data["target_group"]["snapshot_no"] == 2 and instance.data["target_group"]["excluded"] == [code_of(JIANGSU)]
    assert approved_plan["status"] == "approved"
    assert db.session.scalar(select(func.count()).select_from(CampaignTarget)) == 3 + 2  # the first snapshot stays
    sales.approve(instance, "Task_SplitApproval", "director")
    assert instance.data["dispatch"]["reporters"] == ["rep_east3", "rep_east4", "service_desk"]


def test_messages_only_skip_the_reports_and_the_review_can_send_the_evaluation_back(sales, frozen_clock):
    instance = sales.start("campaign", case(dispatch_channels=["email", "sms"]), "marketing")
    _to_split_approval(sales, instance)
    sales.approve(instance, "Task_SplitApproval", "director")
    assert instance.data["dispatch"]["reporters"] == [] and sales.ready_elements(instance) == []
    assert [r["contacts"] for r in instance.data["results"]["results"]] == [3, 3]
    frozen_clock.now = END_OF_CAMPAIGN
    frozen_clock.advance(minutes=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert instance.data["effect"]["contacts"] == 6 and instance.data["effect"]["order_count"] == 0
    sales.complete(instance, "Task_Evaluate", "marketing", {"conclusion": "短信触达为主"})
    sales.reject(instance, "Task_DirectorReview", "director", "请分析无订单原因")
    sales.complete(instance, "Task_Evaluate", "marketing", {"conclusion": "短信触达为主，未带来订单，建议改为拜访"})
    sales.approve(instance, "Task_DirectorReview", "director")
    assert instance.status is InstanceStatus.completed
    assert db.session.scalar(select(CampaignEvaluation.conclusion)).startswith("短信触达为主，未带来订单")
