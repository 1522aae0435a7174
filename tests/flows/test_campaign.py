"""F19 marketing campaign with the real diagram: the case approved by the
director (or the general manager too above the budget table's limit), the
plan and design, the target group selected by rules with the special list
left out, the split per channel, region and rep approved and dispatched,
each task's results reported, and at the end date the effect evaluated
with the orders attributed by campaign code and spend against budget."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import (Campaign, CampaignDispatch, CampaignEvaluation, CampaignTarget,
                        CampaignTask, InstanceStatus, Notification, User)
from app.services import events
from tests.support.campaign import (ANHUI, END_OF_CAMPAIGN, IN_CAMPAIGN, JIANGSU, PUMP, SHANGHAI,
                                    approved_and_planned, case, code_of, report, results)


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
    targets = instance.data["targets"]
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
    assert len(dispatched) == 2 and db.session.get(CampaignTask, 1) is not None
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
