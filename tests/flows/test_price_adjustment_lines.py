"""F16 sheets that add items and change matching rules (issue 21), with the
real diagram: a new product's item and a rule pointed at a pricing strategy
go through approval, orders dated before the effective date keep the old
price and those from it are priced by the new item and the strategy; a rule
ended leaves a coverage gap, which becomes the sales office's task; an NC
breach the sheet would create and a rule another sheet changed meanwhile go
back to the drafter. And the attacks: a forged approver, a rep starting F16."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import (
    Customer, InstanceStatus, Material, MaterialClass, PriceAdjustmentSheet, PriceList, PriceRule, PricingStrategy,
    SalesOrder,
)
from tests.support.ledger_harness import all_invariants_hold

EFFECTIVE = "2026-12-15"
NEW_MOTOR = "MTR950"


def _direct_customer():
    return db.session.scalar(select(Customer.code).where(Customer.channel == "direct").order_by(Customer.code).limit(1))


def _new_motor_and_strategy():
    """A motor nothing prices yet, and a 3 % discount on the standard list."""
    motors = db.session.scalar(select(MaterialClass).where(MaterialClass.code == "MOTOR"))
    db.session.add(Material(code=NEW_MOTOR, name="高效电机", spec="YE4-250M-2 55kW", material_class=motors, unit="台",
                            qty_scale=0, tax_rate=Decimal("0.13"), standard_cost=Decimal("9000")))
    db.session.add(PricingStrategy(code="MTR97", name="电机九七折", method="discount", rate=Decimal("3"), active=True,
                                   base_price_list=db.session.scalar(select(PriceList).where(PriceList.code == "STD")),
                                   valid_from=date(2026, 1, 1)))
    db.session.commit()  # a refused start rolls its use case back: the master data stays


def _sheet(lines, **extra):
    return {"price_list": "STD", "effective_date": EFFECTIVE, "reason": "新品电机上市，电机改按九七折", "lines": lines, **extra}


MIXED = [{"kind": "new_item", "material": NEW_MOTOR, "new_price": 12000},
         {"kind": "retarget_rule", "customer_class": "ALL", "material_class": "MOTOR", "to_strategy": "MTR97"}]


def _without(line: dict, key: str) -> dict:
    return {name: value for name, value in line.items() if name != key}


def _order(act, material, day):
    made = act("ledger.create_sales_order", customer=_direct_customer(), lines=[{"material": material, "qty": 1}], date=day)
    return db.session.scalar(select(SalesOrder).where(SalesOrder.number == made["order_no"])), made


def test_a_new_item_and_a_retargeted_rule_price_orders_from_the_effective_date(sales, act):
    _new_motor_and_strategy()
    before, _ = _order(act, "MTR001", "2026-12-14")  # priced before the sheet exists: the standard price
    instance = sales.start("price_adjustment", _sheet(MIXED), "marketing")
    impact = instance.data["impact"]
    assert [line["kind"] for line in impact["lines"]] == ["new_item", "retarget_rule"]
    assert impact["priced_anew_count"] > 0 and {e["material"] for e in impact["priced_anew"]} == {NEW_MOTOR}
    assert impact["price_move_count"] > 0 and impact["largest_cut_pct"] == 3.0 and impact["coverage_loss_count"] == 0
    assert instance.data["impact"]["orders_priced_after"] == []
    sales.approve(instance, "Task_DirectorApproval", "director")  # a 3 % cut: the director alone
    assert instance.status is InstanceStatus.completed, sales.ready_elements(instance)
    decided = instance.data["decision_result"]
    assert decided["status"] == "approved" and decided["decided_by"] == "director"
    new_item_id, new_rule_id = decided["lines"][0]["new_item_id"], decided["lines"][1]["new_rule_id"]
    assert instance.data["coverage"]["gap_count"] == 0
    # every customer is priced by ALL × MOTOR: their salespeople are told, with the lines in words
    assert {"rep_east1", "rep_south1"} <= set(instance.data["announcement"]["notified"])
    # before the effective date: the new motor has no price, the old ones their standard price
    with pytest.raises(BusinessRuleViolation) as unpriced:
        act("ledger.quote", customer=_direct_customer(), lines=[{"material": NEW_MOTOR, "qty": 1}], date="2026-12-14")
    assert unpriced.value.code == "no_price"
    again, made_before = _order(act, "MTR001", "2026-12-14")
    assert again.lines[0].unit_price == before.lines[0].unit_price == Decimal("980") and \
        made_before["lines"][0]["strategy"] is None
    # from it: the new item, through the strategy the rule now points at
    order, made = _order(act, NEW_MOTOR, EFFECTIVE)
    line = order.lines[0]
    assert (line.price_item_id, line.price_rule_id, line.unit_price) == (new_item_id, new_rule_id, Decimal("11640"))
    assert made["lines"][0]["strategy"] == "MTR97"
    old_motor, _ = _order(act, "MTR001", EFFECTIVE)
    assert old_motor.lines[0].unit_price == Decimal("950.60")
    assert all_invariants_hold()


def test_an_ended_rule_leaves_a_gap_the_sales_office_is_given(sales):
    instance = sales.start("price_adjustment", _sheet([{"kind": "end_rule", "customer_class": "ALL",
                                                        "material_class": "PARTS"}]), "sales_admin")
    impact = instance.data["impact"]
    assert impact["coverage_loss_count"] > 0 and impact["classes_losing_price"]
    assert {e["material"][:3] for e in impact["coverage_losses"]} <= {"PRT", "PRG"}
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["coverage"]["gap_count"] == impact["coverage_loss_count"]
    gap_task = sales.task(instance, "Task_CloseCoverageGap")
    assert gap_task.candidate_role == "sales_admin"
    sales.complete(instance, "Task_CloseCoverageGap", "sales_admin", {"resolution": "配件改为随维修单报价", "action": "accept"})
    assert instance.status is InstanceStatus.completed


def test_an_nc_breach_the_sheet_would_create_goes_back_to_the_drafter(sales):
    """PUMP maps to ALL: a rule mapping it to DIRECT too is refused when drafted."""
    breach = [{"kind": "add_rule", "customer_class": "DIRECT", "material_class": "PUMP", "to_price_list": "DEALER"}]
    instance = sales.start("price_adjustment", _sheet(breach), "marketing")
    assert instance.data["draft_result"]["error"]["code"] == "nc_class_rule"
    assert sales.ready_elements(instance) == ["Task_ReviseSheet"]
    # ending ALL × PUMP on the same day makes it a move, not a breach
    moved = [{"kind": "end_rule", "customer_class": "ALL", "material_class": "PUMP"}, *breach]
    sales.complete(instance, "Task_ReviseSheet", "marketing", {**_sheet(moved), "action": "resubmit"})
    assert "error" not in instance.data["draft_result"] and sales.ready_elements(instance) == ["Task_DirectorApproval"]


def test_a_rule_another_sheet_changed_meanwhile_makes_the_approval_stale(sales):
    _new_motor_and_strategy()
    retarget = [MIXED[1]]
    first = sales.start("price_adjustment", _sheet(retarget), "marketing")
    second = sales.start("price_adjustment", _sheet([{**_without(MIXED[1], "to_strategy"), "to_price_list": "DEALER"}]),
                         "sales_admin")
    sales.approve(first, "Task_DirectorApproval", "director")
    assert first.data["decision_result"]["status"] == "approved"
    sales.approve(second, "Task_DirectorApproval", "director")
    assert second.data["gm_approval_required"] is True  # the dealer list is far below the standard one
    sales.approve(second, "Task_GMApproval", "gm")
    assert second.data["decision_result"]["error"]["code"] == "stale_adjustment"
    assert sales.ready_elements(second) == ["Task_ReviseSheet"]
    assert db.session.scalar(select(PriceAdjustmentSheet.status).where(
        PriceAdjustmentSheet.number == second.data["draft_result"]["sheet_no"])) == "draft"
    assert db.session.scalar(select(PriceRule.id).where(PriceRule.price_list.has(code="DEALER"),
                                                       PriceRule.valid_from == date(2026, 12, 15))) is None


# --- attacks -----------------------------------------------------------------------------------------------------

def test_a_drafter_forging_the_approver_is_refused(sales):
    _new_motor_and_strategy()
    with pytest.raises(ValidationFailed):
        sales.start("price_adjustment", _sheet(MIXED, approved_by="gm"), "marketing")
    with pytest.raises(ValidationFailed):
        sales.start("price_adjustment", _sheet([{**MIXED[1], "approved_by": "gm"}]), "marketing")
    instance = sales.start("price_adjustment", _sheet(MIXED), "marketing")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_DirectorApproval", "director",
                       {"decision": "approve", "comment": "同意", "approved_by": "gm"})
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["decision_result"]["decided_by"] == "director"


def test_a_rep_may_not_start_it_to_change_rules(sales):
    with pytest.raises(Forbidden):
        sales.start("price_adjustment", _sheet([{"kind": "end_rule", "customer_class": "ALL", "material_class": "PUMP"}]),
                    "rep_east1")
    assert db.session.scalar(select(PriceAdjustmentSheet.id)) is None
