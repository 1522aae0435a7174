"""/price-lists, /price-items, /price-rules, /price-adjustment-sheets: the
price master data kept by sales_admin, marketing and the sales director,
read by finance, the general manager, order clerks and auditors — and the
attacks on it: other roles, bad input, ties and the NC class rule, and
direct edits of a live price, which must go through F16."""
import pytest
from sqlalchemy import func, select

from app.demo.org_units import INTERNAL_LIST  # the factory's internal list to the head company
from app.actions import ActionCall, run_action
from app.extensions import db
from app.models import AuditEvent, PriceItem, PriceList, PriceRule
from tests.support.api_client import PREFIX, error_of, signed_in
from tests.support.price_master import price_world


@pytest.fixture
def as_user(client, master_data):
    price_world()
    return lambda username: signed_in(client, username)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


NEW_LIST = {"code": "HOSES", "name": "软管价目表", "tax_inclusive": True}
NEW_ITEM = {"material": "HOS001", "unit_price": "12.5", "valid_from": "2026-12-01"}
NEW_RULE = {"price_list": "HOSES", "customer_class": "ALL", "material_class": "HOSE", "valid_from": "2026-12-01"}


@pytest.mark.parametrize("keeper", ["sales_admin", "marketing", "director"])
def test_a_keeper_builds_a_new_list_prices_it_and_points_customers_at_it(as_user, keeper):
    api = as_user(keeper)
    assert api.ok("post", "/price-lists", 201, json=NEW_LIST)["in_use"] is False
    item = api.ok("post", "/price-lists/HOSES/items", 201, json=NEW_ITEM)
    assert (item["material"], item["unit"], item["unit_price"]) == ("HOS001", "米", "12.50000000")
    rule = api.ok("post", "/price-rules", 201, json=NEW_RULE)
    body = api.ok("get", "/price-lists/HOSES")
    assert body["in_use"] is True and [r["id"] for r in body["rules"]] == [rule["id"]]
    assert [(i["id"], i["sheet_no"]) for i in body["items"]] == [(item["id"], None)]
    quoted = run_action(ActionCall(0, "q", "Task_Test", "ledger.quote", None),
                        {"customer": "D00001", "lines": [{"material": "HOS001", "qty": 2}], "date": "2026-12-02"})
    assert quoted["lines"][0]["unit_price"] == "12.50000000"
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.chain == "ledger", AuditEvent.actor == keeper))
    assert [e.data["operation"] for e in logged] == ["prices.create_price_list", "prices.add_price_item",
                                                      "prices.add_price_rule"]


def test_a_retried_request_makes_one_list(as_user):
    api = as_user("marketing")
    lists_before = _count(PriceList)
    headers = {**api.headers, "Idempotency-Key": "k-1"}
    first = api.client.post(PREFIX + "/price-lists", json=NEW_LIST, headers=headers)
    again = api.client.post(PREFIX + "/price-lists", json=NEW_LIST, headers=headers)
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert _count(PriceList) == lists_before + 1
    error_of(api.client.post(PREFIX + "/price-lists", json={**NEW_LIST, "name": "别的"}, headers=headers),
             422, "idempotency_key_reused")


@pytest.mark.parametrize("reader", ["finance", "gm", "order_clerk", "auditor"])
def test_readers_read_but_do_not_keep(as_user, reader):
    api = as_user(reader)
    assert {entry["code"] for entry in api.ok("get", "/price-lists")} == {"STD", "DEALER", INTERNAL_LIST}
    assert api.ok("get", "/price-lists/STD")["in_use"] is True
    error_of(api.post("/price-lists", json=NEW_LIST), 403)


@pytest.mark.parametrize("outsider", ["rep_east1", "warehouse", "statistician"])
def test_other_roles_may_neither_read_nor_keep(as_user, outsider):
    api = as_user(outsider)
    lists_before = _count(PriceList)
    for path in ["/price-lists", "/price-lists/STD", "/price-items/1", "/price-adjustment-sheets/PS1"]:
        error_of(api.get(path), 403, "forbidden")
    error_of(api.post("/price-lists", json=NEW_LIST), 403, "forbidden")
    error_of(api.post("/price-rules", json=NEW_RULE), 403, "forbidden")
    assert _count(PriceList) == lists_before


@pytest.mark.parametrize("path, body, field", [
    ("/price-lists", {"name": "x"}, "code"),
    ("/price-lists", {**NEW_LIST, "code": "两个 字"}, "code"),
    ("/price-lists", {**NEW_LIST, "code": "STD"}, "code"),
    ("/price-lists", {**NEW_LIST, "currency": "yuan"}, "currency"),
    ("/price-lists/HOSES/items", {**NEW_ITEM, "unit_price": "-1"}, "unit_price"),
    ("/price-lists/HOSES/items", {**NEW_ITEM, "unit_price": 0.1 + 0.2}, "unit_price"),
    ("/price-lists/HOSES/items", {**NEW_ITEM, "valid_from": "next week"}, "valid_from"),
    ("/price-lists/HOSES/items", {**NEW_ITEM, "valid_from": "2026-11-30"}, "valid_from"),
    ("/price-lists/HOSES/items", {**NEW_ITEM, "valid_to": "2026-12-01"}, "valid_to"),
    ("/price-lists/HOSES/items", {**NEW_ITEM, "material": "NOPE"}, "material"),
    ("/price-lists/HOSES/items", {"material_class": "HOSE", "unit_price": "1", "valid_from": "2026-12-01"}, "unit"),
    ("/price-rules", {**NEW_RULE, "customer": "D00001"}, "customer"),
    ("/price-rules", {**NEW_RULE, "customer_class": "NOPE"}, "customer_class"),
    ("/price-rules", {**NEW_RULE, "priority": "high"}, "priority"),
])
def test_bad_input_is_422_naming_the_field(as_user, path, body, field):
    api = as_user("sales_admin")
    api.ok("post", "/price-lists", 201, json=NEW_LIST)
    before = _count(PriceList), _count(PriceItem), _count(PriceRule)
    error = error_of(api.post(path, json=body), 422)
    assert field in error["details"]["fields"], error
    assert (_count(PriceList), _count(PriceItem), _count(PriceRule)) == before


