"""F19 campaign controls, attacked: marketing approving its own case, a
rep reporting on another rep's task, a forged target group (a customer on
the special list is never dispatched to, whatever a form names), a forged
budget, a start by a role the diagram does not name, an order naming a
campaign that was never approved."""
import pytest
from sqlalchemy import func, select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import Campaign, CampaignDispatch, Customer, CampaignResult, CampaignTarget, Notification, User
from app.services.access_history import set_roles
from tests.support.campaign import (ANHUI, JIANGSU, PUMP, SHANGHAI, approved_and_planned, case, code_of, design,
                                    plan, report, results)


def _user(name):
    return db.session.scalar(select(User).where(User.username == name))


def _dispatched_to(name):
    return db.session.scalar(select(func.count()).select_from(CampaignDispatch)
                             .join(Customer, Customer.id == CampaignDispatch.customer_id).where(Customer.name == name))


def _dispatched(sales, overrides=None):
    instance = sales.start("campaign", case(**(overrides or {})), "marketing")
    approved_and_planned(sales, instance)
    sales.approve(instance, "Task_SplitApproval", "director")
    return instance


def test_marketing_cannot_approve_its_own_case(sales):
    instance = sales.start("campaign", case(), "marketing")
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_DirectorApproval", "marketing")
    assert sales.ready_elements(instance) == ["Task_DirectorApproval"]


def test_a_marketer_who_is_also_a_director_still_cannot_approve_their_own_case(sales):
    set_roles(_user("marketing"), ["marketing", "sales_director"], by="process_admin", reason="acting director")
    instance = sales.start("campaign", case(), "marketing")
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_DirectorApproval", "marketing")
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert sales.ready_elements(instance) == ["Task_Plan"]


@pytest.mark.parametrize("starter", ["rep_east1", "director", "service_desk"])
def test_only_marketing_starts_a_campaign(sales, starter):
    with pytest.raises(Forbidden):
        sales.start("campaign", case(), starter)
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_rep_cannot_report_on_another_reps_task(sales):
    instance = _dispatched(sales)
    for intruder in ("rep_east4", "rep_east3", "service_desk", "marketing"):
        with pytest.raises(Forbidden):
            report(instance, "rep_east2", results(contacts=99), as_user=intruder)
    with pytest.raises(ValidationFailed):  # no form names a task: the engine's assignment decides whose it is
        report(instance, "rep_east4", {**results(), "task_no": instance.data["split"]["tasks"][2]["task_no"]})
    report(instance, "rep_east4", results(contacts=3))
    report(instance, "rep_east3", results(contacts=1))
    report(instance, "rep_east2", results(contacts=4))
    report(instance, "service_desk", results(contacts=2))
    posted = {(r.task.assignee.username if r.task.assignee else None, r.contacts)
              for r in db.session.scalars(select(CampaignResult))}
    assert posted == {("rep_east2", 4), ("rep_east3", 1), ("rep_east4", 3), ("service_desk", 2), (None, 3)}


def test_a_customer_on_the_special_list_is_never_dispatched_to(sales, act):
    with pytest.raises(ValidationFailed):  # the target group is never typed
        sales.start("campaign", {**case(), "targets": [code_of(SHANGHAI)]}, "marketing")
    act("ledger.set_special_list", customer=code_of(SHANGHAI), listed=True, reason="客户要求不再联系")
    instance = sales.start("campaign", case(), "marketing")
    sales.approve(instance, "Task_DirectorApproval", "director")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_Plan", "marketing", {"design_brief": "海报", "customers": [code_of(SHANGHAI)]})
    plan(sales, instance)
    design(sales, instance)
    assert instance.data["target_group"]["excluded"] == [code_of(SHANGHAI)]
    # listed after the snapshot was taken, before dispatch: withheld at dispatch
    act("ledger.set_special_list", customer=code_of(ANHUI), listed=True, reason="欠款催收中")
    sales.approve(instance, "Task_SplitApproval", "director")
    assert instance.data["dispatch"]["withheld"] == [code_of(ANHUI)]
    assert _dispatched_to(SHANGHAI) == 0 and _dispatched_to(ANHUI) == 0 and _dispatched_to(JIANGSU) == 3  # e-mail, call list, visit
    bodies = " ".join(db.session.scalars(select(Notification.body).where(Notification.kind == "campaign_dispatch")))
    assert JIANGSU in bodies and ANHUI not in bodies and SHANGHAI not in bodies


