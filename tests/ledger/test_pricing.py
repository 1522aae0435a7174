"""Price matching (LEDGER.md "Price matching")."""
from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from app.ledger import pricing
from app.models import Customer, PriceItem, PriceList
from app.actions import BusinessRuleViolation

D = Decimal
DAY = date(2026, 11, 2)


def test_customer_specific_rule_beats_the_class_rule(world):
    price = pricing.resolve_price(world.c1, world.p100, DAY, 1)
    assert (price.price_list.code, price.unit_price, price.tax_inclusive) == ("KEY", D("95.50"), False)
    assert price.rule.customer_id == world.c1.id


def test_class_rule_applies_through_the_class_tree(world):
    # c2 is a DEALER; c1's DEALER_PROV inherits the DEALER rules for what has no specific rule
    assert pricing.resolve_price(world.c2, world.p100, DAY, 1).unit_price == D("113")
    assert pricing.resolve_price(world.c1, world.p200, DAY, 1).price_list.code == "STD"


def test_material_item_beats_the_class_item_and_quantity_breaks_apply(world):
    assert pricing.resolve_price(world.c2, world.p200, DAY, 1).unit_price == D("1130")  # class item
    assert pricing.resolve_price(world.c2, world.p100, DAY, 99).unit_price == D("113")
    assert pricing.resolve_price(world.c2, world.p100, DAY, 100).unit_price == D("110")


def test_material_rule_beats_a_material_class_rule_of_the_same_customer(world):
    pricing.add_price_rule(price_list=world.standard, customer=world.c3, material=world.p100, valid_from=world.start)
    assert pricing.resolve_price(world.c3, world.p100, DAY, 1).price_list.code == "STD"
    assert pricing.resolve_price(world.c3, world.p200, DAY, 1).price_list.code == "KEY"


def test_priority_decides_between_equally_specific_rules(world):
    special = PriceList(code="PROMO", name="促销", tax_inclusive=True)
    db.session.add(special)
    pricing.add_price_item(price_list=special, material=world.p100, unit_price="99", valid_from=world.start)
    pricing.add_price_rule(price_list=special, customer=world.c1, material=world.p100, priority=10,
                           valid_from=date(2026, 11, 1), valid_to=date(2026, 12, 1))
    assert pricing.resolve_price(world.c1, world.p100, DAY, 1).unit_price == D("99")
    assert pricing.resolve_price(world.c1, world.p100, date(2026, 12, 1), 1).unit_price == D("95.5")  # promo over


def test_a_tie_is_refused_when_the_rule_is_saved(world):
    with pytest.raises(BusinessRuleViolation) as raised:
        pricing.add_price_rule(price_list=world.standard, customer=world.c1, material=world.p100, valid_from=date(2026, 6, 1))
    assert raised.value.code == "price_rule_tie"
    # outside the other rule's validity there is no tie
    pricing.add_price_rule(price_list=world.standard, customer=world.c2, material=world.p100, valid_from=date(2026, 6, 1),
                           valid_to=date(2026, 7, 1))


def test_nc_rule_one_material_class_maps_to_one_customer_class(world):
    # DEALER already maps PUMP; DIRECT may not map it as well …
    with pytest.raises(BusinessRuleViolation) as raised:
        pricing.add_price_rule(price_list=world.key, customer_class=world.direct, material_class=world.pumps,
                               valid_from=world.start)
    assert raised.value.code == "nc_class_rule"
    # … while one customer class may map many material classes
    pricing.add_price_rule(price_list=world.standard, customer_class=world.dealer, material_class=world.small_pumps,
                           valid_from=world.start, priority=50)
    assert pricing.rule_problems() == []


def test_overlapping_price_items_are_refused(world):
    with pytest.raises(BusinessRuleViolation) as raised:
        pricing.add_price_item(price_list=world.standard, material=world.p100, unit_price="120", valid_from=date(2026, 5, 1))
    assert raised.value.code == "price_item_overlap"


def test_eight_place_prices_survive_the_database(world):
    item = pricing.add_price_item(price_list=world.key, material=world.p200, unit_price="12.34567891", valid_from=world.start)
    db.session.expire(item)
    assert db.session.get(PriceItem, item.id).unit_price == D("12.34567891")


def test_price_adjustment_closes_the_old_item_and_adds_the_new(world):
    old = pricing.resolve_price(world.c2, world.p100, DAY, 1).item
    new = pricing.apply_price_adjustment(old, "120", date(2026, 12, 1))
    assert old.valid_to == date(2026, 12, 1) and new.valid_from == date(2026, 12, 1)
    assert pricing.resolve_price(world.c2, world.p100, DAY, 1).unit_price == D("113")
    assert pricing.resolve_price(world.c2, world.p100, date(2026, 12, 1), 1).unit_price == D("120")


def test_no_rule_means_no_price_and_coverage_names_the_gap(world):
    stranger = Customer(code="X00001", name="无价客户", customer_class="none", channel="direct", region="华南",
                        credit_limit=D("0"))
    db.session.add(stranger)
    db.session.flush()
    with pytest.raises(BusinessRuleViolation) as raised:
        pricing.resolve_price(stranger, world.p100, DAY, 1)
    assert raised.value.code == "no_price"
    gaps = pricing.coverage_gaps(DAY)
    assert {(g["customer"], g["material"]) for g in gaps} == {("X00001", "P100"), ("X00001", "P200"), ("X00001", "V10")}


def test_quote_prices_lines_without_saving(world, act):
    result = act("ledger.quote", customer="D00002", lines=[{"material": "V10", "qty": "1.000"}], date="2026-11-02")
    assert result["lines"][0]["unit_price"] == "20.00500000"
    assert (result["net"], result["tax"], result["gross"]) == ("17.71", "2.30", "20.01")  # 20.005 → 20.01 gross, half up


def test_a_dealers_special_discount_applies_from_its_terms_and_is_frozen_on_the_line(world):
    from app.models import DealerTerms

    assert pricing.resolve_price(world.c2, world.p100, DAY, 1).unit_price == D("113")
    db.session.add(DealerTerms(customer_id=world.c2.id, annual_target=D("1000000"), special_discount_pct=D("2.5"),
                               valid_from=date(2026, 11, 2), source_key="test:terms:1"))
    db.session.add(DealerTerms(customer_id=world.c2.id, annual_target=D("1000000"), special_discount_pct=D("4"),
                               valid_from=date(2026, 11, 10), source_key="test:terms:2"))
    db.session.flush()
    assert pricing.resolve_price(world.c2, world.p100, date(2026, 11, 1), 1).unit_price == D("113")
    on_second = pricing.resolve_price(world.c2, world.p100, DAY, 1)
    assert on_second.unit_price == D("110.175") and on_second.special_discount_pct == D("2.5")
    assert on_second.item.unit_price == D("113")  # the list price the discount came off
    assert pricing.resolve_price(world.c2, world.p100, date(2026, 11, 10), 1).unit_price == D("108.48")
    assert pricing.resolve_price(world.c1, world.p100, DAY, 1).unit_price == D("95.50")  # another customer: no discount
