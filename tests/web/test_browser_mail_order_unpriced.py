"""mail_order with a line the ledger finds no price for (seed L98), in
chromium: the supervisor sees the line flagged, approving is refused on the
page with the reason, the rejection returns the request to the
representative, who reads which line lacks a price. Pictures go to
test-artifacts/mail-order-unpriced/."""
from tests.support.flow_driver import ready_task_id
from tests.support.unpriced import add_unpriced_kit
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, shot, submit

FOLDER = "mail-order-unpriced"
MAIL = "江西设备维修服务部"
SHIP_TO = {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号", "postcode": "330096"}


def test_an_unpriced_mail_order_cannot_be_approved_and_goes_back_to_the_representative(world, person, live_server):
    from app.extensions import db

    add_unpriced_kit()
    db.session.commit()
    instance = world.start("mail_order", {"customer_kind": "known", "customer": world.customer(MAIL), "ship_to": SHIP_TO,
                                          "lines": [{"material": "PRT001", "qty": 3}, {"material": "KIT001", "qty": 2}]},
                           "rep_east2")
    office = person("sales_admin")
    office.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_OrderReview')}")
    order = office.inner_text('section[data-shows="order_result"]')
    assert "泵维修包" in order and "已询到价格" in order
    shot(office, FOLDER, "01-supervisor-sees-the-unpriced-line-zh")
    with office.expect_navigation():
        office.get_by_role("button", name="同意", exact=True).click()
    assert "第2行 KIT001" in office.inner_text("main")
    shot(office, FOLDER, "02-approval-refused-zh")
    db.session.commit()
    assert ready_task_id(instance.id, "Task_OrderReview") is not None
    labelled(office, "审批说明").fill("第2行维修包询不到价格，请补价后重新提交")
    submit(office, live_server, "驳回", "订单审核")

    db.session.commit()
    rep = person("rep_east2")
    rep.goto(f"{live_server}/tasks/{ready_task_id(instance.id, 'Task_ReviseOrder')}")
    assert "请补价" in rep.inner_text("main")
    order = rep.inner_text('section[data-shows="order_result"]')  # the order as the ledger has it now
    assert "已取消" in order and "泵维修包" in order and "否" in order
    shot(rep, FOLDER, "03-representative-reads-which-line-zh")
