"""F16 price adjustment with the real diagram: marketing drafts a sheet for
the standard list, the approvers read its impact, the director approves
(the general manager too beyond the decision table's 5 % cut / 20 % rise),
the ledger closes the old items with the approver of record, the coverage
check runs and the salespeople are told. Every rejection and every refusal
goes back to the drafter, who revises or withdraws. And the attacks: a
forged approver, someone outside the lane, the drafter approving."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import (
    InstanceStatus, Material, MaterialClass, Notification, PriceAdjustmentSheet, PriceItem, PriceList, PriceRule, User,
)
from tests.support.ledger_harness import all_invariants_hold

EFFECTIVE = "2026-12-15"
PUMP = "PCF001"  # 单级离心泵 IS50-32-125, 1,280.00 on the standard list


def _sheet(new_price=1241.60, **extra):
    return {"price_list": "STD", "effective_date": EFFECTIVE, "reason": "原材料价格变动，年末调价",
            "lines": [{"material": PUMP, "new_price": new_price}], **extra}


def _quote(act, day):
    return act("ledger.quote", customer=_std_customer(), lines=[{"material": PUMP, "qty": 1}], date=day)["lines"][0]["unit_price"]


def _std_customer():
    """A direct customer: priced from the standard list through its class rule."""
    from app.models import Customer

    return db.session.scalar(select(Customer.code).where(Customer.channel == "direct").order_by(Customer.code).limit(1))


def _status(instance):
    return db.session.scalar(select(PriceAdjustmentSheet.status).where(
        PriceAdjustmentSheet.number == instance.data["draft_result"]["sheet_no"]))


def test_a_small_cut_is_approved_by_the_director_and_the_reps_are_told(sales, act):
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    impact = instance.data["impact"]
    assert [(line["material"], line["old_price"], line["new_price"], line["change_pct"]) for line in impact["lines"]] == \
        [(PUMP, "1280.00000000", "1241.60000000", "-3.00")]
    assert (impact["largest_cut_pct"], impact["largest_rise_pct"], impact["order_count"]) == (3.0, 0.0, 0)
    assert impact["customer_classes"] == ["ALL"] and _std_customer() in impact["customers"]
    review = sales.task(instance, "Task_DirectorApproval")
    assert review.candidate_role == "sales_director" and review.is_approval
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["gm_approval_required"] is False
    assert instance.status is InstanceStatus.completed, sales.ready_elements(instance)
    decided = instance.data["decision_result"]
    assert decided["ok"] and decided["status"] == "approved" and decided["decided_by"] == "director"
    assert instance.data["coverage"]["gap_count"] == 0
    assert _quote(act, "2026-12-14") == "1280.00000000" and _quote(act, EFFECTIVE) == "1241.60000000"
    told = set(db.session.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                                  .where(Notification.kind == "price_changed")))
    assert told == set(instance.data["announcement"]["notified"]) and {"rep_east1", "rep_south1"} <= told
    assert all_invariants_hold()


def test_a_deep_cut_needs_the_general_manager_who_is_the_approver_of_record(sales, act):
    instance = sales.start("price_adjustment", _sheet(1152), "sales_admin")  # -10 %
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["gm_approval_required"] is True and _status(instance) == "draft"
    sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.status is InstanceStatus.completed, instance.error_message
    assert instance.data["decision_result"]["decided_by"] == "gm"
    assert _quote(act, EFFECTIVE) == "1152.00000000"
    assert all_invariants_hold()


def test_a_steep_rise_needs_the_general_manager_too(sales):
    instance = sales.start("price_adjustment", _sheet(1600), "marketing")  # +25 %
    assert instance.data["impact"]["largest_rise_pct"] == 25.0
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert sales.ready_elements(instance) == ["Task_GMApproval"]


@pytest.mark.parametrize("step, approvers", [
    ("Task_DirectorApproval", [("Task_DirectorApproval", "director")]),
    ("Task_GMApproval", [("Task_DirectorApproval", "director"), ("Task_GMApproval", "gm")]),
])
def test_a_rejection_cancels_nothing_until_the_drafter_revises_and_a_new_draft_replaces_the_old(sales, act, step, approvers):
    instance = sales.start("price_adjustment", _sheet(1152), "marketing")
    first = instance.data["draft_result"]["sheet_no"]
    for element, person in approvers[:-1]:
        sales.approve(instance, element, person)
    sales.reject(instance, step, approvers[-1][1], "降幅过大，请调整到 5% 以内")
    assert sales.ready_elements(instance) == ["Task_ReviseSheet"]
    assert sales.task(instance, "Task_ReviseSheet").assignee_id == db.session.scalar(
        select(User.id).where(User.username == "marketing"))
    sales.complete(instance, "Task_ReviseSheet", "marketing", {**_sheet(1230), "action": "resubmit"})
    second = instance.data["draft_result"]["sheet_no"]
    assert second != first
    assert db.session.scalar(select(PriceAdjustmentSheet.status).where(PriceAdjustmentSheet.number == first)) == "cancelled"
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.status is InstanceStatus.completed and instance.data["gm_approval_required"] is False
    assert _quote(act, EFFECTIVE) == "1230.00000000"
    assert all_invariants_hold()


def test_the_drafter_withdraws_and_no_price_changes(sales, act):
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    sales.reject(instance, "Task_DirectorApproval", "director")
    sales.complete(instance, "Task_ReviseSheet", "marketing", {**_sheet(), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed
    assert instance.data["withdraw_result"]["cancelled"] == [instance.data["draft_result"]["sheet_no"]]
    assert _status(instance) == "cancelled" and _quote(act, EFFECTIVE) == "1280.00000000"


def test_a_refused_draft_goes_back_to_the_drafter(sales):
    instance = sales.start("price_adjustment", _sheet(lines=[{"material": "NOPE", "new_price": 1}]), "marketing")
    assert instance.data["draft_result"]["error"]["code"] == "unknown_material"
    assert sales.ready_elements(instance) == ["Task_ReviseSheet"]
    sales.complete(instance, "Task_ReviseSheet", "marketing", {**_sheet(), "action": "resubmit"})
    assert sales.ready_elements(instance) == ["Task_DirectorApproval"]


def test_an_effective_date_in_a_closed_period_is_refused(sales):
    from app.ledger.journal import close_period

    close_period("2026-11")
    instance = sales.start("price_adjustment", _sheet(effective_date="2026-11-20"), "marketing")
    assert instance.data["draft_result"]["error"]["code"] == "period_closed"
    assert sales.ready_elements(instance) == ["Task_ReviseSheet"]


def _break_the_nc_rule():
    """A rule saved around the checks (imported, say) maps PUMP to a second customer class."""
    from app.models import CustomerClass

    db.session.add(PriceRule(price_list_id=db.session.scalar(select(PriceList.id).where(PriceList.code == "STD")),
                             customer_class_id=db.session.scalar(select(CustomerClass.id).where(CustomerClass.code == "DIRECT")),
                             material_class_id=db.session.scalar(select(MaterialClass.id).where(MaterialClass.code == "PUMP")),
                             priority=50, valid_from=date(2026, 1, 1), active=True))
    db.session.flush()


def _stale():
    """Another sheet approved meanwhile moved the same item."""
    from app.ledger.adjustments import approve_sheet, draft_sheet

    other = draft_sheet("STD", date(2026, 12, 10), [{"material": PUMP, "new_price": "1250"}], reason="另一张调价单",
                        created_by_id=None, source_key="0:other:draft")
    approve_sheet(other, db.session.scalar(select(User).where(User.username == "gm")), source_key="0:other:approve")


def _order_after_effective_date(act):
    act("ledger.create_sales_order", customer=_std_customer(), lines=[{"material": PUMP, "qty": 1}], date="2026-12-20")


@pytest.mark.parametrize("spoil, code", [
    (lambda act: _break_the_nc_rule(), "nc_class_rule"),
    (lambda act: _stale(), "stale_adjustment"),
    (_order_after_effective_date, "orders_priced_after_effective_date"),
])
def test_a_refused_approval_goes_back_to_the_drafter_and_changes_no_price(sales, act, spoil, code):
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    spoil(act)
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["decision_result"]["error"]["code"] == code
    assert sales.ready_elements(instance) == ["Task_ReviseSheet"] and _status(instance) == "draft"
    assert db.session.scalar(select(PriceItem.id).where(PriceItem.valid_from == date(2026, 12, 15))) is None
    sales.complete(instance, "Task_ReviseSheet", "marketing", {**_sheet(), "action": "withdraw"})
    assert _status(instance) == "cancelled"
    for planted in db.session.scalars(select(PriceRule).where(PriceRule.priority == 50)):
        planted.active = False  # the configuration is fixed again: the books themselves were never touched
    assert all_invariants_hold()


def test_an_order_already_priced_after_the_effective_date_is_in_the_impact(sales, act):
    _order_after_effective_date(act)
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    [order] = instance.data["impact"]["orders_priced_after"]
    assert (order["order_date"], order["sheet_line"], instance.data["impact"]["order_count"]) == ("2026-12-20", 1, 1)


def test_a_coverage_gap_becomes_a_task_for_sales_admin_until_it_is_closed(sales, act):
    from app.ledger.pricing import add_price_item

    motors = db.session.scalar(select(MaterialClass).where(MaterialClass.code == "MOTOR"))
    new_motor = Material(code="MTR900", name="新电机", spec="YE3-200L-2 37kW", material_class=motors, unit="台", qty_scale=0,
                         tax_rate=Decimal("0.13"), standard_cost=Decimal("6000"))
    db.session.add(new_motor)
    db.session.flush()
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    sales.approve(instance, "Task_DirectorApproval", "director")
    coverage = instance.data["coverage"]
    assert coverage["gap_count"] > 0 and {gap["material"] for gap in coverage["gaps"]} == {"MTR900"}
    gap_task = sales.task(instance, "Task_CloseCoverageGap")
    assert gap_task.candidate_role == "sales_admin"
    add_price_item(price_list=db.session.scalar(select(PriceList).where(PriceList.code == "STD")), material=new_motor,
                   unit_price="9800", valid_from=date(2026, 12, 1))
    sales.complete(instance, "Task_CloseCoverageGap", "sales_admin", {"resolution": "已补标准价", "action": "recheck"})
    assert instance.data["coverage"]["gap_count"] == 0
    assert instance.status is InstanceStatus.completed and instance.data["announcement"]["notified"]


def test_gaps_may_be_accepted_with_a_reason(sales):
    motors = db.session.scalar(select(MaterialClass).where(MaterialClass.code == "MOTOR"))
    db.session.add(Material(code="MTR901", name="试制电机", spec="样机", material_class=motors, unit="台", qty_scale=0,
                            tax_rate=Decimal("0.13"), standard_cost=Decimal("1")))
    db.session.flush()
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.complete(instance, "Task_CloseCoverageGap", "sales_admin", {"resolution": "样机不对外销售", "action": "accept"})
    assert instance.status is InstanceStatus.completed


# --- attacks -----------------------------------------------------------------------------------------------------

def test_a_forged_approver_is_refused_at_every_form(sales):
    with pytest.raises(ValidationFailed):
        sales.start("price_adjustment", _sheet(approved_by="gm"), "marketing")
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_DirectorApproval", "director",
                       {"decision": "approve", "comment": "同意", "approved_by": "gm"})
    sales.approve(instance, "Task_DirectorApproval", "director")
    assert instance.data["decision_result"]["decided_by"] == "director"


def test_nobody_outside_the_lane_approves(sales):
    instance = sales.start("price_adjustment", _sheet(), "marketing")
    for outsider in ("rep_east1", "marketing", "sales_admin"):
        with pytest.raises(Forbidden):
            sales.approve(instance, "Task_DirectorApproval", outsider)
    assert _status(instance) == "draft"


def test_a_director_who_drafts_does_not_approve_the_sheet(sales):
    instance = sales.start("price_adjustment", _sheet(), "director")
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_DirectorApproval", "director")


@pytest.mark.parametrize("starter", ["rep_east1", "finance", "auditor"])
def test_only_marketing_sales_admin_and_the_director_start_it(sales, starter):
    with pytest.raises(Forbidden):
        sales.start("price_adjustment", _sheet(), starter)
