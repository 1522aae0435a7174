"""F02 mail_order: the supervisor's review page of an order saved with a line
the ledger found no price for (seed L98) shows the line flagged, in Chinese."""
from tests.support.unpriced import add_unpriced_kit
from tests.web.test_task_shows import section, task_page, text

MAIL = "江西设备维修服务部"
SHIP_TO = {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号", "postcode": "330096"}


def test_the_review_shows_which_line_lacks_a_price(sales, web, customer_code):
    add_unpriced_kit()
    instance = sales.start("mail_order", {"customer_kind": "known", "customer": customer_code(MAIL), "ship_to": SHIP_TO,
                                          "lines": [{"material": "PRT001", "qty": 3}, {"material": "KIT001", "qty": 2}]},
                           "rep_east2")
    order = text(section(task_page(web, "sales_admin", instance, "Task_OrderReview"), "order_result"))
    assert order.startswith("销售订单 SO") and "已询到价格" in order
    assert "泵维修包 ( KIT001 )" in order or "KIT001" in order
    kit = order[order.index("KIT001"):]
    assert " 否" in kit[:200] and "¥0.00" in kit[:200], kit[:200]  # the kit's line: no price, nothing charged
    assert "价税合计 ¥255.00" in order


def test_approving_it_on_the_page_says_why_not_and_keeps_the_task(sales, web, customer_code):
    from app.extensions import db
    from tests.support.flow_driver import ready_task_id

    add_unpriced_kit()
    instance = sales.start("mail_order", {"customer_kind": "known", "customer": customer_code(MAIL), "ship_to": SHIP_TO,
                                          "lines": [{"material": "PRT001", "qty": 3}, {"material": "KIT001", "qty": 2}]},
                           "rep_east2")
    db.session.commit()
    task_id = ready_task_id(instance.id, "Task_OrderReview")
    response = web("sales_admin").post(f"/tasks/{task_id}", {"decision": "approve", "comment": "同意"}, token_from=f"/tasks/{task_id}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "第2行 KIT001" in page and "询不到价格" in page  # the ledger's reason, in Chinese, on the task page
    assert ready_task_id(instance.id, "Task_OrderReview") == task_id
