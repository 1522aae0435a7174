"""F20 billable work with the real diagram: the order clerk confirms a sales
order for the customer at the amount the resolution set (one SVC001
service line, tax-inclusive, delivered when ordered, linked to the case),
and the line waits on F04's shipped-not-invoiced list for the salesperson's
invoice request. Attacks: a forged amount at the clerk's step, an order for
a case whose work is not billable, a second order for the same work; a
refused order goes back to the clerk and is made once."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import ActionCall, BusinessRuleViolation, run_action
from app.errors import ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, SalesOrder, ServiceCharge, User
from tests.support.after_sales import REP, confirm_order, follow_up, request, resolve, triage
from tests.support.after_sales import shipped_to  # noqa: F401  (fixture)
from tests.support.ledger_harness import all_invariants_hold


def _billable(sales, shipped_to, amount=680):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    triage(sales, instance)
    resolve(sales, instance, "billable", billable_amount=amount)
    return customer, instance


def _charges():
    return db.session.scalar(select(func.count()).select_from(ServiceCharge))


def test_the_clerk_confirms_an_order_at_the_resolved_amount_that_waits_for_its_invoice(sales, shipped_to, act):
    customer, instance = _billable(sales, shipped_to, 680.5)
    confirm_order(sales, instance)
    result = instance.data["service_order"]
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == result["order_no"]))
    [line] = order.lines
    assert (order.customer.code, order.status, line.material.code) == (customer, "approved", "SVC001")
    assert (line.qty, line.qty_delivered, line.unit_price, line.tax_inclusive) == (1, 1, Decimal("680.50"), True)
    assert (order.gross, order.net, order.tax) == (Decimal("680.50"), Decimal("602.21"), Decimal("78.29"))
    # the resolver set the amount (the price's approver), the clerk only confirmed it
    assert db.session.get(User, line.price_override_by_id).username == "tech_support"
    charge = db.session.scalar(select(ServiceCharge))
    assert (charge.case.number, charge.order_id, charge.amount) == (instance.data["case"]["case_no"], order.id, order.gross)
    listed = act("ledger.list_uninvoiced_lines", customer=customer)["lines"]
    assert [row["order_line"] for row in listed if row["material"] == "SVC001"] == [f"{order.number}/1"]
    assert result["notified"] == [REP]
    follow_up(sales, instance, "5")
    assert instance.status is InstanceStatus.completed and all_invariants_hold()


def test_a_forged_amount_at_the_clerks_step_is_refused(sales, shipped_to):
    _customer, instance = _billable(sales, shipped_to)
    with pytest.raises(ValidationFailed) as refused:
        confirm_order(sales, instance, billable_amount="1.00")
    assert "billable_amount" in refused.value.details["fields"]
    assert _charges() == 0 and sales.ready_elements(instance) == ["Task_ConfirmServiceOrder"]
    confirm_order(sales, instance)
    assert instance.data["service_order"]["gross"] == "680.00"


def test_a_refused_order_goes_back_to_the_clerk_and_is_made_once(sales, shipped_to, refuse_once):
    calls = refuse_once("ledger.order_service_charge", "period_closed", "The period is being closed.")
    _customer, instance = _billable(sales, shipped_to)
    confirm_order(sales, instance)
    assert instance.data["service_order"]["error"]["code"] == "period_closed"
    assert sales.ready_elements(instance) == ["Task_ConfirmServiceOrder"] and _charges() == 0
    confirm_order(sales, instance)
    assert len(calls) == 2 and _charges() == 1 and sales.ready_elements(instance) == ["Task_FollowUpCall"]
    assert all_invariants_hold()


def _order_call(instance, task="task-order"):
    return ActionCall(instance.id, task, "Task_OrderServiceCharge", "ledger.order_service_charge", None)


def test_work_that_is_not_billable_cannot_be_ordered(sales, shipped_to):
    customer, note, _batch = shipped_to()
    instance = sales.start("after_sales", request(customer, note=note), "service_desk")
    triage(sales, instance)
    resolve(sales, instance, "no_charge")
    with pytest.raises(BusinessRuleViolation) as refused:
        run_action(_order_call(instance), {"case": instance.data["case"]["case_no"]})
    assert refused.value.code == "not_billable" and _charges() == 0


def test_the_same_work_is_never_ordered_twice(sales, shipped_to):
    _customer, instance = _billable(sales, shipped_to)
    confirm_order(sales, instance)
    number = instance.data["case"]["case_no"]
    with pytest.raises(BusinessRuleViolation) as refused:
        run_action(_order_call(instance, "another-step"), {"case": number})
    assert refused.value.code == "already_ordered" and _charges() == 1


def test_another_requests_case_cannot_be_ordered(sales, shipped_to):
    _customer, instance = _billable(sales, shipped_to)
    _other_customer, other = _billable(sales, shipped_to)
    with pytest.raises(BusinessRuleViolation) as refused:
        run_action(_order_call(other), {"case": instance.data["case"]["case_no"]})
    assert refused.value.code == "not_this_request" and _charges() == 0
