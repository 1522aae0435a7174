"""/price-adjustment-sheets/{no} with every kind of line (issue 21): a new
item and a new rule price a product line nothing priced, a rule is pointed
at another list; the sheet shows what each line closed and made, the list
leads to the sheet that made its new item — and after F16 changed them the
live list, rule and strategy still refuse a direct edit (409)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.actions import ActionCall, run_action
from app.extensions import db
from app.models import PriceItem, PriceList, PriceRule, PricingStrategy
from tests.support.api_client import error_of, signed_in
from tests.support.price_master import price_world


def _act(operation, key, **params):
    return run_action(ActionCall(710, key, "Task_Test", operation, None), params)


def _mixed_sheet():
    price_world()
    db.session.add(PricingStrategy(code="PRT3", name="配件九七折", method="discount", rate=Decimal("3"), active=True,
                                   base_price_list=db.session.scalar(select(PriceList).where(PriceList.code == "STD")),
                                   valid_from=date(2026, 1, 1)))
    sheet = _act("ledger.draft_price_adjustment", "draft", price_list="STD", effective_date="2026-12-10", reason="新品上架",
                 lines=[{"kind": "new_item", "material": "HOS001", "new_price": "18.5"},
                        {"kind": "add_rule", "customer_class": "ALL", "material_class": "HOSE"},
                        {"kind": "retarget_rule", "customer_class": "ALL", "material_class": "MOTOR",
                         "to_price_list": "DEALER"},
                        {"kind": "retarget_rule", "customer_class": "ALL", "material_class": "PARTS", "to_strategy": "PRT3"}])
    decided = _act("ledger.decide_price_adjustment", "decide", sheet=sheet["sheet_no"], decision="approve",
                   approved_by="director")
    db.session.commit()
    return sheet, decided


def test_the_sheet_shows_every_kind_of_line_and_what_its_approval_made(client, master_data):
    sheet, decided = _mixed_sheet()
    api = signed_in(client, "finance")
    body = api.ok("get", f"/price-adjustment-sheets/{sheet['sheet_no']}")
    assert body["status"] == "approved" and body["request"] == 710
    new_item, add_rule, retarget, to_strategy = body["lines"]
    assert (to_strategy["old_target"], to_strategy["to_price_list"], to_strategy["to_strategy"]) == ("STD", None, "PRT3")
    assert (new_item["kind"], new_item["material"], new_item["unit"], new_item["old_price"], new_item["new_price"]) == \
        ("new_item", "HOS001", "米", None, "18.50000000")
    assert new_item["new_item_id"] == decided["lines"][0]["new_item_id"] is not None
    assert (add_rule["kind"], add_rule["customer_class"], add_rule["material_class"], add_rule["rule_id"],
            add_rule["priority"]) == ("add_rule", "ALL", "HOSE", None, 100) and "old_price" not in add_rule and add_rule["new_rule_id"]
    assert (retarget["kind"], retarget["old_target"], retarget["to_price_list"], retarget["to_strategy"]) == \
        ("retarget_rule", "STD", "DEALER", None)
    old_rule, new_rule = db.session.get(PriceRule, retarget["rule_id"]), db.session.get(PriceRule, retarget["new_rule_id"])
    assert (old_rule.valid_to, new_rule.valid_from, new_rule.price_list.code) == (date(2026, 12, 10), date(2026, 12, 10), "DEALER")
    listed = {item["id"]: item["sheet_no"] for item in api.ok("get", "/price-lists/STD")["items"]}
    assert listed[new_item["new_item_id"]] == sheet["sheet_no"]


def test_after_f16_changed_them_the_live_list_and_rules_still_refuse_direct_edits(client, master_data):
    sheet, decided = _mixed_sheet()
    api = signed_in(client, "director")
    rules, items = db.session.scalar(select(func.count(PriceRule.id))), db.session.scalar(select(func.count(PriceItem.id)))
    # the new item is live: changing it directly is refused
    error_of(api.post(f"/price-items/{decided['lines'][0]['new_item_id']}/changes",
                      json={"unit_price": "1", "valid_from": "2026-12-20"}), 409, "live_price_list")
    # a rule taking HOSE over for one customer would change the price the sheet gave
    error_of(api.post("/price-rules", json={"price_list": "DEALER", "customer": "D00001", "material_class": "HOSE",
                                            "valid_from": "2026-12-20"}), 409, "rule_changes_live_price")
    # the re-targeted rule's new list is live too
    error_of(api.post("/price-lists/DEALER/items", json={"material": "HOS001", "unit_price": "1",
                                                         "valid_from": "2026-12-20"}), 409, "live_price_list")
    # the strategy a rule now points at is a live price
    error_of(api.post("/pricing-strategies/PRT3/rate", json={"method": "discount", "rate": "30"}), 409,
             "live_pricing_strategy")
    assert db.session.scalar(select(func.count(PriceRule.id))) == rules
    assert db.session.scalar(select(func.count(PriceItem.id))) == items
