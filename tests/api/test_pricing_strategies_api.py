"""/pricing-strategies and strategy rules on /price-rules: kept by
sales_admin, marketing and the sales director, read by the price readers —
and the attacks: other roles, bad input (422 naming the field), and a
direct change of a live strategy's rate, which must go through F16."""
import pytest
from sqlalchemy import func, select

from app.actions import ActionCall, run_action
from app.extensions import db
from app.models import AuditEvent, PriceRule, PricingStrategy
from tests.support.api_client import PREFIX, error_of, signed_in
from tests.support.price_master import price_world

NEW_STRATEGY = {"code": "DISC10", "name": "经销商九折", "base_price_list": "HOSES", "method": "discount", "rate": "10",
                "valid_from": "2026-12-01"}
STRATEGY_RULE = {"strategy": "DISC10", "customer_class": "ALL", "material_class": "HOSE", "valid_from": "2026-12-01"}


@pytest.fixture
def as_user(client, master_data):
    price_world()
    keeper = signed_in(client, "sales_admin")
    keeper.ok("post", "/price-lists", 201, json={"code": "HOSES", "name": "软管价目表"})
    keeper.ok("post", "/price-lists/HOSES/items", 201,
              json={"material": "HOS001", "unit_price": "12.345", "valid_from": "2026-12-01"})
    return lambda username: signed_in(client, username)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("keeper", ["sales_admin", "marketing", "director"])
def test_a_keeper_makes_a_strategy_and_prices_customers_by_it(as_user, keeper):
    api = as_user(keeper)
    made = api.ok("post", "/pricing-strategies", 201, json=NEW_STRATEGY)
    assert (made["method"], made["rate"], made["in_use"]) == ("discount", "10.0000", False)
    rule = api.ok("post", "/price-rules", 201, json=STRATEGY_RULE)
    assert (rule["strategy"], rule["price_list"]) == ("DISC10", None)
    body = api.ok("get", "/pricing-strategies/DISC10")
    assert body["in_use"] is True and [r["id"] for r in body["rules"]] == [rule["id"]]
    assert api.ok("get", "/price-lists/HOSES")["in_use"] is True  # its base list prices customers through it
    quoted = run_action(ActionCall(0, "q", "Task_Test", "ledger.quote", None),
                        {"customer": "D00001", "lines": [{"material": "HOS001", "qty": 2}], "date": "2026-12-02"})
    assert quoted["lines"][0]["unit_price"] == "11.11" and quoted["lines"][0]["strategy"] == "DISC10"
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.chain == "ledger", AuditEvent.actor == keeper))
    assert [e.data["operation"] for e in logged][-2:] == ["prices.create_pricing_strategy", "prices.add_price_rule"]


def test_a_retried_request_makes_one_strategy(as_user):
    api = as_user("marketing")
    headers = {**api.headers, "Idempotency-Key": "s-1"}
    first = api.client.post(PREFIX + "/pricing-strategies", json=NEW_STRATEGY, headers=headers)
    again = api.client.post(PREFIX + "/pricing-strategies", json=NEW_STRATEGY, headers=headers)
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert _count(PricingStrategy) == 1


@pytest.mark.parametrize("reader", ["finance", "gm", "order_clerk", "auditor"])
def test_readers_read_but_do_not_keep(as_user, reader):
    as_user("sales_admin").ok("post", "/pricing-strategies", 201, json=NEW_STRATEGY)
    api = as_user(reader)
    assert [entry["code"] for entry in api.ok("get", "/pricing-strategies")] == ["DISC10"]
    assert api.ok("get", "/pricing-strategies/DISC10")["base_price_list"] == "HOSES"
    error_of(api.post("/pricing-strategies", json={**NEW_STRATEGY, "code": "X"}), 403)
    error_of(api.post("/pricing-strategies/DISC10/rate", json={"method": "markup", "rate": "1"}), 403)


