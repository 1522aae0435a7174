"""A small sales world for the ledger tests: class trees, materials, price
lists and rules, three customers, opening stock; and ``act(...)``, which
runs a registered action the way a service task does."""
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from app.extensions import db
from app.ledger import catalogue, pricing, shipping
from app.models import Customer, Material, PriceList
from app.actions import run_action
from tests.ledger.users import add_user
from tests.support.ledger_harness import new_call

DAY = date(2026, 11, 2)


@pytest.fixture
def act(ctx):
    """``act("ledger.x", **params)`` runs the action with a fresh call (a new
    idempotency key); ``act(..., call=c)`` reuses a call, as a retry would."""

    def run(operation, *, call=None, **params):
        return run_action(call or new_call(operation), params)

    return run


@pytest.fixture
def world(ctx):
    """The master data every ledger test starts from; returns a namespace."""
    rep = add_user("rep_test", "测试业务员", ["sales_rep"])
    director = add_user("director_test", "测试总监", ["sales_director"])
    gm = add_user("gm_test", "测试总经理", ["general_manager"])
    dealer = catalogue.ensure_customer_class("DEALER", "经销商")
    provincial = catalogue.ensure_customer_class("DEALER_PROV", "省级经销商", "DEALER")
    direct = catalogue.ensure_customer_class("DIRECT", "直销客户")
    pumps = catalogue.ensure_material_class("PUMP", "泵")
    small_pumps = catalogue.ensure_material_class("PUMP_S", "小型泵", "PUMP")
    valves = catalogue.ensure_material_class("VALVE", "阀门")
    p100 = Material(code="P100", name="离心泵", spec="IS50-32-125", material_class=small_pumps, unit="台", qty_scale=0,
                    tax_rate=Decimal("0.13"), standard_cost=Decimal("60"))
    p200 = Material(code="P200", name="多级泵", spec="DL-200", material_class=pumps, unit="台", qty_scale=0,
                    tax_rate=Decimal("0.13"), standard_cost=Decimal("500"))
    v10 = Material(code="V10", name="闸阀", spec="Z41H-16C DN50", material_class=valves, unit="kg", qty_scale=3,
                   tax_rate=Decimal("0.13"), standard_cost=Decimal("3.5"))
    db.session.add_all([p100, p200, v10])
    standard = PriceList(code="STD", name="标准含税价", tax_inclusive=True)
    key = PriceList(code="KEY", name="大客户不含税价", tax_inclusive=False)
    db.session.add_all([standard, key])
    c1 = Customer(code="D00001", name="杭州华信商贸", customer_class="DEALER_PROV", class_node=provincial, channel="dealer",
                  region="华东", salesperson=rep, payment_days=30, credit_limit=Decimal("5000000"))
    c2 = Customer(code="D00002", name="苏州小额经销", customer_class="DEALER", class_node=dealer, channel="dealer",
                  region="华东", salesperson=rep, payment_days=10, credit_limit=Decimal("1000"))
    c3 = Customer(code="C00001", name="宁波直销工厂", customer_class="DIRECT", class_node=direct, channel="direct",
                  region="华东", salesperson=rep, payment_days=30, credit_limit=Decimal("500000"))
    db.session.add_all([c1, c2, c3])
    db.session.flush()
    start = date(2026, 1, 1)
    pricing.add_price_item(price_list=standard, material=p100, unit_price="113.00", valid_from=start)
    pricing.add_price_item(price_list=standard, material=p100, unit_price="110.00", valid_from=start, min_qty=100)
    pricing.add_price_item(price_list=standard, material_class=pumps, unit="台", unit_price="1130.00", valid_from=start)
    pricing.add_price_item(price_list=standard, material=v10, unit_price="20.005", valid_from=start)
    pricing.add_price_item(price_list=key, material=p100, unit_price="95.50", valid_from=start)
    pricing.add_price_item(price_list=key, material_class=pumps, unit="台", unit_price="900", valid_from=start)
    pricing.add_price_item(price_list=key, material=v10, unit_price="15", valid_from=start)
    pricing.add_price_rule(price_list=standard, customer_class=dealer, material_class=pumps, valid_from=start)
    pricing.add_price_rule(price_list=standard, customer_class=dealer, material_class=valves, valid_from=start)
    pricing.add_price_rule(price_list=key, customer=c1, material=p100, valid_from=start)
    pricing.add_price_rule(price_list=key, customer=c3, material_class=pumps, valid_from=start)
    pricing.add_price_rule(price_list=key, customer=c3, material_class=valves, valid_from=start)
    for material in (p100, p200, v10):
        shipping.receive_opening_stock(material, 1000, f"B2610-{material.code}", date(2026, 10, 31), f"opening:{material.code}")
        shipping.receive_opening_stock(material, 500, f"B2611-{material.code}", date(2026, 11, 1), f"opening2:{material.code}")

    return SimpleNamespace(rep=rep, director=director, gm=gm, dealer=dealer, provincial=provincial, direct=direct,
                           pumps=pumps, small_pumps=small_pumps, valves=valves, p100=p100, p200=p200, v10=v10,
                           standard=standard, key=key,
                           c1=c1, c2=c2, c3=c3, start=start)


@pytest.fixture
def sell(act):
    """``sell("D00001", [("P100", 10)], ship=True, invoice=True)``: order,
    and optionally ship and invoice it; returns the order number and the
    invoice number (or None)."""

    def run(customer, lines, *, ship=True, invoice=True, day="2026-11-03"):
        order = act("ledger.create_sales_order", customer=customer, date=day,
                    lines=[{"material": m, "qty": q} for m, q in lines])
        assert order["status"] == "approved", order
        invoice_no = None
        if ship:
            note = act("ledger.create_shipping_note", order=order["order_no"], date=day)
            act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
            if invoice:
                invoice_no = act("ledger.issue_invoice", order=order["order_no"], date=day)["invoice_no"]
        return order["order_no"], invoice_no

    return run