def test_a_customer_taken_off_the_special_list_is_targeted_again(sales, act):
    act("ledger.set_special_list", customer=code_of(SHANGHAI), listed=True, reason="客户要求不再联系")
    act("ledger.set_special_list", customer=code_of(SHANGHAI), listed=False, reason="客户同意接收活动信息")
    instance = _dispatched(sales)
    assert instance.data["target_group"]["count"] == 3 and _dispatched_to(SHANGHAI) == 3


def test_a_forged_budget_total_is_refused_and_the_lines_decide_the_approver(sales):
    lines = [{"item": "物料", "amount": 40000}, {"item": "赠品", "amount": 40000}]
    with pytest.raises(ValidationFailed):
        sales.start("campaign", {**case(budget_lines=lines), "budget_total": 1000}, "marketing")
    with pytest.raises(ValidationFailed):
        sales.start("campaign", case(budget_lines=[{"item": "返还", "amount": -50000}, *lines]), "marketing")
    with pytest.raises(ValidationFailed):
        sales.start("campaign", {**case(budget_lines=lines), "gm_approval": False}, "marketing")
    instance = sales.start("campaign", case(budget_lines=lines), "marketing")
    assert instance.data["campaign"]["budget_total"] == "80000.00" and instance.data["gm_approval"] is True
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert sales.ready_elements(instance) == ["Task_GMApproval"]
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_GMApproval", "gm", {"decision": "approve", "budget_total": 1})


def test_the_evaluation_figures_are_computed_never_typed(sales, frozen_clock):
    from app.services import events
    from tests.support.campaign import END_OF_CAMPAIGN

    instance = _dispatched(sales, {"dispatch_channels": ["email"]})
    frozen_clock.now = END_OF_CAMPAIGN
    frozen_clock.advance(minutes=1)
    events.fire_due_timers()
    db.session.refresh(instance)
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_Evaluate", "marketing", {"conclusion": "很好", "revenue": 9999999})
    sales.complete(instance, "Task_Evaluate", "marketing", {"conclusion": "邮件触达"})
    with pytest.raises(Forbidden):  # marketing does not review its own evaluation
        sales.approve(instance, "Task_DirectorReview", "marketing")
    sales.approve(instance, "Task_DirectorReview", "director")
    assert instance.data["evaluation"]["revenue"] == "0.00"


def test_an_order_cannot_name_a_campaign_that_was_never_approved(sales, act):
    from app.actions import BusinessRuleViolation

    number = sales.start("campaign", case(), "marketing").data["campaign"]["campaign_no"]
    for code in (number, "MC209901-0001"):
        with pytest.raises(BusinessRuleViolation) as refused:
            act("ledger.create_sales_order", customer=code_of(JIANGSU), lines=[{"material": PUMP, "qty": 1}],
                campaign_code=code)
        assert refused.value.code == "unknown_campaign"


def test_a_reported_order_counts_only_for_a_target_customer_within_the_period(sales, act, frozen_clock):
    from app.services import events
    from tests.support.campaign import END_OF_CAMPAIGN, IN_CAMPAIGN

    before = act("ledger.create_sales_order", customer=code_of(JIANGSU), lines=[{"material": PUMP, "qty": 1}])
    instance = _dispatched(sales, {"dispatch_channels": ["visit"], "target_classes": ["DEALER_CITY"]})
    frozen_clock.now = IN_CAMPAIGN
    stranger = act("ledger.create_sales_order", customer=code_of("浙江泵阀总经销有限公司"),
                   lines=[{"material": PUMP, "qty": 1}])  # not in the target group
    own = act("ledger.create_sales_order", customer=code_of(JIANGSU), lines=[{"material": PUMP, "qty": 1}])
    report(instance, "rep_east2", results(orders=[before["order_no"], stranger["order_no"], own["order_no"]]))
    report(instance, "rep_east3", results())
    frozen_clock.now = END_OF_CAMPAIGN
    frozen_clock.advance(minutes=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert instance.data["effect"]["orders"] == [own["order_no"]]
