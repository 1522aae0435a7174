"""What the sales flows need besides the demo organisation: the demo master
data (customers, materials, prices, opening stock), a frozen business date,
and ``act(...)`` to post the documents a flow starts from, the way a service
task would."""
import functools

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Customer
from app.actions import run_action
from tests.support.ledger_harness import new_call


@pytest.fixture
def sales(flow, frozen_clock):
    """The flow driver over the demo organisation and master data, on
    2026-12-01."""
    from app.services.demo_master_data import load_demo_master_data

    load_demo_master_data()
    return flow


@pytest.fixture
def act(sales):
    """``act("ledger.x", **params)``: run a ledger action outside any flow
    (instance 0, as the ledger API does: not bound to any request's documents)."""

    def run(operation, **params):
        return run_action(new_call(operation, instance_id=0), params)

    return run


@pytest.fixture
def customer_code(sales):
    """``customer_code("浙江泵阀总经销有限公司")``: a demo customer's code."""

    def find(name):
        return db.session.scalar(select(Customer.code).where(Customer.name == name))

    return find


@pytest.fixture
def shipped_order(act):
    """``shipped_order(customer, [("MTR001", 2)], ship=True)``: an order
    (shipped unless ``ship=False``); returns its number."""

    def make(customer, lines, *, ship=True):
        order = act("ledger.create_sales_order", customer=customer, lines=[{"material": m, "qty": q} for m, q in lines])
        assert order["status"] == "approved", order
        if ship:
            note = act("ledger.create_shipping_note", order=order["order_no"])
            act("ledger.post_outbound", shipping_note=note["shipping_note_no"])
        return order["order_no"]

    return make


@pytest.fixture
def refuse_once(monkeypatch):
    """``refuse_once("ledger.x", code, message)``: the action answers a
    business-rule refusal the first time, then works; returns the list of
    the parameters it was called with."""
    from tests.support.refusals import refuse_once as install

    return functools.partial(install, monkeypatch)
