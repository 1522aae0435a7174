"""Pricing strategies (定价策略, NC manual item 6, seed L92–98) kept as
master data: a strategy prices customers from a base price list less a
discount or plus a markup, in percent (app/ledger/pricing.py applies it).
A matching rule points at a price list or at a strategy.

A strategy that a rule points at prices customers (or did, and the order
lines it priced are checked against its rate): its rate is a live price,
so changing it here is refused (``live_pricing_strategy``) like a live
list's items; a new strategy with a
new rule is the way, and that rule may not take over a pair another rule
prices (app/ledger/price_master.py). Each write flushes; the caller commits
and logs it."""
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import or_, select

from app.extensions import db
from app.ledger.catalogue import price_list_by_code, strategy_by_code
from app.ledger.journal import today
from app.ledger.posting import Source
from app.ledger.price_master import _number, _validity, code_and_name
from app.ledger.pricing import refuse_internal_list
from app.models import PriceRule, PricingStrategy
from app.actions import BusinessRuleViolation

METHODS = ("discount", "markup")
MAX_MARKUP = 1000
RATE_PLACES = Decimal("0.0001")


def rules_using_strategy(strategy: PricingStrategy, on: date_type) -> list[PriceRule]:
    """The active rules that point at ``strategy`` on ``on`` or later."""
    return list(db.session.scalars(select(PriceRule).where(
        PriceRule.pricing_strategy_id == strategy.id, PriceRule.active.is_(True),
        or_(PriceRule.valid_to.is_(None), PriceRule.valid_to > on)).order_by(PriceRule.id)))


def _rate(method, rate):
    """The method and its percent: a discount below 100, a markup up to
    1000, at most four decimal places. Raises BusinessRuleViolation
    ``invalid_method``, ``invalid_number``, ``invalid_rate``."""
    if method not in METHODS:
        raise BusinessRuleViolation("invalid_method", "The method is discount or markup.", field="method")
    rate = _number(rate, "rate", 4)
    if rate == 0 or (method == "discount" and rate >= 100) or rate > MAX_MARKUP:
        raise BusinessRuleViolation("invalid_rate", "A discount is above 0 and below 100 percent, a markup above 0 and "
                                    f"at most {MAX_MARKUP} percent.", field="rate")
    return method, rate.quantize(RATE_PLACES)


def create_strategy_once(source: Source, code: str, name: str, base_price_list: str, method: str, rate,
                         valid_from, valid_to=None) -> dict:
    """A new pricing strategy (no rule uses it yet). Raises
    BusinessRuleViolation ``invalid_code``, ``invalid_name``,
    ``unknown_price_list``, ``invalid_method``, ``invalid_rate``,
    ``invalid_validity``, ``duplicate_pricing_strategy``."""
    code, name = code_and_name(code, name)
    plist = price_list_by_code(base_price_list or "", "base_price_list")
    refuse_internal_list(plist, "base_price_list")
    method, rate = _rate(method, rate)
    valid_from, valid_to = _validity(valid_from, valid_to)
    if db.session.scalar(select(PricingStrategy.id).where(PricingStrategy.code == code)) is not None:
        raise BusinessRuleViolation("duplicate_pricing_strategy", f"A pricing strategy is already coded {code!r}.",
                                    field="code")
    strategy = PricingStrategy(code=code, name=name, base_price_list=plist, method=method, rate=rate,
                               valid_from=valid_from, valid_to=valid_to, active=True)
    db.session.add(strategy)
    db.session.flush()
    return strategy_result(strategy)


def change_rate_once(source: Source, strategy: str, method: str, rate) -> dict:
    """A new method and rate for a strategy no rule has ever pointed at (an
    order line it priced is checked against its rate: app/ledger/checks.py).
    Raises
    BusinessRuleViolation ``unknown_pricing_strategy``,
    ``live_pricing_strategy`` (customers are priced by it: change their
    prices with a price adjustment request), ``invalid_method``, ``invalid_rate``."""
    found = strategy_by_code(strategy)
    using = list(db.session.scalars(select(PriceRule.id).where(PriceRule.pricing_strategy_id == found.id)
                                    .order_by(PriceRule.id)))
    if using:
        raise BusinessRuleViolation("live_pricing_strategy", f"Customers are priced by {found.code}: its rate is a live "
                                    "price.", {"strategy": found.code, "rule_ids": using})
    found.method, found.rate = _rate(method, rate)
    db.session.flush()
    return strategy_result(found)


def strategy_result(strategy: PricingStrategy) -> dict:
    return {"code": strategy.code, "name": strategy.name, "base_price_list": strategy.base_price_list.code,
            "method": strategy.method, "rate": str(strategy.rate), "valid_from": strategy.valid_from.isoformat(),
            "valid_to": strategy.valid_to.isoformat() if strategy.valid_to else None, "active": strategy.active,
            "in_use": bool(rules_using_strategy(strategy, today()))}
