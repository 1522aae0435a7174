"""/prices/strategies/: the pricing strategies (定价策略) pages — the list,
a strategy with its rules, the keepers' forms (a new strategy, the rate of
one no rule uses, a rule to a strategy), refusals as sentences, and the
doors closed to other roles and to a direct change of a live rate."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import PriceRule, PricingStrategy
from tests.support.price_master import price_world

STRATEGY = {"code": "DISC10", "name": "经销商九折", "base_price_list": "DEALER", "method": "discount", "rate": "10",
            "valid_from": "2026-12-01", "valid_to": ""}
RULE = {"customer_class": "ALL", "material_class": "HOSE", "priority": "100", "valid_from": "2026-12-01"}


@pytest.fixture
def made(master_data):
    return price_world()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _flashed(page: str) -> str:
    found = re.search(r'<p class="flash error" role="alert">([^<]*)</p>', page)
    assert found, "no refusal on the page"
    return found.group(1)


def test_a_keeper_makes_a_strategy_and_a_rule_to_it_on_the_pages(web, made):
    admin = web("sales_admin")
    assert 'href="/prices/strategies/"' in admin.page("/prices/")
    response = admin.post("/prices/strategies/", STRATEGY, token_from="/prices/strategies/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/prices/strategies/")
    listing = admin.page("/prices/strategies/")
    assert 'href="/prices/strategies/DISC10"' in listing and "折扣" in listing and "经销商九折" in listing
    assert admin.post("/prices/strategies/DISC10/rate", {"method": "discount", "rate": "8"},
                      token_from="/prices/strategies/DISC10").status_code == 303
    assert db.session.scalar(select(PricingStrategy.rate).where(PricingStrategy.code == "DISC10")) == 8
    assert admin.post("/prices/strategies/DISC10/rules", RULE, token_from="/prices/strategies/DISC10").status_code == 303
    page = admin.page("/prices/strategies/DISC10")
    assert "HOSE" in page and "价格下浮 8%" in page
    assert 'action="/prices/strategies/DISC10/rate"' not in page  # a rule uses it: its rate is live
    # a forged rate change is refused as a sentence, and the rate stays
    admin.post("/prices/strategies/DISC10/rate", {"method": "markup", "rate": "50"}, token_from="/prices/strategies/DISC10")
    assert "调价申请" in _flashed(admin.page("/prices/strategies/DISC10"))
    assert db.session.scalar(select(PricingStrategy.rate).where(PricingStrategy.code == "DISC10")) == 8


@pytest.mark.parametrize("form, sentence", [
    ({**STRATEGY, "rate": "100"}, "折扣比例"),
    ({**STRATEGY, "base_price_list": "NOPE"}, "价目表"),
    ({**STRATEGY, "method": "rebate"}, "定价方式"),
    ({**STRATEGY, "valid_from": "someday"}, "有效期自"),
])
def test_a_refused_strategy_comes_back_as_a_sentence_and_makes_nothing(web, made, form, sentence):
    admin = web("marketing")
    assert admin.post("/prices/strategies/", form, token_from="/prices/strategies/").status_code == 303
    assert sentence in _flashed(admin.page("/prices/strategies/"))
    assert _count(PricingStrategy) == 0


@pytest.mark.parametrize("reader", ["finance", "auditor"])
def test_readers_see_no_forms_and_a_forged_one_is_refused(web, made, reader):
    web("director").post("/prices/strategies/", STRATEGY, token_from="/prices/strategies/")
    user = web(reader)
    assert 'action="/prices/strategies/"' not in user.page("/prices/strategies/")
    assert 'action="/prices/strategies/DISC10/rules"' not in user.page("/prices/strategies/DISC10")
    assert user.post("/prices/strategies/", {**STRATEGY, "code": "X"}, token_from="/prices/").status_code == 403
    assert user.post("/prices/strategies/DISC10/rules", RULE, token_from="/prices/").status_code == 403
    assert _count(PricingStrategy) == 1
    assert db.session.scalar(select(func.count()).select_from(PriceRule).where(PriceRule.pricing_strategy_id.is_not(None))) == 0


@pytest.mark.parametrize("outsider", ["rep_east1", "warehouse"])
def test_other_roles_see_no_strategies(web, made, outsider):
    user = web(outsider)
    for url in ["/prices/strategies/", "/prices/strategies/DISC10"]:
        assert user.get(url).status_code == 403, url
    assert user.post("/prices/strategies/", STRATEGY, token_from="/").status_code == 403
    assert _count(PricingStrategy) == 0


def test_an_unknown_strategy_is_404_and_the_pages_read_in_english(web, made):
    clerk = web("order_clerk")
    assert clerk.get("/prices/strategies/NOPE").status_code == 404
    clerk.post("/language", {"locale": "en", "next": "/prices/"})
    page = clerk.page("/prices/strategies/")
    assert "Pricing strategies" in page and "No pricing strategy yet." in page
