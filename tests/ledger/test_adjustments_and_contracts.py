"""Price adjustment sheets (F16) and contracts as master data."""
from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, PriceAdjustment, PriceItem
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import all_invariants_hold, new_call

SHA = "a" * 64


def test_approving_an_adjustment_closes_the_old_item_and_inserts_the_new(world, act):
    before = act("ledger.create_sales_order", customer="D00002", lines=[{"material": "V10", "qty": 1}], date="2026-11-30")
    call = new_call("ledger.apply_price_adjustment")
    params = dict(price_list="STD", material="V10", new_price="21.5", effective_date="2026-12-01",
                  approved_by="director_test", reason="原材料涨价")
    sheet = act("ledger.apply_price_adjustment", call=call, **params)
    assert act("ledger.apply_price_adjustment", call=call, **params) == sheet  # replayed: one sheet
    assert (sheet["old_price"], sheet["new_price"], sheet["effective_date"], sheet["approved_by"]) == \
        ("20.00500000", "21.50000000", "2026-12-01", "director_test")
    old, new = db.session.get(PriceItem, sheet["old_item_id"]), db.session.get(PriceItem, sheet["new_item_id"])
    assert (old.valid_to, new.valid_from, new.valid_to) == (date(2026, 12, 1), date(2026, 12, 1), None)
    assert db.session.scalar(select(PriceAdjustment.reason)) == "原材料涨价"
    quote = lambda day: act("ledger.quote", customer="D00002", lines=[{"material": "V10", "qty": 1}], date=day)  # noqa: E731
    assert quote("2026-11-30")["lines"][0]["unit_price"] == "20.00500000"
    assert quote("2026-12-01")["lines"][0]["unit_price"] == "21.50000000"
    assert before["lines"][0]["unit_price"] == "20.00500000"
    assert all_invariants_hold()  # the November order still has a price valid on its date


@pytest.mark.parametrize("params, code", [
    ({"effective_date": "2025-06-01"}, "no_price_item"),
    ({"effective_date": "2026-01-01"}, "invalid_adjustment"),  # the item's own first day: nothing to close
    ({"material": "NOPE"}, "unknown_material"),
    ({"price_list": "NOPE"}, "unknown_price_list"),
    ({"approved_by": "nobody"}, "unknown_user"),
    ({"new_price": "-1"}, "invalid_price"),
])
def test_adjustments_that_break_a_rule(world, act, params, code):
    base = dict(price_list="STD", material="V10", new_price="21", effective_date="2026-12-01", approved_by="director_test")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.apply_price_adjustment", **{**base, **params})
    assert raised.value.code == code


def _contract(act, **extra):
    params = dict(customer="D00001", number="HT-2026-001", amount_cap="5000", valid_from="2026-11-01", valid_to="2027-11-01",
                  price_terms="按经销商协议价", payment_terms="月结30天", payment_days=30,
                  attachments=[{"name": "合同扫描件.pdf", "type": "application/pdf", "size": 183422, "sha256": SHA}])
    return act("ledger.register_contract", **{**params, **extra})


def test_contract_is_master_data_and_orders_stay_within_it(world, act):
    contract = _contract(act)
    assert contract["attachments"] == [{"name": "合同扫描件.pdf", "type": "application/pdf", "size": 183422, "sha256": SHA}]
    assert contract["used"] == "0.00" and contract["customer"] == "D00001"
    line = [{"material": "P200", "qty": 4}]  # 4520.00
    act("ledger.create_sales_order", customer="D00001", lines=line, date="2026-11-03", contract_number="HT-2026-001")
    for customer, day, code in [("D00001", "2026-11-04", "contract_cap_exceeded"),
                                ("D00002", "2026-11-04", "contract_customer"),
                                ("D00001", "2027-11-01", "contract_expired")]:
        with pytest.raises(BusinessRuleViolation) as raised:
            act("ledger.create_sales_order", customer=customer, lines=[{"material": "P200", "qty": 1}], date=day,
                contract_number="HT-2026-001")
        assert raised.value.code == code
    # an unregistered (paper) contract number passes
    act("ledger.create_sales_order", customer="D00001", lines=line, date="2026-11-04", contract_number="纸质-88")
    assert db.session.scalar(select(Contract.amount_cap)) == 5000


