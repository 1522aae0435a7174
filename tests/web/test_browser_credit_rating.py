"""F12's pages worked in chromium: the statistician proposes beside the
customer's credit profile (Chinese), finance reads the profile and the
proposal (English), and the salesperson finds the notice of the new limit.
Pictures go to test-artifacts/credit-rating/."""
from tests.support.credit_rating import CITY_DEALER
from tests.support.flow_driver import ready_task_id
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, shot, shown, sign_in, submit

FOLDER = "credit-rating"


def test_the_statistician_proposes_beside_the_profile_and_the_rep_is_told(world, person, live_server, browser):
    from app.extensions import db

    customer = world.customer(CITY_DEALER)
    instance = world.start("credit_rating", {"customer": customer}, "statistician")

    statistician = person("statistician")
    statistician.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_Propose')}")
    profile = shown(statistician, "profile")
    assert CITY_DEALER in profile and "300,000.00" in profile and "未到期" in profile and "信用占用" in profile
    labelled(statistician, "信用等级").select_option(label="A 级")
    labelled(statistician, "信用额度（元）").fill("450000")
    labelled(statistician, "账期（天）").fill("60")
    labelled(statistician, "生效日期").fill("2026-12-15")
    labelled(statistician, "调整理由").fill("近一年回款及时，销量增长，提额并延长账期")
    shot(statistician, FOLDER, "01-statistician-proposes-zh")
    submit(statistician, live_server, "提交审批", "统计员提出信用评级方案")
    db.session.commit()  # end the driver's read: the server wrote in its own transaction
    db.session.refresh(instance)
    assert instance.data["credit_limit"] == 450000 and instance.data["valid_from"] == "2026-12-15"

    finance = sign_in(browser, live_server, "finance", language="en")
    finance.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_FinanceApproval')}")
    english = shown(finance, "profile")
    assert "Open receivables" in english and "Not yet due" in english and "Credit exposure" in english
    shot(finance, FOLDER, "02-finance-reviews-en")
    finance.context.close()
    world.approve(instance, "Task_FinanceApproval", "finance")
    world.approve(instance, "Task_DirectorApproval", "director")

    rep = person("rep_east2")
    rep.goto(f"{live_server}/notifications")
    assert "¥450,000.00" in rep.inner_text("main") and "2026-12-15" in rep.inner_text("main")
    shot(rep, FOLDER, "03-rep-notified")


def test_the_monthly_review_lists_the_customers_to_pick_from(world, person, live_server, browser):
    from app.extensions import db

    instance = world.start("credit_rating", {"customer": ""}, "statistician")
    task_id = ready_task_id(instance.id, "Task_PickCustomer")
    english = sign_in(browser, live_server, "statistician", language="en")
    english.goto(f"{live_server}/tasks/{task_id}")
    listed = shown(english, "credit_review")
    assert "Customer credit review" in listed and "Needs attention" in listed and CITY_DEALER in listed
    shot(english, FOLDER, "04-monthly-review-en")
    english.context.close()

    statistician = person("statistician")
    statistician.goto(f"{live_server}/tasks/{task_id}")
    assert "客户信用复核清单" in shown(statistician, "credit_review")
    labelled(statistician, "客户").fill(world.customer(CITY_DEALER))
    shot(statistician, FOLDER, "05-monthly-review-pick-zh")
    submit(statistician, live_server, "调整该客户评级", "统计员选择复核客户")
    db.session.commit()
    db.session.refresh(instance)
    assert instance.data["profile"]["customer"] == world.customer(CITY_DEALER)
