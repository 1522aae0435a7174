"""app/ledger/price_master.py: what a direct master-data edit may do
without F16 — a rule may price what nothing priced, never take over a
live price, not even from a later day — and app/ledger/pricing.py's
``taken_over_pairs`` that decides it."""
from datetime import date

import pytest

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import price_master
from app.ledger.pricing import resolve_price, taken_over_pairs
from app.ledger.posting import Source
from app.models import Customer, Material, PriceItem, PriceRule
from tests.support.price_master import price_world

SOURCE = Source("0:master:test", None)


@pytest.fixture
def hoses(master_data, frozen_clock):
    price_world()
    price_master.create_price_list_once(SOURCE, "HOSES", "软管价目表")
    price_master.add_item_once(SOURCE, "HOSES", "12.5", "2026-12-01", material="HOS001")
    return db.session.scalar(db.select(Material).where(Material.code == "HOS001"))


def _refused(code: str, write, *args, **kwargs) -> BusinessRuleViolation:
    with pytest.raises(BusinessRuleViolation) as raised:
        write(*args, **kwargs)
    assert raised.value.code == code, raised.value
    return raised.value


def test_a_rule_on_what_nothing_prices_is_direct_and_prices_orders(hoses):
    rule = price_master.add_rule_once(SOURCE, "HOSES", "2026-12-01", customer_class="ALL", material_class="HOSE")
    customer = db.session.scalar(db.select(Customer).where(Customer.code == "D00001"))
    price = resolve_price(customer, hoses, date(2026, 12, 2), 3)
    assert price.rule.id == rule["id"] and str(price.unit_price) == "12.50000000"


def test_a_rule_that_ranks_below_the_live_one_takes_nothing_over(hoses):
    price_master.add_rule_once(SOURCE, "HOSES", "2026-12-01", customer_class="ALL", material_class="HOSE")
    price_master.create_price_list_once(SOURCE, "SPARE", "备用价")
    # the same targets at a lower rank (higher priority number): HOSES still prices everyone
    price_master.add_rule_once(SOURCE, "SPARE", "2026-12-01", customer_class="ALL", material_class="HOSE", priority=200)
    # a customer rule ranks above a class rule: it would take D00001's hose price over
    refused = _refused("rule_changes_live_price", price_master.add_rule_once, SOURCE, "SPARE", "2026-12-01",
                       customer="D00001", material="HOS001")
    assert refused.details["pairs"] == [{"customer": "D00001", "material": "HOS001",
                                         "rule_id": refused.details["pairs"][0]["rule_id"]}]


def test_a_rule_is_refused_when_it_would_take_over_from_a_later_day(hoses):
    """Today nothing prices hoses, but a rule from 2027 will: a customer rule
    open from now would take that future live price over."""
    price_master.add_rule_once(SOURCE, "HOSES", "2027-01-01", customer_class="ALL", material_class="HOSE")
    price_master.create_price_list_once(SOURCE, "SPARE", "备用价")
    _refused("rule_changes_live_price", price_master.add_rule_once, SOURCE, "SPARE", "2026-12-01",
             customer="D00001", material="HOS001")
    # ending before the other begins, it takes nothing over
    price_master.add_rule_once(SOURCE, "SPARE", "2026-12-01", valid_to="2027-01-01", customer="D00001", material="HOS001")


def test_a_list_a_future_rule_points_at_is_already_live(hoses):
    price_master.add_rule_once(SOURCE, "HOSES", "2027-01-01", customer_class="ALL", material_class="HOSE")
    _refused("live_price_list", price_master.add_item_once, SOURCE, "HOSES", "1", "2026-12-01", material="PCF001")
    item = db.session.scalar(db.select(PriceItem).where(PriceItem.material_id == hoses.id))
    _refused("live_price_list", price_master.change_item_once, SOURCE, item.id, "13", "2026-12-15")
    assert item.valid_to is None


def test_taken_over_pairs_names_the_live_rule(master_data, frozen_clock):
    price_world()
    material = db.session.scalar(db.select(Material).where(Material.code == "MTR001"))
    live = db.session.scalar(db.select(PriceRule).where(PriceRule.material_class_id == material.class_id))
    customer = db.session.scalar(db.select(Customer).where(Customer.code == "D00001"))
    candidate = PriceRule(price_list_id=live.price_list_id, customer_id=customer.id, material_id=material.id, priority=100,
                          valid_from=date(2026, 12, 1), active=True)
    assert taken_over_pairs(candidate, date(2026, 12, 1)) == [{"customer": "D00001", "material": "MTR001",
                                                               "rule_id": live.id}]


@pytest.mark.parametrize("call, field", [
    (lambda: price_master.add_item_once(SOURCE, "HOSES", "1e13", "2026-12-01", material="HOS001"), "unit_price"),
    (lambda: price_master.add_item_once(SOURCE, "HOSES", "1.123456789", "2026-12-01", material="HOS001"), "unit_price"),
    (lambda: price_master.add_item_once(SOURCE, "HOSES", "1", "2026-12-01", material="HOS001", min_qty="-1"), "min_qty"),
    (lambda: price_master.add_item_once(SOURCE, "HOSES", "1", "", material="HOS001"), "valid_from"),
    (lambda: price_master.add_rule_once(SOURCE, "HOSES", "2026-12-01", customer_class="ALL", material_class="HOSE",
                                        priority="-3"), "priority"),
    (lambda: price_master.create_price_list_once(SOURCE, "X" * 33, "x"), "code"),
    (lambda: price_master.create_price_list_once(SOURCE, "NEW", " "), "name"),
])
def test_typed_input_is_refused_naming_its_field(hoses, call, field):
    with pytest.raises(BusinessRuleViolation) as raised:
        call()
    assert raised.value.field == field