def test_unknown_documents_are_404(as_user):
    api = as_user("sales_admin")
    error_of(api.get("/price-lists/NOPE"), 404, "unknown_price_list")
    error_of(api.get("/price-items/999999"), 404, "unknown_price_item")
    error_of(api.get("/price-adjustment-sheets/PS-NOPE"), 404, "unknown_sheet")
    error_of(api.post("/price-lists/NOPE/items", json=NEW_ITEM), 404, "unknown_price_list")
    error_of(api.post("/price-items/999999/changes", json={"unit_price": "1", "valid_from": "2026-12-02"}), 404)


def test_a_live_price_is_not_edited_directly(as_user):
    """The attack: STD prices every customer. A new item on it, a change of
    one of its items, or a new list pointed at customers STD already
    prices would change what they pay without F16's approval."""
    api = as_user("director")
    items, rules = _count(PriceItem), _count(PriceRule)
    std_item = api.ok("get", "/price-lists/STD")["items"][0]
    error_of(api.post("/price-lists/STD/items", json={**NEW_ITEM, "material": "HOS001"}), 409, "live_price_list")
    error_of(api.post(f"/price-items/{std_item['id']}/changes", json={"unit_price": "1", "valid_from": "2026-12-02"}),
             409, "live_price_list")
    api.ok("post", "/price-lists", 201, json={**NEW_LIST, "code": "CHEAP"})
    api.ok("post", "/price-lists/CHEAP/items", 201, json={"material": "PCF001", "unit_price": "1", "valid_from": "2026-12-01"})
    refused = error_of(api.post("/price-rules", json={"price_list": "CHEAP", "customer": "D00001", "material": "PCF001",
                                                      "valid_from": "2026-12-01"}), 409, "rule_changes_live_price")
    assert refused["details"]["pairs"][0]["customer"] == "D00001"
    assert _count(PriceItem) == items + 1 and _count(PriceRule) == rules
    assert db.session.get(PriceItem, std_item["id"]).valid_to is None


def test_ties_and_the_nc_class_rule_are_refused_when_saved(as_user):
    api = as_user("sales_admin")
    api.ok("post", "/price-lists", 201, json=NEW_LIST)
    api.ok("post", "/price-rules", 201, json=NEW_RULE)
    error_of(api.post("/price-rules", json=NEW_RULE), 409, "price_rule_tie")
    # NC: HOSE already maps to customer class ALL; DEALER may not map it as well
    nc = error_of(api.post("/price-rules", json={**NEW_RULE, "customer_class": "DEALER"}), 409, "nc_class_rule")
    assert nc["details"]["conflicts_with"]
    error_of(api.post("/price-rules", json={**NEW_RULE, "customer_class": "DIRECT", "material_class": "PUMP"}),
             409, "nc_class_rule")


def test_an_item_of_an_unused_list_changes_by_closing_and_opening(as_user):
    api = as_user("marketing")
    api.ok("post", "/price-lists", 201, json=NEW_LIST)
    old = api.ok("post", "/price-lists/HOSES/items", 201, json=NEW_ITEM)
    new = api.ok("post", f"/price-items/{old['id']}/changes", 201, json={"unit_price": "13", "valid_from": "2026-12-15"})
    assert (new["unit_price"], new["valid_from"], new["valid_to"]) == ("13.00000000", "2026-12-15", None)
    closed = api.ok("get", f"/price-items/{old['id']}")
    assert (closed["unit_price"], closed["valid_to"], closed["made_by"]) == ("12.50000000", "2026-12-15", None)


def test_an_item_leads_to_the_sheet_that_made_it_and_the_sheet_to_its_items(client, master_data):
    """调价单号联查: from the item the sheet and its request, from the sheet its items."""
    made = price_world(with_sheet=True)
    sheet, decided = made["sheet"], made["decided"]
    new_item = decided["lines"][0]["new_item_id"]
    api = signed_in(client, "order_clerk")
    trace = api.ok("get", f"/price-items/{new_item}")
    assert trace["made_by"]["sheet_no"] == sheet["sheet_no"] and trace["made_by"]["request"] == 700
    assert trace["replaces_item_id"] == decided["lines"][0]["old_item_id"] and trace["unit_price"] == "1300.00000000"
    old = api.ok("get", f"/price-items/{trace['replaces_item_id']}")
    assert old["replaced_by"]["item_id"] == new_item and old["valid_to"] == "2026-12-10"
    body = api.ok("get", f"/price-adjustment-sheets/{sheet['sheet_no']}")
    assert body["request"] == 700 and [line["new_item_id"] for line in body["lines"]] == [new_item]
    listed = {item["id"]: item["sheet_no"] for item in api.ok("get", "/price-lists/STD")["items"]}
    assert listed[new_item] == sheet["sheet_no"]


def test_a_keeper_cannot_point_customers_at_the_internal_list(as_user):
    """The factory's internal list prices transfers to the head company,
    never a customer's order: a rule naming it is refused, naming the field,
    and nothing is saved."""
    api = as_user("sales_admin")
    before = _count(PriceRule)
    error = error_of(api.post("/price-rules", json={**NEW_RULE, "price_list": INTERNAL_LIST}), 422, "internal_price_list")
    assert "price_list" in error["details"]["fields"], error
    assert _count(PriceRule) == before