@pytest.mark.parametrize("extra, code", [
    ({"attachments": [{"name": "x.pdf", "type": "application/pdf", "size": 1, "sha256": "xyz"}]}, "invalid_attachment"),
    ({"attachments": [{"name": "x.pdf", "type": "application/pdf", "size": "1", "sha256": SHA}]}, "invalid_attachment"),
    ({"amount_cap": "0"}, "invalid_amount"),
    ({"valid_to": "2026-10-01"}, "invalid_validity"),
    ({"customer": "NOPE"}, "unknown_customer"),
])
def test_contracts_that_break_a_rule(world, act, extra, code):
    with pytest.raises(BusinessRuleViolation) as raised:
        _contract(act, **extra)
    assert raised.value.code == code


def test_a_contract_number_is_registered_once(world, act):
    _contract(act)
    with pytest.raises(BusinessRuleViolation) as raised:
        _contract(act)
    assert raised.value.code == "duplicate_contract"


def test_an_amendment_is_a_new_version_and_orders_follow_the_version_of_their_date(world, act):
    _contract(act)  # cap 5000 from 2026-11-01 to 2027-11-01
    act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 4}], date="2026-11-03",
        contract_number="HT-2026-001")  # 4520.00 used
    call = new_call("ledger.amend_contract")
    params = dict(contract="HT-2026-001", valid_from="2026-12-01", amount_cap="20000", payment_days=45, reason="追加数量")
    amended = act("ledger.amend_contract", call=call, **params)
    assert act("ledger.amend_contract", call=call, **params) == amended  # replayed: one version
    assert (amended["version"], amended["amount_cap"], amended["payment_days"], amended["valid_to"]) == \
        (2, "20000.00", 45, "2027-11-01")
    assert [(v["version"], v["kind"], v["amount_cap"]) for v in amended["versions"]] == \
        [(1, "sign", "5000.00"), (2, "amend", "20000.00")]
    assert amended["price_terms"] == "按经销商协议价"  # carried over
    # version 1 itself is untouched; an order before the amendment's date still meets the old cap
    assert db.session.scalar(select(Contract.amount_cap)) == 5000
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 1}], date="2026-11-30",
            contract_number="HT-2026-001")
    assert raised.value.code == "contract_cap_exceeded"
    act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 10}], date="2026-12-01",
        contract_number="HT-2026-001")
    assert all_invariants_hold()


def test_closing_a_contract_is_a_record_and_stops_later_orders(world, act):
    _contract(act)
    closed = act("ledger.close_contract", contract="HT-2026-001", date="2026-12-15", reason="客户终止合作")
    assert closed["status"] == "closed" and closed["valid_to"] == "2026-12-15" and closed["versions"][-1]["kind"] == "close"
    act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 1}], date="2026-12-14",
        contract_number="HT-2026-001")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 1}], date="2026-12-15",
            contract_number="HT-2026-001")
    assert raised.value.code == "contract_closed"
    for operation, params in [("ledger.amend_contract", {"valid_from": "2027-01-01", "amount_cap": "9000"}),
                              ("ledger.close_contract", {"date": "2027-01-01", "reason": "再次关闭"})]:
        with pytest.raises(BusinessRuleViolation) as raised:
            act(operation, contract="HT-2026-001", **params)
        assert raised.value.code == "contract_closed"


