"""F02 with a walk-in customer (零散客户) the company does not know yet,
through the real diagram: registered on the way (a mail-order file with no
credit, its contact kept), matched when the same person calls again,
refused back to the representative when the name or the phone is on file
for someone else; and the order is always for the customer the ledger
registered, never a code typed beside it."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Customer, CustomerContact, CustomerCredit, InstanceStatus, SalesOrder
from tests.support.ledger_harness import all_invariants_hold

REP = "rep_east2"
WALK_IN = {"name": "南昌青云谱李记五金店", "phone": "0791-8566 2211", "address": "江西省南昌市青云谱区井冈山大道 302 号"}
SHIP_TO = {"recipient": "李老板", "phone": "0791-8566 2211", "address": "江西省南昌市青云谱区井冈山大道 302 号"}
LINES = [{"material": "PRT001", "qty": 4}]  # 85.00 × 4 = 340.00


def _walk_in_order(new_customer=WALK_IN, **extra):
    return {"customer_kind": "walk_in", "new_customer": new_customer, "lines": LINES, "ship_to": SHIP_TO, **extra}


def _customers():
    return db.session.scalar(select(func.count()).select_from(Customer))


def _pay_ship_and_close(sales, instance):
    sales.complete(instance, "Task_InformCustomer", REP, {"informed_via": "phone"})
    sales.complete(instance, "Task_ConfirmPayment", "finance",
                   {"amount": 340, "receipt_date": "2026-12-02", "bank_reference": "ICBC-0791-7788"})
    sales.complete(instance, "Task_PickGoods", "warehouse", {"picked_on": "2026-12-03", "packages": 1})
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", {"invoice_date": "2026-12-03", "tax_invoice_number": "No.36021190"})
    sales.complete(instance, "Task_BookCourier", REP, {"courier": "sf", "tracking_number": "SF1402236658077", "shipped_on": "2026-12-03"})
    assert instance.status is InstanceStatus.completed


def test_a_walk_in_customer_is_registered_and_buys(sales):
    before = _customers()
    instance = sales.start("mail_order", _walk_in_order(), REP)
    walk_in = instance.data["walk_in"]
    assert walk_in["ok"] and walk_in["matched"] is False and _customers() == before + 1
    customer = db.session.scalar(select(Customer).where(Customer.code == walk_in["customer_code"]))
    assert (customer.name, customer.channel, customer.customer_class, customer.credit_limit, customer.payment_days) == \
        ("南昌青云谱李记五金店", "mail_order", "MAIL", Decimal("0.00"), 0)
    assert (customer.salesperson.username, customer.region, customer.code[0]) == (REP, "华东", "M")
    [contact] = db.session.scalars(select(CustomerContact).where(CustomerContact.customer_id == customer.id))
    assert (contact.phone, contact.address) == ("079185662211", "江西省南昌市青云谱区井冈山大道 302 号")
    [credit] = db.session.scalars(select(CustomerCredit).where(CustomerCredit.customer_id == customer.id))
    assert credit.credit_limit == Decimal("0.00")  # payment before goods
    assert instance.data["customer"] == customer.code and instance.data["order_result"]["held"] is True
    _pay_ship_and_close(sales, instance)
    [order] = db.session.scalars(select(SalesOrder).where(SalesOrder.customer_id == customer.id))
    assert (order.gross, order.status) == (Decimal("340.00"), "approved")
    assert all_invariants_hold()


def test_the_same_walk_in_customer_calling_again_is_the_same_file(sales):
    first = sales.start("mail_order", _walk_in_order(), REP)
    before = _customers()
    again = sales.start("mail_order", _walk_in_order({**WALK_IN, "phone": "(0791) 85662211"}), REP)
    assert again.data["walk_in"]["matched"] is True and _customers() == before
    assert again.data["customer"] == first.data["customer"]
    assert sales.ready_elements(again) == ["Task_InformCustomer"]


@pytest.mark.parametrize("clash, code", [
    ({"name": "江西设备维修服务部"}, "duplicate_customer"),  # a customer on file by that name, with no such phone
    ({"name": "南昌李记五金（新店）"}, "phone_in_use"),  # the phone of the shop registered first
])
def test_a_name_or_phone_on_file_for_someone_else_goes_back_to_the_representative(sales, customer_code, clash, code):
    sales.start("mail_order", _walk_in_order(), REP)
    before = _customers()
    instance = sales.start("mail_order", _walk_in_order({**WALK_IN, **clash}), REP)
    error = instance.data["walk_in"]["error"]
    assert (error["code"], error["field"]) == (code, "new_customer") and _customers() == before
    assert sales.task(instance, "Task_ReviseOrder").assignee.username == REP and "order_result" not in instance.data
    known = customer_code("江西设备维修服务部")  # the representative finds the customer is on file after all
    sales.complete(instance, "Task_ReviseOrder", REP, {"customer_kind": "known", "customer": known, "lines": LINES,
                                                        "ship_to": SHIP_TO, "action": "resubmit"})
    assert instance.data["order_result"]["ok"] and instance.data["customer"] == known


def test_a_code_typed_beside_a_walk_in_customer_is_not_the_one_that_buys(sales, customer_code):
    dealer = customer_code("浙江泵阀总经销有限公司")  # a customer with credit, whose order would ship at once
    instance = sales.start("mail_order", _walk_in_order(customer=dealer), REP)
    assert instance.data["customer"] == instance.data["walk_in"]["customer_code"] != dealer
    [order] = db.session.scalars(select(SalesOrder))
    assert order.customer.name == "南昌青云谱李记五金店" and order.status == "held"


@pytest.mark.parametrize("data, field", [
    ({"customer_kind": "walk_in", "lines": LINES, "ship_to": SHIP_TO}, "new_customer"),
    ({"customer_kind": "known", "lines": LINES, "ship_to": SHIP_TO}, "customer"),
    ({**_walk_in_order({**WALK_IN, "phone": "call me"})}, "new_customer.phone"),
])
def test_the_order_names_a_known_or_a_new_customer(sales, data, field):
    with pytest.raises(ValidationFailed) as refused:
        sales.start("mail_order", data, REP)
    assert field in refused.value.details["fields"]


def test_registering_is_idempotent(sales, act):
    from app.actions import run_action
    from tests.support.ledger_harness import new_call

    call = new_call("ledger.register_walk_in", instance_id=0)
    params = {**WALK_IN, "salesperson": REP}
    first, again = run_action(call, params), run_action(call, params)
    assert first == again and first["matched"] is False
    assert db.session.scalar(select(func.count()).select_from(CustomerContact)) == 1
