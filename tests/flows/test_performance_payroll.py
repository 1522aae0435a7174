"""F09 performance_review with the real diagram, beyond the scores: who the
review covers (field staff on their sales targets, regional managers, office
and service staff), and the approved rewards and penalties posted once as a
payroll document at the general manager's approval, never changed."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import InstanceStatus, LedgerEntry, PayrollAdjustment, PayrollAdjustmentLine, PostedRecordImmutable
from tests.support.ledger_harness import all_invariants_hold, new_call

D = Decimal
CITY_DEALER = "江苏机电设备经销部"  # served by rep_east2


@pytest.fixture
def quarter_of_business(act, customer_code, shipped_order):
    """rep_east2 invoices 2 × MTR001 (1,960.00) on 2026-12-01 and collects 980.00 of it."""
    code = customer_code(CITY_DEALER)
    act("ledger.issue_invoice", order=shipped_order(code, [("MTR001", 2)]))
    act("ledger.allocate_receipt", receipt=act("ledger.record_receipt", customer=code, amount="980")["receipt_no"])


@pytest.fixture
def targets(sales):
    from app.ledger.performance import set_sales_target

    set_sales_target(sales.user("rep_east2"), "2026-Q4", "1000")
    set_sales_target(sales.user("rep_east2"), "2026-Q4", "4000")  # revised: the latest counts
    set_sales_target(sales.user("rm_east"), "2026-Q4", "20000")


def _line(who, kind, amount, reason="按季度考核细则"):
    return {"salesperson": who, "kind": kind, "amount": amount, "reason": reason}


def _review(sales, *lines, quarter="2026-Q4"):
    instance = sales.start("performance_review", {"quarter": quarter}, "sales_admin")
    sales.complete(instance, "Task_ProposeRewards", "director", {"adjustments": list(lines), "summary": "季度考核"})
    return instance


def _approve(sales, instance):
    sales.approve(instance, "Task_FinanceReview", "finance")
    sales.approve(instance, "Task_GMApproval", "gm")


def _ledger(account):
    rows = db.session.execute(select(LedgerEntry.salesperson_id, func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit))
                              .where(LedgerEntry.account == account, LedgerEntry.source_type == "payroll_adjustment")
                              .group_by(LedgerEntry.salesperson_id))
    return {sid: amount for sid, amount in rows}


def test_field_staff_are_shown_their_target_against_achievement(sales, quarter_of_business, targets):
    instance = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    rows = {row["employee"]: row for row in instance.data["review"]["people"]}
    assert rows["rep_east2"] == {"employee": "rep_east2", "name": sales.user("rep_east2").display_name,
                                 "staffing": "field", "roles": "sales_rep", "target": "4000.00", "achieved": "1960.00",
                                 "achievement_rate": "0.4900"}  # the revised target, against invoicing net of returns
    assert rows["rm_east"]["target"] == "20000.00" and rows["rm_east"]["achieved"] == "1960.00"  # the region's sales
    assert rows["rep_east1"]["target"] is None and rows["rep_east1"]["achieved"] == "0.00"  # no target stored
    assert rows["service_desk"]["staffing"] == "office" and rows["service_desk"]["achieved"] is None
    assert sales.ready_elements(instance) == ["Task_ProposeRewards"]


def test_regional_managers_office_and_service_staff_are_reviewed_not_the_proposer(sales, quarter_of_business):
    instance = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    people = {row["employee"] for row in instance.data["review"]["people"]}
    assert {"rm_east", "rm_south", "assistant", "inspector", "secretary", "service_mgr", "service_desk", "tech_support",
            "designer", "sales_admin", "order_clerk", "rep_east2"} <= people
    assert not people & {"director", "gm", "finance", "warehouse", "system"}  # the proposer, and those outside marketing


def test_approved_rewards_and_penalties_are_posted_once_for_payroll(sales, quarter_of_business):
    instance = _review(sales, _line("rep_east2", "penalty", 500, "回款率50%"), _line("service_desk", "reward", 800, "零投诉"),
                       _line("rm_east", "reward", 1200.5, "区域新增客户"))
    assert db.session.scalars(select(PayrollAdjustment)).all() == []  # nothing before the general manager approves
    _approve(sales, instance)
    assert instance.status is InstanceStatus.completed
    [sheet] = db.session.scalars(select(PayrollAdjustment)).all()
    assert (sheet.quarter, sheet.rewards, sheet.penalties) == ("2026-Q4", D("2000.50"), D("500.00"))
    assert sheet.approved_by.username == "gm" and sheet.number.startswith("PA")
    assert [(line.employee.username, line.kind, line.amount) for line in sheet.lines] == [
        ("rep_east2", "penalty", D("500.00")), ("service_desk", "reward", D("800.00")), ("rm_east", "reward", D("1200.50"))]
    payable = _ledger("2211")
    assert payable == {sales.user("rep_east2").id: D("500.00"), sales.user("service_desk").id: D("-800.00"),
                       sales.user("rm_east").id: D("-1200.50")}  # a penalty debits what is owed, a reward credits it
    assert sum(_ledger("6601").values()) == D("1500.50")
    assert instance.data["payroll"]["number"] == sheet.number
    assert all_invariants_hold()


def test_the_posting_is_idempotent_and_never_changed(sales, quarter_of_business):
    from app.ledger.performance import post_performance_payroll
    from app.models import AuditEvent, HumanTask

    instance = _review(sales, _line("rep_east2", "reward", 300))
    _approve(sales, instance)
    [sheet] = db.session.scalars(select(PayrollAdjustment)).all()
    service_call = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                              AuditEvent.element_id == "Task_PostPayroll"))
    gm = db.session.scalar(select(HumanTask.completed_by_id).where(HumanTask.instance_id == instance.id,
                                                                   HumanTask.element_id == "Task_GMApproval"))
    again = new_call("ledger.post_performance_payroll", instance_id=instance.id, task_id=service_call.task_id)
    again = type(again)(again.instance_id, again.task_id, "Task_PostPayroll", again.operation, None, lambda _steps: gm)
    assert post_performance_payroll(again, quarter="2026-Q4")["number"] == sheet.number
    assert db.session.scalar(select(func.count()).select_from(PayrollAdjustment)) == 1
    sheet.lines[0].amount = D("3000.00")
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_the_director_cannot_reward_himself_or_anyone_outside_the_review(sales, quarter_of_business):
    """An attack: the proposer names himself (or the general manager). The
    posting refuses it and the proposal goes back to him; nothing is posted."""
    instance = _review(sales, _line("director", "reward", 50000, "本人辛苦"), _line("rep_east2", "reward", 100))
    _approve(sales, instance)
    assert instance.data["payroll"]["ok"] is False and instance.data["payroll"]["error"]["code"] == "not_reviewed"
    assert sales.ready_elements(instance) == ["Task_ProposeRewards"]
    assert db.session.scalars(select(PayrollAdjustment)).all() == []
    assert db.session.scalars(select(PayrollAdjustmentLine)).all() == []
    sales.complete(instance, "Task_ProposeRewards", "director", {"adjustments": [_line("rep_east2", "reward", 100)],
                                                                 "summary": "已删除本人"})
    _approve(sales, instance)
    assert instance.status is InstanceStatus.completed and instance.data["payroll"]["rewards"] == "100.00"
    assert all_invariants_hold()


def test_nothing_is_posted_without_the_general_managers_approval(sales, quarter_of_business):
    """Another door: the action called outside the approved step refuses."""
    from app.actions import BusinessRuleViolation
    from app.ledger.performance import post_performance_payroll

    instance = _review(sales, _line("rep_east2", "reward", 300))
    with pytest.raises(BusinessRuleViolation) as caught:
        post_performance_payroll(new_call("ledger.post_performance_payroll", instance_id=instance.id), quarter="2026-Q4")
    assert caught.value.code == "not_approved"
    assert db.session.scalars(select(PayrollAdjustment)).all() == []


@pytest.mark.parametrize("quarter, amount, code, field", [
    ("2026-Q5", "100", "invalid_quarter", "quarter"), ("2026-Q4", "0", "invalid_amount", "amount"),
    ("2026-Q4", "abc", "invalid_number", "amount"),
])
def test_a_bad_sales_target_is_refused_naming_the_field(sales, quarter, amount, code, field):
    from app.actions import BusinessRuleViolation
    from app.ledger.performance import set_sales_target

    with pytest.raises(BusinessRuleViolation) as caught:
        set_sales_target(sales.user("rep_east1"), quarter, amount)
    assert (caught.value.code, caught.value.field) == (code, field)