@pytest.mark.parametrize("params, code", [
    ({"contract": "NOPE"}, "unknown_contract"),
    ({"valid_from": "2026-10-31"}, "invalid_validity"),                     # before version 1 took effect
    ({"valid_to": "2026-12-01"}, "invalid_validity"),                       # ends when it starts
    ({"amount_cap": "0"}, "invalid_amount"),
    ({"amount_cap": "4000"}, "contract_cap_below_used"),                    # 4520.00 already ordered
    ({"valid_from": "2026-13-01"}, "invalid_date"),
])
def test_amendments_that_break_a_rule(world, act, params, code):
    _contract(act)
    act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 4}], date="2026-11-03",
        contract_number="HT-2026-001")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.amend_contract", **{"contract": "HT-2026-001", "valid_from": "2026-12-01", **params})
    assert raised.value.code == code


def test_contract_versions_are_never_changed(world, act):
    from app.models import ContractAmendment, PostedRecordImmutable

    _contract(act)
    act("ledger.amend_contract", contract="HT-2026-001", valid_from="2026-12-01", amount_cap="8000")
    amendment = db.session.scalar(select(ContractAmendment))
    amendment.amount_cap = 1
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def _quote(act, customer, material, day):
    return act("ledger.quote", customer=customer, lines=[{"material": material, "qty": 1}], date=day)["lines"][0]["unit_price"]


def _draft(act, *, actor_id=None, lines=None, effective="2026-12-01", instance_id=900):
    lines = lines or [{"material": "V10", "new_price": "21.5"},
                      {"material_class": "PUMP", "unit": "台", "new_price": "1200"}]
    call = new_call("ledger.draft_price_adjustment", actor_id=actor_id, instance_id=instance_id)
    return act("ledger.draft_price_adjustment", call=call, price_list="STD", effective_date=effective, lines=lines,
               reason="年度调价")


def test_a_sheet_is_a_draft_until_approved_then_closes_material_and_class_items(world, act):
    from app.models import PostedRecordImmutable, PriceAdjustmentSheet

    draft = _draft(act)
    assert draft["status"] == "draft" and draft["sheet_no"].startswith("PS202612-")
    assert [(line["material"], line["material_class"], line["old_price"], line["new_item_id"]) for line in draft["lines"]] == \
        [("V10", None, "20.00500000", None), (None, "PUMP", "1130.00000000", None)]
    assert _quote(act, "D00002", "P200", "2026-12-01") == "1130.00000000"  # a draft changes nothing
    call = new_call("ledger.decide_price_adjustment")
    approved = act("ledger.decide_price_adjustment", call=call, sheet=draft["sheet_no"], decision="approve",
                   approved_by="director_test")
    assert act("ledger.decide_price_adjustment", call=call, sheet=draft["sheet_no"], decision="approve",
               approved_by="director_test") == approved  # replayed: approved once
    assert approved["status"] == "approved" and approved["decided_by"] == "director_test"
    assert all(line["adjustment_no"].startswith("PA202612-") and line["new_item_id"] for line in approved["lines"])
    for line in approved["lines"]:
        old, new = db.session.get(PriceItem, line["old_item_id"]), db.session.get(PriceItem, line["new_item_id"])
        assert (old.valid_to, new.valid_from, new.material_class_id) == (date(2026, 12, 1), date(2026, 12, 1), old.material_class_id)
    assert _quote(act, "D00002", "P200", "2026-11-30") == "1130.00000000"   # the class item, before
    assert _quote(act, "D00002", "P200", "2026-12-01") == "1200.00000000"   # and from the effective date
    assert _quote(act, "D00002", "V10", "2026-12-01") == "21.50000000"
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.decide_price_adjustment", sheet=draft["sheet_no"], decision="reject")
    assert raised.value.code == "not_draft"
    sheet = db.session.scalar(select(PriceAdjustmentSheet))
    sheet.reason = "改"
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_a_rejected_sheet_is_cancelled_and_changes_no_price(world, act):
    draft = _draft(act)
    rejected = act("ledger.decide_price_adjustment", sheet=draft["sheet_no"], decision="reject", approved_by="director_test")
    assert rejected["status"] == "cancelled"
    assert _quote(act, "D00002", "V10", "2026-12-01") == "20.00500000"
    assert db.session.scalar(select(PriceAdjustment.id)) is None


