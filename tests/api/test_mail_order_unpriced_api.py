"""F02 mail_order through the API: the supervisor's approval of an order with
a line without a price (seed L98) is refused with ``unpriced_line`` naming the
decision and the line, forged prices in the read-only review are refused by
name, and the rejection goes through."""
from app.extensions import db
from tests.support.api_client import error_of
from tests.support.unpriced import add_unpriced_kit

MAIL = "江西设备维修服务部"
SHIP_TO = {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号", "postcode": "330096"}


def test_the_approval_of_an_unpriced_order_is_refused_by_the_api(api, sales, customer_code):
    add_unpriced_kit()
    instance = sales.start("mail_order", {"customer_kind": "known", "customer": customer_code(MAIL), "ship_to": SHIP_TO,
                                          "lines": [{"material": "PRT001", "qty": 3}, {"material": "KIT001", "qty": 2}]},
                           "rep_east2")
    db.session.commit()
    admin = api("sales_admin")
    task = admin.ready_task(instance.id, "Task_OrderReview")
    refused = error_of(admin.post(f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve"}}), 422, "unpriced_line")
    assert list(refused["details"]["fields"]) == ["decision"] and refused["details"]["lines"] == [2]
    assert "第2行 KIT001" in refused["message"]
    forged = {"decision": "approve", "order_result": {"order_no": instance.data["order_result"]["order_no"], "unpriced_lines": []}}
    refused = error_of(admin.post(f"/tasks/{task['id']}/complete", json={"data": forged}), 422)
    assert "order_result" in refused["details"]["fields"]
    assert admin.ready_task(instance.id, "Task_OrderReview")["id"] == task["id"]  # still waiting for a decision
    admin.ok("post", f"/tasks/{task['id']}/complete", json={"data": {"decision": "reject", "comment": "第2行无价格，请补价"}})
    assert api("rep_east2").ready_task(instance.id, "Task_ReviseOrder")
