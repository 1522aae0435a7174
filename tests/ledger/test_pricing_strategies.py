"""app/ledger/pricing_strategies.py and the strategy side of
app/ledger/pricing.py: a rule that points at a strategy prices from the
strategy's base list less its discount or plus its markup, rounded to two
decimals half up, only while the strategy is valid; a rule names exactly
one list or strategy; ties and the NC class rule are still refused; a
strategy in use is a live price."""
from datetime import date
from decimal import Decimal

import pytest

from app.actions import ActionCall, BusinessRuleViolation, run_action
from app.extensions import db
from app.ledger import price_master, pricing_strategies as strategies
from app.ledger.adjustments import sheet_by_number
from app.ledger.checks import order_line_prices
from app.ledger.price_impact import customers_on_list
from app.ledger.pricing import add_price_rule, resolve_price
from app.ledger.posting import Source
from app.models import Customer, Material, PriceList, PriceRule, PricingStrategy, SalesOrder, SalesOrderLine
from tests.support.price_master import price_world

SOURCE = Source("0:master:test", None)
OTHER_CLASS = "MAIL"


def _get(model, code):
    return db.session.scalar(db.select(model).where(model.code == code))


@pytest.fixture
def hoses(master_data, frozen_clock):
    price_world()
    price_master.create_price_list_once(SOURCE, "HOSES", "软管价目表")
    price_master.add_item_once(SOURCE, "HOSES", "12.345", "2026-12-01", material="HOS001")
    return _get(Material, "HOS001")


def _refused(code: str, write, *args, **kwargs) -> BusinessRuleViolation:
    with pytest.raises(BusinessRuleViolation) as raised:
        write(*args, **kwargs)
    assert raised.value.code == code, raised.value
    return raised.value


@pytest.mark.parametrize("method, rate, expected", [
    ("discount", "10", "11.11"),      # 12.345 × 0.90 = 11.1105 → 11.11
    ("discount", "2.5", "12.04"),     # 12.345 × 0.975 = 12.036375 → 12.04
    ("markup", "10", "13.58"),        # 12.345 × 1.10 = 13.5795 → 13.58 (half up)
])
def test_a_strategy_rule_prices_from_its_base_list(hoses, method, rate, expected):
    strategies.create_strategy_once(SOURCE, "S1", "经销商折扣", "HOSES", method, rate, "2026-12-01")
    rule = price_master.add_rule_once(SOURCE, strategy="S1", valid_from="2026-12-01", customer_class="ALL",
                                      material_class="HOSE")
    assert rule["strategy"] == "S1" and rule["price_list"] is None
    price = resolve_price(_get(Customer, "D00001"), hoses, date(2026, 12, 2), 3)
    assert price.unit_price == Decimal(expected)
    assert price.strategy.code == "S1" and price.price_list.code == "HOSES" and price.item.unit_price == Decimal("12.345")


def test_a_strategy_prices_only_inside_its_validity(hoses):
    strategies.create_strategy_once(SOURCE, "S1", "年末折扣", "HOSES", "discount", "10", "2026-12-01",
                                    valid_to="2026-12-20")
    price_master.add_rule_once(SOURCE, strategy="S1", valid_from="2026-12-01", customer_class="ALL", material_class="HOSE")
    customer = _get(Customer, "D00001")
    assert resolve_price(customer, hoses, date(2026, 12, 19), 1).unit_price == Decimal("11.11")
    refused = _refused("no_price", resolve_price, customer, hoses, date(2026, 12, 20), 1)
    assert refused.details == {"pricing_strategy": "S1"}


def test_a_rule_names_exactly_one_list_or_strategy(hoses):
    strategies.create_strategy_once(SOURCE, "S1", "折扣", "HOSES", "discount", "5", "2026-12-01")
    for kwargs in ({}, {"price_list": "HOSES", "strategy": "S1"}):
        refused = _refused("price_rule_source", price_master.add_rule_once, SOURCE, valid_from="2026-12-01",
                           customer_class="ALL", material_class="HOSE", **kwargs)
        assert refused.field == "price_list"
    _refused("price_rule_source", add_price_rule, price_list=_get(PriceList, "HOSES"),
             strategy=_get(PricingStrategy, "S1"), customer=_get(Customer, "D00001"), material=hoses,
             valid_from=date(2026, 12, 1))
    assert db.session.scalar(db.select(PriceRule).where(PriceRule.material_id == hoses.id)) is None


def test_ties_and_the_nc_class_rule_still_hold_for_strategy_rules(hoses):
    strategies.create_strategy_once(SOURCE, "S1", "折扣", "HOSES", "discount", "5", "2026-12-01")
    price_master.add_rule_once(SOURCE, strategy="S1", valid_from="2027-01-01", customer_class="ALL",
                               material_class="HOSE")
    # the same targets and priority, overlapping: which would price?
    _refused("price_rule_tie", price_master.add_rule_once, SOURCE, "HOSES", "2027-01-01", customer_class="ALL",
             material_class="HOSE")
    # HOSE already maps to customer class ALL: not to a second one
    _refused("nc_class_rule", price_master.add_rule_once, SOURCE, strategy="S1", valid_from="2027-01-01",
             customer_class=OTHER_CLASS, material_class="HOSE")


