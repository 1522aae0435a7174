"""F04's check page: the supervisor picks shipped-not-invoiced lines; a
forged line (another customer's) comes back on the page in Chinese next
to its cell, and nothing moves."""
from app.actions import run_action
from app.extensions import db
from app.models import HumanTask, TaskStatus
from tests.support.flow_driver import ready_task_id
from tests.support.ledger_harness import new_call
from tests.web.forms import field_error


def _shipped(customer_code, name):
    act = lambda operation, **params: run_action(new_call(operation, instance_id=0), params)  # noqa: E731
    order = act("ledger.create_sales_order", customer=customer_code(name), lines=[{"material": "MTR001", "qty": 1}])
    note = act("ledger.create_shipping_note", order=order["order_no"])
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"])
    return order["order_no"]


def test_a_forged_line_is_refused_on_the_page_and_a_real_one_goes_through(web, sales, customer_code):
    mine = _shipped(customer_code, "浙江泵阀总经销有限公司")
    theirs = _shipped(customer_code, "安徽水务集团有限公司")
    instance = sales.start("invoice_request", {"customer": customer_code("浙江泵阀总经销有限公司"),
                                               "invoice_type": "special_vat"}, "rep_east1")
    task_id = ready_task_id(instance.id, "Task_CheckShipped")
    page = web("sales_admin").page(f"/tasks/{task_id}")
    assert f"{mine}/1" in page and f"{theirs}/1" not in page  # the customer's shipped-not-invoiced lines, shown

    forged = {"decision": "approve", "invoice_lines-0-order_line": f"{theirs}/1"}
    response = web("sales_admin").post(f"/tasks/{task_id}", forged, token_from=f"/tasks/{task_id}")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "f-invoice_lines-0-order_line") == "该订单行属于其他客户。"
    assert db.session.get(HumanTask, task_id).status == TaskStatus.ready

    picked = {"decision": "approve", "invoice_lines-0-order_line": f"{mine}/1"}
    response = web("sales_admin").post(f"/tasks/{task_id}", picked, token_from=f"/tasks/{task_id}")
    assert response.status_code == 302
    assert ready_task_id(instance.id, "Task_IssueInvoice") is not None
