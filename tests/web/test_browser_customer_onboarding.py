"""customer_onboarding's pages worked in chromium: a representative proposes
a customer from the start page (Chinese), the sales office reads the
proposal beside a likely duplicate (English) and rejects it, the
representative reads why and resubmits, the sales office approves, and the
representative finds the notice of the new customer. Pictures go to
test-artifacts/customer-onboarding/."""
from sqlalchemy import select

from tests.support.flow_driver import ready_task_id
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, shot, shown, sign_in, submit

FOLDER = "customer-onboarding"
NAME = "江苏机电设备经销有限公司"  # the demo has 江苏机电设备经销部


def test_a_customer_is_proposed_checked_sent_back_and_opened(world, person, live_server, browser):
    from app.extensions import db
    from app.models import Customer, ProcessInstance

    rep = person("rep_east1")
    rep.goto(f"{live_server}/start/customer_onboarding")
    labelled(rep, "客户名称").fill(NAME)
    labelled(rep, "销售渠道").select_option(label="直销客户")
    labelled(rep, "客户分类").select_option(label="直销客户")
    labelled(rep, "所属大区").select_option("华东")
    labelled(rep, "省份").fill("江苏")
    labelled(rep, "纳税人识别号").fill("91320100MA1X2Y3K4W")
    labelled(rep, "地址").fill("南京")
    labelled(rep, "联系人").fill("吴经理")
    labelled(rep, "联系电话").fill("025-8666 1234")
    labelled(rep, "业务员").fill("rep_east1")
    shot(rep, FOLDER, "01-rep-proposes-zh")
    with rep.expect_navigation():
        rep.get_by_role("button", name="提交申请", exact=True).click()
    db.session.commit()
    instance = db.session.scalar(select(ProcessInstance).where(ProcessInstance.process_key == "customer_onboarding"))
    assert instance is not None, rep.locator(".error:visible, .flash").all_inner_texts()

    office = sign_in(browser, live_server, "sales_admin", language="en")
    office.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_AdminCheck')}")
    duplicates = shown(office, "duplicates")
    assert "Likely duplicates" in duplicates and "江苏机电设备经销部" in duplicates and "Similar name" in duplicates
    shot(office, FOLDER, "02-sales-office-sees-a-likely-duplicate-en")
    office.context.close()
    world.reject(instance, "Task_AdminCheck", "sales_admin", "地址不完整，请写到门牌号")

    rep.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_ReviseProposal')}")
    assert "地址不完整" in rep.inner_text("main")
    labelled(rep, "地址").fill("南京市玄武区中山路 18 号")
    shot(rep, FOLDER, "03-rep-revises-zh")
    submit(rep, live_server, "重新提交", "修改或撤回申请")

    db.session.commit()
    checker = person("sales_admin2")
    checker.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_AdminCheck')}")
    assert "南京市玄武区中山路 18 号" in checker.inner_text("main")
    shot(checker, FOLDER, "04-sales-office-checks-zh")
    world.approve(instance, "Task_AdminCheck", "sales_admin2")
    db.session.commit()
    db.session.refresh(instance)
    assert instance.data["customer_file"]["ok"], instance.data["customer_file"]
    customer = db.session.scalar(select(Customer).where(Customer.name == NAME))
    assert str(customer.credit_limit) == "0.00"

    rep.goto(f"{live_server}/notifications")
    assert customer.code in rep.inner_text("main") and "信用额度为 0" in rep.inner_text("main")
    shot(rep, FOLDER, "05-rep-notified-zh")
