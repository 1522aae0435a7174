"""F06 monthly_reconciliation through the service layer with the real diagram:
the hand start and the timer start, a balanced month closed, a planted
difference fixed and re-run or explained to finance, finance's rejection,
refused months and a refused close; after a close the ledger refuses every
posting into the month."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.shipping import batch_stock
from app.ledger.stock_places import main_warehouse
from app.ledger import checks
from app.ledger.periods import period_status
from app.models import AccountingPeriod, InstanceStatus, Material, ProcessInstance, ScheduledStart, StockMovement
from app.services import worker_jobs
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import all_invariants_hold
from tests.support.statements import import_matching_statements

DEALER = "浙江泵阀总经销有限公司"
NOVEMBER = "2026-11-"


@pytest.fixture
def november_business(act, customer_code):
    """An order shipped and invoiced in November; returns the order number."""
    dealer = customer_code(DEALER)
    order = act("ledger.create_sales_order", customer=dealer, lines=[{"material": "MTR001", "qty": 3}], date=NOVEMBER + "10")
    note = act("ledger.create_shipping_note", order=order["order_no"], lines=[{"line_no": 1, "qty": 2}], date=NOVEMBER + "10")
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=NOVEMBER + "11")
    act("ledger.issue_invoice", order=order["order_no"], date=NOVEMBER + "20")
    import_matching_statements("2026-11")  # the warehouse's and finance's November agree line by line
    return order["order_no"]


def _stock_issue(qty, day, key, original=None):
    """A movement the warehouse posts on its own, without a shipping note
    (the difference the reconciliation must find); a positive ``qty`` with
    ``original`` reverses one."""
    material = db.session.scalar(select(Material).where(Material.code == "MTR001"))
    movement = StockMovement(kind="outbound", material_id=material.id, qty=Decimal(qty), unit_cost=material.standard_cost,
                             batch_no=original.batch_no if original else batch_stock(material.id)[0][0], movement_date=day, source_key=key,
                             seq=1, original_movement_id=original.id if original else None,
                             location="warehouse", warehouse_id=main_warehouse().id)
    db.session.add(movement)
    db.session.flush()
    return movement


def _confirm_and_close(sales, instance, month):
    confirm = sales.task(instance, "Task_FinanceConfirm")
    assert confirm.candidate_role == "finance" and confirm.is_approval
    sales.approve(instance, "Task_FinanceConfirm", "finance", "与总帐核对一致")
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert instance.data["closing"] == {"ok": True, "month": month, "status": "closed",
                                        "closed_at": instance.data["closing"]["closed_at"]}
    assert period_status(month) == "closed"


def test_balanced_month_is_confirmed_closed_and_then_refuses_postings(sales, act, customer_code, november_business):
    instance = sales.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")
    assert instance.data["period"] == {"ok": True, "month": "2026-11", "status": "open", "ended": True}
    result = instance.data["reconciliation"]
    assert result["ok"] and result["balanced"] and result["differences"] == []
    assert result["figures"] == {"shipping_lines": 1, "shipped_qty": "2", "outbound_qty": "2", "invoices": 1,
                                 "invoiced_net": "1734.51", "ledger_revenue": "1734.51",
                                 "inventory_outbound": "出库明细2026-11.csv (1)", "finance_receivables": "应收明细2026-11.csv (1)",
                                 "overdue_loans": []}
    _confirm_and_close(sales, instance, "2026-11")
    row = db.session.scalar(select(AccountingPeriod).where(AccountingPeriod.period == "2026-11"))
    assert row.closed_by_id == sales.user("finance").id
    # nothing more goes into November: shipping, invoicing, receipts, returns
    dealer = customer_code(DEALER)
    note = act("ledger.create_shipping_note", order=november_business, date="2026-11-30")
    for operation, params in [
        ("ledger.post_outbound", {"shipping_note": note["shipping_note_no"], "date": "2026-11-30"}),
        ("ledger.issue_invoice", {"order": november_business, "date": "2026-11-30"}),
        ("ledger.record_receipt", {"customer": dealer, "amount": "100", "date": "2026-11-30"}),
        ("ledger.post_return", {"order": november_business, "lines": [{"line_no": 1, "qty": 1}], "date": "2026-11-30"}),
    ]:
        with pytest.raises(BusinessRuleViolation) as refused:
            act(operation, **params)
        assert refused.value.code == "period_closed", operation
    # December stays open
    act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-12-01")
    assert all_invariants_hold()


def test_timer_start_on_the_first_reconciles_the_month_just_ended(sales, act, customer_code, frozen_clock):
    act("ledger.create_sales_order", customer=customer_code(DEALER), lines=[{"material": "MTR001", "qty": 1}])  # December
    worker_jobs.plan_schedules()
    schedule = db.session.get(ScheduledStart, "monthly_reconciliation")
    assert schedule.next_due_at == datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)  # 1 January 01:00 in Shanghai
    frozen_clock.now = datetime(2026, 12, 31, 17, 0, 1, tzinfo=timezone.utc)
    import_matching_statements("2026-12")
    started = []  # other processes may fall due at the same moment
    while (key := worker_jobs.start_next_scheduled()) is not None:
        started.append(key)
    assert started.count("monthly_reconciliation") == 1
    instance = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert instance.started_by.username == "system" and instance.business_key == "monthly_reconciliation@2026-12-31T17:00"
    assert instance.data["month"] == ""  # the start form's default: the month before today, business time
    assert instance.data["period"]["month"] == "2026-12" and instance.data["reconciliation"]["balanced"]
    _confirm_and_close(sales, instance, "2026-12")
    assert period_status("2026-11") == "open"
    assert all_invariants_hold()


def test_planted_difference_goes_to_the_supervisor_who_fixes_it_and_reruns(sales, november_business):
    rogue = _stock_issue("-1", date(2026, 11, 15), "warehouse:manual:1")
    instance = sales.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")
    result = instance.data["reconciliation"]
    assert result["ok"] and not result["balanced"]
    [difference] = result["differences"]
    assert difference["name"] == "shipments_match_stock"
    [violation] = difference["violations"]
    assert (violation["month"], violation["material_id"]) == ("2026-11", rogue.material_id)
    assert (Decimal(violation["shipped"]), Decimal(violation["outbound"])) == (2, 3)
    investigate = sales.task(instance, "Task_InvestigateDifferences")
    assert investigate.candidate_role == "sales_admin" and not investigate.is_approval
    assert sales.ready_elements(instance) == ["Task_InvestigateDifferences"]
    # the warehouse reverses its issue with a red record; the run again is balanced
    _stock_issue("1", date(2026, 11, 28), "warehouse:manual:1:reversal", original=rogue)
    sales.complete(instance, "Task_InvestigateDifferences", "sales_admin2", {"resolution": "rerun"})
    assert instance.data["reconciliation"]["balanced"] and instance.data["reconciliation"]["figures"]["outbound_qty"] == "2"
    _confirm_and_close(sales, instance, "2026-11")
    assert all_invariants_hold()


def test_a_difference_explained_is_confirmed_by_finance_and_stays_on_record(sales, november_business):
    _stock_issue("-1", date(2026, 11, 15), "warehouse:sample:1")
    instance = sales.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")
    with pytest.raises(ValidationFailed):  # accepting a difference needs the reason
        sales.complete(instance, "Task_InvestigateDifferences", "sales_admin", {"resolution": "accept"})
    explanation = "仓库领用样机一台，已由财务按样品费用处理"
    sales.complete(instance, "Task_InvestigateDifferences", "sales_admin", {"resolution": "accept", "explanation": explanation})
    assert instance.data["explanation"] == explanation and not instance.data["reconciliation"]["balanced"]
    _confirm_and_close(sales, instance, "2026-11")
    assert not checks.shipments_match_stock("2026-11")["ok"]  # explained, confirmed, never hidden
    assert all_invariants_hold("2026-12")


def test_finance_sends_the_month_back_and_confirms_after_the_rerun(sales, november_business):
    instance = sales.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")
    sales.reject(instance, "Task_FinanceConfirm", "finance", "应收余额与总帐不符，请复核")
    investigate = sales.task(instance, "Task_InvestigateDifferences")
    assert investigate.candidate_role == "sales_admin" and instance.data["comment"] == "应收余额与总帐不符，请复核"
    assert period_status("2026-11") == "open"
    sales.complete(instance, "Task_InvestigateDifferences", "sales_admin", {"resolution": "rerun"})
    _confirm_and_close(sales, instance, "2026-11")
    assert all_invariants_hold()


def test_an_already_closed_month_goes_to_the_supervisor_who_picks_another(sales, act, november_business):
    act("ledger.close_period", month="2026-11")
    instance = sales.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")
    problem = sales.task(instance, "Task_ResolvePeriodProblem")
    assert problem.candidate_role == "sales_admin"
    assert instance.data["period"]["error"]["code"] == "period_closed" and "reconciliation" not in instance.data
    import_matching_statements("2026-10")  # a month without business: both statements empty
    sales.complete(instance, "Task_ResolvePeriodProblem", "sales_admin", {"action": "retry", "month": "2026-10"})
    assert instance.data["period"]["month"] == "2026-10" and instance.data["reconciliation"]["balanced"]
    _confirm_and_close(sales, instance, "2026-10")
    assert all_invariants_hold()


def test_future_and_running_months_are_refused_with_the_reason_and_the_run_cancelled(sales):
    instance = sales.start("monthly_reconciliation", {"month": "2027-01"}, "sales_admin")
    assert instance.data["period"]["error"]["code"] == "future_month"
    sales.complete(instance, "Task_ResolvePeriodProblem", "sales_admin", {"action": "retry", "month": "2026-12"})
    assert instance.data["period"]["error"]["code"] == "period_not_ended"
    assert "has not ended" in instance.data["period"]["error"]["message"]
    sales.complete(instance, "Task_ResolvePeriodProblem", "sales_admin", {"action": "cancel"})
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert db.session.scalar(select(AccountingPeriod)) is None
    with pytest.raises(ValidationFailed):
        sales.start("monthly_reconciliation", {"month": "2026-13"}, "sales_admin")
    assert all_invariants_hold()


def test_close_period_refuses_a_future_month(act):
    with pytest.raises(BusinessRuleViolation) as refused:
        act("ledger.close_period", month="2027-01")
    assert refused.value.code == "future_month"


@pytest.fixture
def refuse_close_once(refuse_once):
    return refuse_once("ledger.close_period", "period_locked", "The general ledger is running its own month end.")


def test_a_refused_close_goes_to_finance_who_retries(sales, november_business, refuse_close_once):
    instance = sales.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")
    sales.approve(instance, "Task_FinanceConfirm", "finance")
    problem = sales.task(instance, "Task_ResolveClosingProblem")
    assert problem.candidate_role == "finance" and instance.data["closing"]["error"]["code"] == "period_locked"
    assert period_status("2026-11") == "open"
    sales.complete(instance, "Task_ResolveClosingProblem", "finance", {"action": "retry"})
    assert instance.status is InstanceStatus.completed and period_status("2026-11") == "closed"
    assert refuse_close_once[1] == {"month": "2026-11"}
    assert all_invariants_hold()


def test_a_refused_close_can_be_left_open(sales, november_business, refuse_close_once):
    instance = sales.start("monthly_reconciliation", {"month": "2026-11"}, "sales_admin")
    sales.approve(instance, "Task_FinanceConfirm", "finance")
    sales.complete(instance, "Task_ResolveClosingProblem", "finance", {"action": "leave_open", "resolution_note": "下月再结"})
    assert instance.status is InstanceStatus.completed and period_status("2026-11") == "open"
    assert all_invariants_hold()
