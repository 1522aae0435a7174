"""F20 goods to come back, with both real diagrams: the salesperson is sent
to F03's start page prefilled with the case, its customer and its order;
the return filed against the case is checked to be the case's customer's
and the case remembers it. Attacks: a return naming the case with another
customer's order, a case whose resolution has nothing to come back, a
second return against a case that already has one."""
from urllib.parse import parse_qs, urlparse

from sqlalchemy import select

from app.extensions import db
from app.models import Notification, SalesOrder, ServiceCase, ShippingNote
from tests.support.after_sales import REP, another_customer, follow_up, request, resolve, triage
from tests.support.after_sales import shipped_to  # noqa: F401  (fixture)
from tests.support.ledger_harness import all_invariants_hold
from tests.support.return_exchange import proof, request_for  # noqa: F401  (fixtures)


def _case_sent_back(sales, shipped_to, outcome="return", code=None):
    customer, note, _batch = shipped_to(code)
    instance = sales.start("after_sales", request(customer, note=note, kind="complaint"), "service_desk")
    triage(sales, instance, "quality")
    resolve(sales, instance, outcome, route="quality")
    return customer, note, instance


def _order_of(note_no):
    return db.session.scalar(select(SalesOrder.number).join(ShippingNote, ShippingNote.order_id == SalesOrder.id)
                             .where(ShippingNote.number == note_no))


def _link():
    body = db.session.scalar(select(Notification.body).where(Notification.kind == "service_follow_up"))
    return urlparse(body[body.index("/start/"):])


def _case(number):
    return db.session.scalar(select(ServiceCase).where(ServiceCase.number == number))


def test_the_salesperson_files_the_return_from_the_prefilled_start_and_the_case_remembers_it(
        sales, shipped_to, request_for):
    customer, note, instance = _case_sent_back(sales, shipped_to)
    number = instance.data["case"]["case_no"]
    link = _link()
    assert link.path == "/start/return_exchange"
    assert parse_qs(link.query) == {"service_case": [number], "customer": [customer], "order_no": [_order_of(note)]}
    returned = sales.start("return_exchange", request_for(_order_of(note), service_case=number), REP)
    assert returned.data["check_result"]["ok"] and returned.data["check_result"]["service_case"] == number
    assert _case(number).return_instance_id == returned.id
    follow_up(sales, instance, "4")
    assert instance.data["closing"]["return_request"] == returned.id
    assert all_invariants_hold()


def test_a_return_without_a_case_checks_as_before(sales, shipped_to, request_for):
    _customer, note, _instance = _case_sent_back(sales, shipped_to)
    returned = sales.start("return_exchange", request_for(_order_of(note)), REP)
    assert returned.data["check_result"]["ok"] and returned.data["check_result"]["service_case"] is None


def test_a_return_naming_the_case_with_another_customers_order_is_refused(sales, shipped_to, request_for,
                                                                           customer_code):
    _customer, _note, instance = _case_sent_back(sales, shipped_to)
    number = instance.data["case"]["case_no"]
    other = another_customer(customer_code("浙江泵阀总经销有限公司"))
    _other_code, other_note, _other_case = _case_sent_back(sales, shipped_to, code=other)
    returned = sales.start("return_exchange", {**request_for(_order_of(other_note), service_case=number),
                                               "customer": other}, "rep_east1")
    error = returned.data["check_result"]["error"]
    assert error["code"] == "wrong_customer" and number in error["message"]
    assert sales.ready_elements(returned) == ["Task_ReviseReturn"] and _case(number).return_instance_id is None


def test_a_case_with_nothing_to_come_back_cannot_carry_a_return(sales, shipped_to, request_for):
    _customer, note, instance = _case_sent_back(sales, shipped_to, "no_charge")
    number = instance.data["case"]["case_no"]
    returned = sales.start("return_exchange", request_for(_order_of(note), service_case=number), REP)
    assert returned.data["check_result"]["error"]["code"] == "case_not_for_return"
    assert _case(number).return_instance_id is None


def test_a_case_carries_one_return_request(sales, shipped_to, request_for):
    _customer, note, instance = _case_sent_back(sales, shipped_to)
    number = instance.data["case"]["case_no"]
    first = sales.start("return_exchange", request_for(_order_of(note), service_case=number), REP)
    second = sales.start("return_exchange", request_for(_order_of(note), service_case=number), REP)
    assert second.data["check_result"]["error"]["code"] == "case_has_return"
    assert _case(number).return_instance_id == first.id