@pytest.mark.parametrize("outsider", ["rep_east1", "warehouse", "statistician"])
def test_other_roles_may_neither_read_nor_keep(as_user, outsider):
    as_user("sales_admin").ok("post", "/pricing-strategies", 201, json=NEW_STRATEGY)
    api = as_user(outsider)
    for path in ["/pricing-strategies", "/pricing-strategies/DISC10"]:
        error_of(api.get(path), 403, "forbidden")
    error_of(api.post("/pricing-strategies", json={**NEW_STRATEGY, "code": "X"}), 403, "forbidden")
    error_of(api.post("/pricing-strategies/DISC10/rate", json={"method": "markup", "rate": "1"}), 403, "forbidden")
    error_of(api.post("/price-rules", json=STRATEGY_RULE), 403, "forbidden")
    assert _count(PricingStrategy) == 1
    assert db.session.scalar(select(PricingStrategy.rate).where(PricingStrategy.code == "DISC10")) == 10


@pytest.mark.parametrize("path, body, field", [
    ("/pricing-strategies", {**NEW_STRATEGY, "method": "rebate"}, "method"),
    ("/pricing-strategies", {**NEW_STRATEGY, "rate": "100"}, "rate"),
    ("/pricing-strategies", {**NEW_STRATEGY, "rate": 0.1 + 0.2}, "rate"),
    ("/pricing-strategies", {**NEW_STRATEGY, "rate": "-5"}, "rate"),
    ("/pricing-strategies", {**NEW_STRATEGY, "base_price_list": "NOPE"}, "base_price_list"),
    ("/pricing-strategies", {**NEW_STRATEGY, "valid_from": "2026-11-30"}, "valid_from"),
    ("/pricing-strategies", {**NEW_STRATEGY, "code": "A B"}, "code"),
    ("/pricing-strategies", {key: value for key, value in NEW_STRATEGY.items() if key != "name"}, "name"),
    ("/price-rules", {**STRATEGY_RULE, "strategy": "NOPE"}, "strategy"),
    ("/price-rules", {**STRATEGY_RULE, "price_list": "HOSES"}, "price_list"),
    ("/price-rules", {key: value for key, value in STRATEGY_RULE.items() if key != "strategy"}, "price_list"),
])
def test_bad_input_is_422_naming_the_field(as_user, path, body, field):
    api = as_user("sales_admin")
    before = _count(PricingStrategy), _count(PriceRule)
    error = error_of(api.post(path, json=body), 422)
    assert field in error["details"]["fields"], error
    assert (_count(PricingStrategy), _count(PriceRule)) == before


def test_unknown_strategies_are_404(as_user):
    api = as_user("sales_admin")
    error_of(api.get("/pricing-strategies/NOPE"), 404, "unknown_pricing_strategy")
    error_of(api.post("/pricing-strategies/NOPE/rate", json={"method": "markup", "rate": "1"}), 404,
             "unknown_pricing_strategy")


def test_a_live_strategy_rate_is_not_changed_directly(as_user):
    """The attack: once a rule prices customers by DISC10, a new rate would
    change what they pay without F16's approval; a new strategy with a rule
    that takes over nothing is the way, one that takes over is refused."""
    api = as_user("director")
    api.ok("post", "/pricing-strategies", 201, json=NEW_STRATEGY)
    assert api.ok("post", "/pricing-strategies/DISC10/rate", 201, json={"method": "discount", "rate": "8"})["rate"] == "8.0000"
    api.ok("post", "/price-rules", 201, json=STRATEGY_RULE)
    refused = error_of(api.post("/pricing-strategies/DISC10/rate", json={"method": "discount", "rate": "50"}), 409,
                       "live_pricing_strategy")
    assert refused["details"]["strategy"] == "DISC10"
    assert api.ok("get", "/pricing-strategies/DISC10")["rate"] == "8.0000"
    api.ok("post", "/pricing-strategies", 201, json={**NEW_STRATEGY, "code": "DISC20", "rate": "20"})
    rules = _count(PriceRule)
    takeover = {"strategy": "DISC20", "customer": "D00001", "material": "HOS001", "valid_from": "2026-12-01"}
    error_of(api.post("/price-rules", json=takeover), 409, "rule_changes_live_price")
    assert _count(PriceRule) == rules
