"""An internal price list (内部价目表) prices transfers between the group's
organisations, never a customer's order (seed L116): every door that could
point a customer's pricing at one is refused — a rule, a pricing strategy
on it, a price adjustment sheet's rule line — and a rule that points at one
anyway (made before the control, or a list made internal since) prices
nothing."""
from datetime import date

import pytest

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import adjustments, pricing
from app.ledger import pricing_strategies as strategies
from app.ledger.posting import Source
from app.models import PriceRule
from tests.support.cross_org import cross_org_world

SOURCE = Source("0:master:test", None)


@pytest.fixture
def org(world):
    return cross_org_world(world)


def _refused(code: str, field, call, *args, **kwargs):
    with pytest.raises(BusinessRuleViolation) as caught:
        call(*args, **kwargs)
    assert (caught.value.code, caught.value.field) == (code, field), caught.value
    return caught.value


def test_a_rule_for_customers_cannot_price_from_an_internal_list(world, org):
    refused = _refused("internal_price_list", "price_list", pricing.add_price_rule, price_list=org.internal,
                       customer=world.c2, material=world.p100, valid_from=date(2026, 11, 1))
    assert refused.details == {"price_list": "FAC-INT"}
    assert db.session.query(PriceRule).filter_by(price_list_id=org.internal.id).count() == 0


def test_a_pricing_strategy_cannot_stand_on_an_internal_list(world, org):
    _refused("internal_price_list", "base_price_list", strategies.create_strategy_once, SOURCE, "INTDISC", "内部折扣",
             "FAC-INT", "discount", "5", "2026-12-01")


def test_a_price_adjustment_sheet_cannot_point_a_rule_at_an_internal_list(world, org):
    line = {"kind": "add_rule", "customer_class": "DIRECT", "material_class": "PUMP", "to_price_list": "FAC-INT"}
    _refused("internal_price_list", "to_price_list", adjustments.draft_sheet, "STD", date(2026, 12, 10), [line],
             reason="内部价给客户", created_by_id=None, source_key="sheet:internal")


def test_a_rule_already_pointing_at_an_internal_list_prices_nothing(world, org):
    """As if the rule predates the control: the order line is refused, and
    the coverage report names the pair."""
    rule = PriceRule(price_list_id=org.internal.id, customer_id=world.c2.id, material_id=world.p100.id, priority=1,
                     valid_from=date(2026, 11, 1), active=True)
    db.session.add(rule)
    db.session.flush()
    _refused("internal_price_list", None, pricing.resolve_price, world.c2, world.p100, date(2026, 12, 1), 1)
    gaps = pricing.coverage_gaps(date(2026, 12, 1))
    assert {"customer": "D00002", "material": "P100", "code": "internal_price_list"} in gaps
    # the customer's other pairs still price from their own rules
    assert pricing.resolve_price(world.c1, world.p100, date(2026, 12, 1), 1).price_list.code == "KEY"
