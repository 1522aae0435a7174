"""/prices/: the price lists, a list's items and rules, an item's trace to
the sheet and request that made it and back from the sheet to its items;
the keepers' forms, their refusals as sentences on the page, and the doors
closed to other roles and to a direct edit of a live price."""
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import PriceItem, PriceList, PriceRule
from tests.support.price_master import price_world


@pytest.fixture
def made(master_data):
    return price_world(with_sheet=True)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_list_item_and_sheet_lead_to_each_other(web, made):
    clerk = web("order_clerk")
    sheet_no = made["sheet"]["sheet_no"]
    new_item, old_item = made["decided"]["lines"][0]["new_item_id"], made["decided"]["lines"][0]["old_item_id"]
    assert "/prices/STD" in clerk.page("/prices/")
    listing = clerk.page("/prices/STD")
    assert f'href="/prices/items/{new_item}"' in listing and f'href="/prices/sheets/{sheet_no}"' in listing
    item = clerk.page(f"/prices/items/{new_item}")
    assert f'href="/prices/sheets/{sheet_no}"' in item and 'href="/instances/700"' in item
    assert f'href="/prices/items/{old_item}"' in item and "1,300.00" in item
    sheet = clerk.page(f"/prices/sheets/{sheet_no}")
    assert f'href="/prices/items/{new_item}"' in sheet and "原材料涨价" in sheet and 'href="/instances/700"' in sheet
    old = clerk.page(f"/prices/items/{old_item}")
    assert "2026-12-10" in old and f'href="/prices/items/{new_item}"' in old


@pytest.mark.parametrize("outsider", ["rep_east1", "warehouse"])
def test_other_roles_see_no_prices(web, made, outsider):
    user = web(outsider)
    lists_before = _count(PriceList)
    assert 'href="/prices/"' not in user.page("/")
    for url in ["/prices/", "/prices/STD", f"/prices/items/{made['decided']['lines'][0]['new_item_id']}",
                f"/prices/sheets/{made['sheet']['sheet_no']}"]:
        assert user.get(url).status_code == 403, url
    assert user.post("/prices/", {"code": "X", "name": "x"}).status_code == 403
    assert _count(PriceList) == lists_before


@pytest.mark.parametrize("reader", ["finance", "auditor"])
def test_readers_see_no_forms_and_a_forged_one_is_refused(web, made, reader):
    user = web(reader)
    lists_before = _count(PriceList)
    page = user.page("/prices/STD")
    assert 'href="/prices/"' in user.page("/") and 'action="/prices/STD/rules"' not in page
    assert user.post("/prices/", {"code": "X", "name": "x"}, token_from="/prices/").status_code == 403
    hoses = {"customer_class": "ALL", "material_class": "HOSE", "priority": "100", "valid_from": "2026-12-01"}
    assert user.post("/prices/STD/rules", hoses, token_from="/prices/").status_code == 403
    assert _count(PriceList) == lists_before


def test_a_keeper_builds_a_list_on_the_pages(web, made):
    marketing = web("marketing")
    response = marketing.post("/prices/", {"code": "HOSES", "name": "软管价目表", "currency": "CNY", "tax_inclusive": "yes"},
                              token_from="/prices/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/prices/")
    form = {"material": "HOS001", "unit_price": "12.5", "min_qty": "0", "valid_from": "2026-12-01", "valid_to": ""}
    assert marketing.post("/prices/HOSES/items", form, token_from="/prices/HOSES").status_code == 303
    rule = {"customer_class": "ALL", "material_class": "HOSE", "priority": "100", "valid_from": "2026-12-01"}
    assert marketing.post("/prices/HOSES/rules", rule, token_from="/prices/HOSES").status_code == 303
    page = marketing.page("/prices/HOSES")
    assert "HOS001" in page and "12.50" in page and "ALL" in page
    assert 'action="/prices/HOSES/items"' not in page  # in use now: its prices change through F16
    hoses = db.session.scalar(select(PriceList.id).where(PriceList.code == "HOSES"))
    assert db.session.scalar(select(func.count()).select_from(PriceRule).where(PriceRule.price_list_id == hoses)) == 1


@pytest.mark.parametrize("url, form, sentence", [
    ("/prices/STD/items", {"material": "HOS001", "unit_price": "1", "valid_from": "2026-12-01"}, "价格调整"),
    ("/prices/STD/rules", {"customer": "D00001", "material": "PCF001", "priority": "1", "valid_from": "2026-12-01"},
     "价格调整"),
    ("/prices/STD/rules", {"customer_class": "DIRECT", "material_class": "PUMP", "priority": "100",
                           "valid_from": "2026-12-01"}, "客户分类"),
    ("/prices/STD/rules", {"customer_class": "ALL", "material_class": "HOSE", "priority": "x",
                           "valid_from": "2026-12-01"}, "优先级"),
    ("/prices/STD/rules", {"customer_class": "ALL", "material_class": "HOSE", "priority": "100",
                           "valid_from": "someday"}, "有效期自"),
])
def test_a_refused_entry_comes_back_as_a_sentence_and_changes_nothing(web, made, url, form, sentence):
    admin = web("sales_admin")
    before = _count(PriceItem), _count(PriceRule)
    response = admin.post(url, form, token_from="/prices/STD")
    assert response.status_code == 303
    page = admin.page("/prices/STD")
    flashed = re.search(r'<p class="flash error" role="alert">([^<]*)</p>', page)
    assert flashed and sentence in flashed.group(1), flashed
    assert (_count(PriceItem), _count(PriceRule)) == before


def test_unknown_pages_are_404(web, made):
    clerk = web("order_clerk")
    for url in ["/prices/NOPE", "/prices/items/999999", "/prices/sheets/PS-NOPE"]:
        assert clerk.get(url).status_code == 404, url


def test_the_pages_read_in_english(web, made):
    clerk = web("order_clerk")
    clerk.post("/language", {"locale": "en", "next": "/prices/"})
    page = clerk.page(f"/prices/items/{made['decided']['lines'][0]['new_item_id']}")
    assert "Where this price comes from" in page and "Adjustment sheet" in page