def test_nobody_approves_their_own_sheet(world, act):
    draft = _draft(act, actor_id=world.director.id)
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.decide_price_adjustment", sheet=draft["sheet_no"], decision="approve", approved_by="director_test")
    assert raised.value.code == "own_sheet"


def test_a_sheet_drafted_before_another_was_approved_is_stale(world, act):
    first, second = _draft(act), _draft(act, lines=[{"material": "V10", "new_price": "22"}], instance_id=901)
    act("ledger.decide_price_adjustment", sheet=first["sheet_no"], decision="approve", approved_by="director_test")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.decide_price_adjustment", call=new_call("ledger.decide_price_adjustment", instance_id=901),
            sheet=second["sheet_no"], decision="approve", approved_by="director_test")
    assert raised.value.code == "stale_adjustment"


def test_a_new_draft_of_a_request_replaces_its_open_one_and_withdrawing_cancels_it(world, act):
    from app.models import PriceAdjustmentSheet

    first = _draft(act)
    other_request = _draft(act, instance_id=901)
    revised = _draft(act, lines=[{"material": "V10", "new_price": "22"}])
    status = dict(db.session.execute(select(PriceAdjustmentSheet.number, PriceAdjustmentSheet.status)).all())
    assert (status[first["sheet_no"]], status[other_request["sheet_no"]], status[revised["sheet_no"]]) == \
        ("cancelled", "draft", "draft")
    withdrawn = act("ledger.withdraw_price_adjustment", call=new_call("ledger.withdraw_price_adjustment"))
    assert withdrawn == {"ok": True, "cancelled": [revised["sheet_no"]]}
    assert act("ledger.withdraw_price_adjustment", call=new_call("ledger.withdraw_price_adjustment", instance_id=0)) == \
        {"ok": True, "cancelled": []}  # outside any flow nothing is the caller's draft


def test_approval_checks_the_nc_rule_of_the_active_rules(world, act):
    """A rule saved around the checks (e.g. imported) maps VALVE to a second
    customer class: no sheet is approved into that configuration."""
    from app.models import PriceRule

    draft = _draft(act)
    db.session.add(PriceRule(price_list_id=world.standard.id, customer_class_id=world.direct.id,
                             material_class_id=world.valves.id, priority=50, valid_from=date(2026, 1, 1), active=True))
    db.session.flush()
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.decide_price_adjustment", sheet=draft["sheet_no"], decision="approve", approved_by="director_test")
    assert raised.value.code == "nc_class_rule"
    assert _quote(act, "D00002", "V10", "2026-12-01") == "20.00500000"


def test_an_item_that_priced_a_later_order_is_not_closed_behind_it(world, act):
    act("ledger.create_sales_order", customer="D00002", lines=[{"material": "V10", "qty": 1}], date="2026-12-05")
    draft = _draft(act, lines=[{"material": "V10", "new_price": "22"}])
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.decide_price_adjustment", sheet=draft["sheet_no"], decision="approve", approved_by="director_test")
    assert raised.value.code == "orders_priced_after_effective_date"
    assert all_invariants_hold()


@pytest.mark.parametrize("lines, code", [
    ([], "empty_sheet"),
    ([{"material": "V10", "new_price": "1"}, {"material": "V10", "new_price": "2"}], "duplicate_line"),
    ([{"material": "V10", "new_price": "-1"}], "invalid_price"),
    ([{"material_class": "NOPE", "unit": "台", "new_price": "1"}], "unknown_material_class"),
    ([{"material_class": "VALVE", "unit": "台", "new_price": "1"}], "no_price_item"),
    ([{"material": "V10", "material_class": "PUMP", "new_price": "1"}], "price_item_target"),
])
def test_sheets_that_break_a_rule(world, act, lines, code):
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.draft_price_adjustment", price_list="STD", effective_date="2026-12-01", lines=lines)
    assert raised.value.code == code