def test_a_strategy_in_use_is_a_live_price(hoses):
    strategies.create_strategy_once(SOURCE, "S1", "折扣", "HOSES", "discount", "5", "2026-12-01")
    changed = strategies.change_rate_once(SOURCE, "S1", "markup", "3")  # nothing uses it yet
    assert changed["rate"] == "3.0000" and changed["method"] == "markup" and not changed["in_use"]
    price_master.add_rule_once(SOURCE, strategy="S1", valid_from="2027-01-01", customer_class="ALL",
                               material_class="HOSE")
    refused = _refused("live_pricing_strategy", strategies.change_rate_once, SOURCE, "S1", "discount", "50")
    assert refused.details["strategy"] == "S1"
    assert _get(PricingStrategy, "S1").rate == Decimal("3")
    # its base list prices customers through it: the list is live too
    _refused("live_price_list", price_master.add_item_once, SOURCE, "HOSES", "1", "2026-12-01", material="PCF001")


def test_a_strategy_rule_may_not_take_over_a_live_price(hoses):
    price_master.add_rule_once(SOURCE, "HOSES", "2026-12-01", customer_class="ALL", material_class="HOSE")
    price_master.create_price_list_once(SOURCE, "BASE", "基准")
    strategies.create_strategy_once(SOURCE, "S2", "大客户折扣", "BASE", "discount", "5", "2026-12-01")
    _refused("rule_changes_live_price", price_master.add_rule_once, SOURCE, strategy="S2", valid_from="2026-12-01",
             customer="D00001", material="HOS001")


@pytest.mark.parametrize("kwargs, field", [
    ({"method": "rebate"}, "method"),
    ({"rate": "100"}, "rate"),
    ({"rate": "0"}, "rate"),
    ({"rate": "-1"}, "rate"),
    ({"rate": "1.23456"}, "rate"),
    ({"method": "markup", "rate": "1001"}, "rate"),
    ({"base_price_list": "NOPE"}, "base_price_list"),
    ({"code": "A B"}, "code"),
    ({"name": ""}, "name"),
    ({"valid_from": "2026-11-30"}, "valid_from"),
    ({"valid_to": "2026-12-01"}, "valid_to"),
])
def test_typed_input_is_refused_naming_its_field(hoses, kwargs, field):
    given = {"code": "S9", "name": "折扣", "base_price_list": "HOSES", "method": "discount", "rate": "5",
             "valid_from": "2026-12-01", **kwargs}
    with pytest.raises(BusinessRuleViolation) as raised:
        strategies.create_strategy_once(SOURCE, **given)
    assert raised.value.field == field
    assert _get(PricingStrategy, "S9") is None


def test_a_strategy_code_is_unique(hoses):
    strategies.create_strategy_once(SOURCE, "S1", "折扣", "HOSES", "discount", "5", "2026-12-01")
    assert _refused("duplicate_pricing_strategy", strategies.create_strategy_once, SOURCE, "S1", "再一个", "HOSES",
                    "markup", "5", "2026-12-01").field == "code"


def test_an_order_line_priced_by_a_strategy_names_it_and_holds_invariant_9(hoses):
    strategies.create_strategy_once(SOURCE, "S1", "折扣", "HOSES", "discount", "10", "2026-12-01")
    rule = price_master.add_rule_once(SOURCE, strategy="S1", valid_from="2026-12-01", customer_class="ALL",
                                      material_class="HOSE")
    order = run_action(ActionCall(0, "o", "Task_Test", "ledger.create_sales_order", None),
                       {"customer": "D00001", "lines": [{"material": "HOS001", "qty": 2}], "date": "2026-12-02"})
    assert Decimal(order["lines"][0]["unit_price"]) == Decimal("11.11")
    line = db.session.scalar(db.select(SalesOrderLine).join(SalesOrder).where(SalesOrder.number == order["order_no"]))
    assert line.price_rule.id == rule["id"] and line.price_rule.pricing_strategy.code == "S1"  # the trace to the strategy
    assert order_line_prices()["ok"], order_line_prices()


def test_a_sheet_on_a_base_list_reaches_the_customers_priced_through_a_strategy(hoses):
    strategies.create_strategy_once(SOURCE, "S1", "折扣", "HOSES", "discount", "10", "2026-12-01")
    price_master.add_rule_once(SOURCE, strategy="S1", valid_from="2026-12-01", customer="D00001", material="HOS001")
    drafted = run_action(ActionCall(701, "d", "Task_Test", "ledger.draft_price_adjustment", None),
                         {"price_list": "HOSES", "effective_date": "2026-12-10",
                          "lines": [{"material": "HOS001", "new_price": "13"}], "reason": "涨价"})
    customers, _classes = customers_on_list(sheet_by_number(drafted["sheet_no"]))
    assert [customer.code for customer in customers] == ["D00001"]
