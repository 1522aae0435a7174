"""In the browser: the monthly plan's and the plan review's pages as their
people open them — the sales office adjusting the draft beside the annual
plan's month and the open orders, the director approving, a rep receiving
the month's targets, and the director deciding on a variance — pictured in
Chinese and English, with no Chinese left in the English pages beyond what
people typed and master data."""
from tests.support.monthly_plan_flow import annual_plan
from tests.web.browser_driving import (browser, live_app, live_server, person, shot, sign_in,  # noqa: F401  (fixtures)
                                       world)
from tests.web.test_browser_sales_plan import _each, _picture, _ready

FAR = [{"region": "华东", "salesperson": "rep_east1", "material_class": "MOTOR", "amount": 5000000, "quantity": 10}]


def test_the_monthly_plans_pages_in_chinese_and_english(world, browser, live_server):
    annual_plan(world)
    instance = world.start("monthly_sales_plan", {"month": "2027-01"}, "sales_admin")
    _picture(browser, live_server, instance, "Task_AdjustMonthlyPlan", "sales_admin", "monthly_adjust")
    world.complete(instance, "Task_AdjustMonthlyPlan", "sales_admin", {"month_lines": instance.data["month_lines"]})
    _picture(browser, live_server, instance, "Task_ApproveMonthlyPlan", "director", "monthly_approval")
    world.approve_until(instance, "Task_ReceiveTargets")
    _picture(browser, live_server, instance, "Task_ReceiveTargets", "rep_east1", "monthly_receive")
    _each(world, instance, "Task_ReceiveTargets", {"received": True})


def test_the_plan_reviews_page_in_chinese_and_english(world, browser, live_server):
    instance = world.start("monthly_sales_plan", {"month": "2026-12"}, "sales_admin")
    world.complete(instance, "Task_AdjustMonthlyPlan", "sales_admin", {"month_lines": FAR})
    world.approve_until(instance, "Task_ReceiveTargets")
    _each(world, instance, "Task_ReceiveTargets", {"received": True})
    review = world.start("plan_review", {"month": "2026-12"}, "sales_admin")
    _picture(browser, live_server, review, "Task_DirectorReview", "director", "plan_review_decision")


def test_the_adjustment_form_opens_with_the_draft_and_submits_as_it_is(world, browser, live_server):
    annual_plan(world)
    instance = world.start("monthly_sales_plan", {"month": "2027-01"}, "sales_admin")
    task = _ready(instance, "Task_AdjustMonthlyPlan", "sales_admin")
    from app.extensions import db

    db.session.commit()
    page = sign_in(browser, live_server, "sales_admin")
    page.goto(f"{live_server}/tasks/{task.id}")
    page.locator("form[data-lanes-form] button[type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "sales_plan", "monthly_adjust_submitted")
    db.session.expire_all()
    assert world.ready_elements(instance) == ["Task_ApproveMonthlyPlan"]
    assert instance.data["lines_check"]["amount"] == "98000.00"
