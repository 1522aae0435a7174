"""Price adjustment sheets (F16) that add items and change matching rules:
each kind priced before and after its effective date, the refusals
(item_exists, an NC breach or a tie the sheet would create, an unknown rule,
a rule another sheet changed meanwhile = stale), insert-only history, and
the impact the approvers read."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger import catalogue
from app.ledger.pricing import coverage_gaps
from app.models import Material, PriceItem, PriceRule, PricingStrategy
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import all_invariants_hold, new_call

EFFECTIVE = "2026-12-01"


def _draft(act, lines, *, instance_id=900, effective=EFFECTIVE, price_list="STD"):
    call = new_call("ledger.draft_price_adjustment", instance_id=instance_id)
    return act("ledger.draft_price_adjustment", call=call, price_list=price_list, effective_date=effective, lines=lines,
               reason="调整价目表和价格匹配")


def _approve(act, draft, *, instance_id=900):
    call = new_call("ledger.decide_price_adjustment", instance_id=instance_id)
    return act("ledger.decide_price_adjustment", call=call, sheet=draft["sheet_no"], decision="approve",
               approved_by="director_test")


def _quote(act, customer, material, day):
    return act("ledger.quote", customer=customer, lines=[{"material": material, "qty": 1}], date=day)["lines"][0]


def _rule(world, **targets) -> PriceRule:
    wanted = [getattr(PriceRule, f"{name}_id") == value.id for name, value in targets.items()]
    return db.session.scalar(select(PriceRule).where(*wanted, PriceRule.valid_to.is_(None)))


def _seal(world):
    """A new product in a new class no rule prices yet."""
    seals = catalogue.ensure_material_class("SEAL", "密封件")
    seal = Material(code="S10", name="机械密封", spec="M7N-35", material_class=seals, unit="套", qty_scale=0,
                    tax_rate=Decimal("0.13"), standard_cost=Decimal("40"))
    db.session.add(seal)
    db.session.flush()
    return seals, seal


def test_a_new_item_and_its_rule_price_a_new_product_from_the_effective_date_only(world, act):
    _seal(world)
    draft = _draft(act, [{"kind": "new_item", "material": "S10", "new_price": "88.8"},
                         {"kind": "add_rule", "customer_class": "DEALER", "material_class": "SEAL"}])
    item_line, rule_line = draft["lines"]
    assert (item_line["kind"], item_line["old_price"], item_line["new_price"], item_line["new_item_id"]) == \
        ("new_item", None, "88.80000000", None) and "rule_id" not in item_line
    assert (rule_line["kind"], rule_line["to_price_list"], rule_line["new_rule_id"]) == ("add_rule", "STD", None) \
        and "new_price" not in rule_line
    impact = act("ledger.price_adjustment_impact", sheet=draft["sheet_no"])
    assert impact["priced_anew_count"] == 2 and {e["customer"] for e in impact["priced_anew"]} == {"D00001", "D00002"}
    assert impact["coverage_loss_count"] == 0 and impact["largest_cut_pct"] == 0.0
    approved = _approve(act, draft)
    made = approved["lines"]
    assert made[0]["new_item_id"] and made[1]["new_rule_id"] and approved["status"] == "approved"
    with pytest.raises(BusinessRuleViolation) as before:
        _quote(act, "D00002", "S10", "2026-11-30")
    assert before.value.code == "no_price"
    assert _quote(act, "D00002", "S10", EFFECTIVE)["unit_price"] == "88.80000000"
    rule = db.session.get(PriceRule, made[1]["new_rule_id"])
    assert (rule.valid_from, rule.valid_to, rule.price_list_id, rule.priority) == (date(2026, 12, 1), None, world.standard.id, 100)
    assert all_invariants_hold()


def test_a_new_item_for_what_the_list_already_prices_is_refused(world, act):
    with pytest.raises(BusinessRuleViolation) as raised:
        _draft(act, [{"kind": "new_item", "material": "V10", "new_price": "30"}])
    assert raised.value.code == "item_exists"
    # another quantity break of the same material is a new item
    draft = _draft(act, [{"kind": "new_item", "material": "V10", "min_qty": 50, "new_price": "19"}])
    assert draft["lines"][0]["unit"] == "kg"
    # an item that starts after the effective date would overlap the new one too
    _approve(act, _draft(act, [{"kind": "new_item", "material": "P200", "new_price": "1000"}], effective="2026-12-10",
                         instance_id=901), instance_id=901)
    with pytest.raises(BusinessRuleViolation) as later:
        _draft(act, [{"kind": "new_item", "material": "P200", "new_price": "990"}])
    assert later.value.code == "item_exists"


def test_retargeting_a_rule_closes_it_and_opens_a_new_version(world, act):
    rule = _rule(world, customer_class=world.dealer, material_class=world.pumps)
    draft = _draft(act, [{"kind": "retarget_rule", "rule": rule.id, "to_price_list": "KEY"}])
    line = draft["lines"][0]
    assert (line["customer_class"], line["material_class"], line["old_target"], line["to_price_list"]) == \
        ("DEALER", "PUMP", "STD", "KEY")
    impact = act("ledger.price_adjustment_impact", sheet=draft["sheet_no"])
    moved = {(e["customer"], e["material"]): (e["old_price"], e["new_price"]) for e in impact["price_moves"]}
    assert moved[("D00002", "P200")] == ("1130.00000000", "900.00000000")
    assert impact["largest_cut_pct"] > 20 and "D00002" in impact["moved_customers"]
    approved = _approve(act, draft)
    assert _quote(act, "D00002", "P200", "2026-11-30")["unit_price"] == "1130.00000000"
    assert _quote(act, "D00002", "P200", EFFECTIVE)["unit_price"] == "900.00000000"
    new = db.session.get(PriceRule, approved["lines"][0]["new_rule_id"])
    db.session.refresh(rule)
    assert (rule.valid_from, rule.valid_to, rule.price_list_id, rule.active) == (date(2026, 1, 1), date(2026, 12, 1),
                                                                                   world.standard.id, True)
    assert (new.customer_class_id, new.material_class_id, new.priority, new.valid_from, new.price_list_id) == \
        (world.dealer.id, world.pumps.id, rule.priority, date(2026, 12, 1), world.key.id)
    assert all_invariants_hold()


def test_a_strategy_is_switched_off_for_a_class_by_retargeting_its_rule_to_a_list(world, act):
    strategy = PricingStrategy(code="DLR10", name="经销九折", base_price_list=world.standard, method="discount",
                               rate=Decimal("10"), valid_from=date(2026, 1, 1), active=True)
    db.session.add(strategy)
    db.session.flush()
    on = _draft(act, [{"kind": "retarget_rule", "customer_class": "DEALER", "material_class": "VALVE",
                       "to_strategy": "DLR10"}], effective="2026-11-15")
    _approve(act, on)
    assert _quote(act, "D00002", "V10", "2026-11-20")["strategy"] == "DLR10"
    off = _draft(act, [{"kind": "retarget_rule", "customer_class": "DEALER", "material_class": "VALVE",
                        "to_price_list": "STD"}], instance_id=901)
    _approve(act, off, instance_id=901)
    assert _quote(act, "D00002", "V10", "2026-11-20")["unit_price"] == "18.00"
    after = _quote(act, "D00002", "V10", EFFECTIVE)
    assert (after["unit_price"], after["strategy"]) == ("20.00500000", None)
    assert len(db.session.scalars(select(PriceRule).where(PriceRule.material_class_id == world.valves.id,
                                                          PriceRule.customer_class_id == world.dealer.id)).all()) == 3


def test_ending_a_rule_leaves_a_gap_the_impact_names_and_the_coverage_check_finds(world, act):
    rule = _rule(world, customer_class=world.dealer, material_class=world.valves)
    draft = _draft(act, [{"kind": "end_rule", "rule": rule.id}])
    impact = act("ledger.price_adjustment_impact", sheet=draft["sheet_no"])
    assert {(e["customer"], e["material"], e["code"]) for e in impact["coverage_losses"]} == \
        {("D00001", "V10", "no_price"), ("D00002", "V10", "no_price")}
    assert impact["classes_losing_price"] == ["DEALER", "DEALER_PROV"]
    _approve(act, draft)
    assert {(g["customer"], g["material"]) for g in coverage_gaps(date(2026, 12, 1))} == {("D00001", "V10"), ("D00002", "V10")}
    assert coverage_gaps(date(2026, 11, 30)) == []
    assert _quote(act, "D00002", "V10", "2026-11-30")["unit_price"] == "20.00500000"


def test_the_nc_rule_is_checked_on_the_rules_the_sheet_would_leave(world, act):
    """VALVE → DEALER today: a second customer class for VALVE is refused,
    unless the same sheet ends the DEALER rule from the same day."""
    with pytest.raises(BusinessRuleViolation) as raised:
        _draft(act, [{"kind": "add_rule", "customer_class": "DIRECT", "material_class": "VALVE", "to_price_list": "KEY"}])
    assert raised.value.code == "nc_class_rule"
    rule = _rule(world, customer_class=world.dealer, material_class=world.valves)
    draft = _draft(act, [{"kind": "end_rule", "rule": rule.id},
                         {"kind": "add_rule", "customer_class": "DIRECT", "material_class": "VALVE", "to_price_list": "KEY"}])
    assert _approve(act, draft)["status"] == "approved"
    assert all_invariants_hold()


def test_a_tie_the_sheet_would_create_is_refused(world, act):
    with pytest.raises(BusinessRuleViolation) as raised:
        _draft(act, [{"kind": "add_rule", "customer_class": "DEALER", "material_class": "PUMP", "to_price_list": "KEY"}])
    assert raised.value.code == "price_rule_tie"


def test_an_nc_breach_made_by_another_sheet_between_draft_and_approval_is_refused_at_approval(world, act):
    _seal(world)
    first = _draft(act, [{"kind": "add_rule", "customer_class": "DIRECT", "material_class": "SEAL"}])
    second = _draft(act, [{"kind": "add_rule", "customer_class": "DEALER", "material_class": "SEAL"}], instance_id=901)
    _approve(act, second, instance_id=901)
    with pytest.raises(BusinessRuleViolation) as raised:
        _approve(act, first)
    assert raised.value.code == "nc_class_rule"


@pytest.mark.parametrize("line, code", [
    ({"kind": "end_rule", "rule": 99999}, "unknown_price_rule"),
    ({"kind": "end_rule", "rule": "x"}, "unknown_price_rule"),
    ({"kind": "end_rule", "customer_class": "DIRECT", "material_class": "PUMP"}, "unknown_price_rule"),
    ({"kind": "retarget_rule", "customer_class": "DEALER", "material_class": "PUMP"}, "price_rule_source"),
    ({"kind": "retarget_rule", "customer_class": "DEALER", "material_class": "PUMP", "to_price_list": "STD"}, "same_target"),
    ({"kind": "retarget_rule", "customer_class": "DEALER", "material_class": "PUMP", "to_strategy": "NOPE"},
     "unknown_pricing_strategy"),
    ({"kind": "add_rule", "customer_class": "NOPE", "material_class": "PUMP"}, "unknown_customer_class"),
    ({"kind": "add_rule", "customer_class": "DIRECT", "material_class": "PUMP", "priority": "-1"}, "invalid_priority"),
    ({"kind": "new_item", "material_class": "VALVE", "new_price": "1"}, "price_item_target"),
    ({"kind": "new_item", "material": "P200", "min_qty": 5}, "invalid_price"),
    ({"kind": "new_item", "material": "P200", "min_qty": 5, "new_price": "-2"}, "invalid_price"),
    ({"kind": "raise_everything", "material": "P200"}, "invalid_line_kind"),
])
def test_rule_and_item_lines_that_break_a_rule(world, act, line, code):
    with pytest.raises(BusinessRuleViolation) as raised:
        _draft(act, [line])
    assert raised.value.code == code


def test_two_lines_on_one_rule_are_one_too_many(world, act):
    rule = _rule(world, customer_class=world.dealer, material_class=world.pumps)
    with pytest.raises(BusinessRuleViolation) as raised:
        _draft(act, [{"kind": "end_rule", "rule": rule.id}, {"kind": "retarget_rule", "rule": rule.id, "to_price_list": "KEY"}])
    assert raised.value.code == "duplicate_line"


@pytest.mark.parametrize("first_line", [{"kind": "end_rule"}, {"kind": "retarget_rule", "to_price_list": "KEY"}])
def test_a_sheet_approved_after_another_changed_the_same_rule_is_stale(world, act, first_line):
    rule = _rule(world, customer_class=world.dealer, material_class=world.pumps)
    first = _draft(act, [{**first_line, "rule": rule.id}], effective="2026-12-10")
    second = _draft(act, [{"kind": "retarget_rule", "rule": rule.id, "to_price_list": "KEY"}], instance_id=901)
    _approve(act, first)
    with pytest.raises(BusinessRuleViolation) as raised:
        _approve(act, second, instance_id=901)
    assert raised.value.code == "stale_adjustment"
    assert _quote(act, "D00002", "P200", "2026-12-05")["unit_price"] == "1130.00000000"


def test_a_new_item_another_sheet_added_first_makes_the_later_sheet_stale(world, act):
    first = _draft(act, [{"kind": "new_item", "material": "P200", "new_price": "1000"}])
    second = _draft(act, [{"kind": "new_item", "material": "P200", "new_price": "990"}], instance_id=901)
    _approve(act, first)
    with pytest.raises(BusinessRuleViolation) as raised:
        _approve(act, second, instance_id=901)
    assert raised.value.code == "stale_adjustment"
    assert db.session.scalar(select(PriceItem.unit_price).where(PriceItem.material_id == world.p200.id)) == Decimal("1000")


def test_a_rule_that_priced_a_later_order_is_not_closed_behind_it(world, act):
    act("ledger.create_sales_order", customer="D00002", lines=[{"material": "V10", "qty": 1}], date="2026-12-05")
    rule = _rule(world, customer_class=world.dealer, material_class=world.valves)
    draft = _draft(act, [{"kind": "retarget_rule", "rule": rule.id, "to_price_list": "KEY"}])
    impact = act("ledger.price_adjustment_impact", sheet=draft["sheet_no"])
    assert impact["order_count"] == 1 and impact["orders_priced_after"][0]["sheet_line"] == 1
    with pytest.raises(BusinessRuleViolation) as raised:
        _approve(act, draft)
    assert raised.value.code == "orders_priced_after_effective_date"
    db.session.refresh(rule)
    assert rule.valid_to is None
    assert all_invariants_hold()
