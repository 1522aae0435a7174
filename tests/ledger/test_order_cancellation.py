"""Cancelling an order (F02: a mail order left unpaid) is a record, never an
edit of the order; prepaid orders are released once the money is in."""
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from app.extensions import db
from app.ledger.balances import exposure
from app.models import PostedRecordImmutable, SalesOrder, SalesOrderCancellation
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import all_invariants_hold, new_call

D = Decimal


def _order(number):
    return db.session.scalar(select(SalesOrder).where(SalesOrder.number == number))


def test_an_approved_order_is_cancelled_by_a_record_and_leaves_the_exposure(world, act):
    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 4}], date="2026-11-03")
    assert order["status"] == "approved" and exposure(world.c3.id) == D("431.66")  # 4 × 95.50 + 13 % VAT
    result = act("ledger.cancel_sales_order", order=order["order_no"], reason="客户取消", date="2026-11-04")
    assert result["status"] == "cancelled" and result["previous_status"] == "approved" and result["cancelled_on"] == "2026-11-04"
    record = db.session.scalar(select(SalesOrderCancellation))
    cancelled = _order(order["order_no"])
    assert record.order is cancelled and record.reason == "客户取消"
    assert [(line.qty, line.gross) for line in cancelled.lines] == [(D(4), D("431.66"))]  # the lines stay as they were
    assert exposure(world.c3.id) == D("0.00")
    assert all_invariants_hold()


def test_a_cancelled_order_cannot_be_shipped_or_cancelled_again(world, act):
    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 1}], date="2026-11-03")
    act("ledger.cancel_sales_order", order=order["order_no"], reason="未付款", date="2026-11-04")
    for operation, params, code in (("ledger.create_shipping_note", {"order": order["order_no"]}, "order_cancelled"),
                                    ("ledger.cancel_sales_order", {"order": order["order_no"], "reason": "x"}, "already_cancelled"),
                                    ("ledger.release_prepaid_order", {"order": order["order_no"]}, "order_cancelled")):
        with pytest.raises(BusinessRuleViolation) as raised:
            act(operation, **params)
        assert raised.value.code == code


def test_cancelling_is_idempotent_per_call(world, act):
    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 1}], date="2026-11-03")
    call = new_call("ledger.cancel_sales_order")
    first = act("ledger.cancel_sales_order", call=call, order=order["order_no"], reason="未付款", date="2026-11-04")
    again = act("ledger.cancel_sales_order", call=call, order=order["order_no"], reason="未付款", date="2026-11-04")
    assert first == again
    assert db.session.scalar(select(sa.func.count()).select_from(SalesOrderCancellation)) == 1


def test_delivered_or_pending_shipment_orders_are_not_cancelled(world, act, sell):
    shipped, _ = sell("C00001", [("P100", 2)], invoice=False)
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.cancel_sales_order", order=shipped, reason="x")
    assert raised.value.code == "order_delivered"
    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 1}], date="2026-11-03")
    act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-03")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.cancel_sales_order", order=order["order_no"], reason="x")
    assert raised.value.code == "shipping_pending"
    assert db.session.scalar(select(SalesOrderCancellation.id)) is None


def test_red_orders_are_not_cancelled(world, act, sell):
    order_no, _ = sell("C00001", [("P100", 2)], invoice=False)
    red = act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1}], date="2026-11-05")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.cancel_sales_order", order=red["return_order_no"], reason="x")
    assert raised.value.code == "red_order"


def test_the_cancellation_record_never_changes(world, act):
    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 1}], date="2026-11-03")
    act("ledger.cancel_sales_order", order=order["order_no"], reason="未付款", date="2026-11-04")
    record = db.session.scalar(select(SalesOrderCancellation))
    record.reason = "改写"
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_the_invariant_finds_a_cancelled_status_without_its_record(world, act):
    from app.ledger import checks

    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 1}], date="2026-11-03")
    _order(order["order_no"]).status = "cancelled"  # a status moved by hand, no record: the check must say so
    db.session.flush()
    assert not checks.order_cancellations()["ok"]


def test_a_prepaid_order_is_released_once_the_receipt_covers_it(world, act):
    world.c3.credit_limit = D("0")  # pays first, like a mail-order customer
    db.session.flush()
    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 2}], date="2026-11-03")
    assert order["held"] and order["gross"] == "215.83"
    act("ledger.record_receipt", customer="C00001", amount="100", date="2026-11-04")
    partial = act("ledger.release_prepaid_order", order=order["order_no"])
    assert (partial["released"], partial["status"], partial["shortfall"], partial["advance"]) == (False, "held", "115.83", "100.00")
    act("ledger.record_receipt", customer="C00001", amount="115.83", date="2026-11-05")
    paid = act("ledger.release_prepaid_order", order=order["order_no"])
    assert (paid["released"], paid["status"], paid["shortfall"]) == (True, "approved", "0.00")
    act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-05")  # the second credit check passes
    assert all_invariants_hold()


def test_an_unpaid_held_order_is_cancelled_and_a_partial_payment_stays_an_advance(world, act):
    world.c3.credit_limit = D("0")
    db.session.flush()
    order = act("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 2}], date="2026-11-03")
    act("ledger.record_receipt", customer="C00001", amount="50", date="2026-11-04")
    result = act("ledger.cancel_sales_order", order=order["order_no"], reason="逾期未付款", date="2026-11-10")
    assert result["previous_status"] == "held" and result["advance"] == "50.00"
    assert exposure(world.c3.id) == D("-50.00")
    assert all_invariants_hold()
