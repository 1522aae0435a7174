"""F07 monthly_report through the service layer with the real diagram: the
report's figures against the documents posted (month and year to date, by
salesperson, customer and region), the hand start and the timer start,
both rejections with the rebuild, refused months, and a month that waits
until finance has confirmed its reconciliation."""
from datetime import datetime, timezone

import pytest

from app.errors import Forbidden
from app.extensions import db
from app.models import InstanceStatus, ProcessInstance, ScheduledStart
from app.services import worker_jobs
from tests.support.ledger_harness import all_invariants_hold

ZHEJIANG = "浙江泵阀总经销有限公司"   # 华东, rep_east1
ANHUI = "安徽水务集团有限公司"        # 华东, rep_east4
GUANGDONG = "广东泵阀总经销有限公司"  # 华南, rep_south1


@pytest.fixture
def sell(act, customer_code):
    """``sell(customer, qty, day, ship=qty, invoice_day=None)``: an order of
    MTR001 (980.00 a unit, tax included), ``ship`` units shipped that day,
    invoiced on ``invoice_day`` if given; the order number."""

    def make(customer, qty, day, *, ship=None, invoice_day=None):
        order = act("ledger.create_sales_order", customer=customer_code(customer),
                    lines=[{"material": "MTR001", "qty": qty}], date=day)
        note = act("ledger.create_shipping_note", order=order["order_no"], lines=[{"line_no": 1, "qty": ship or qty}], date=day)
        act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date=day)
        if invoice_day:
            act("ledger.issue_invoice", order=order["order_no"], date=invoice_day)
        return order["order_no"]

    return make


@pytest.fixture
def autumn(sell, act, customer_code):
    """October and November business, and a December receipt the November
    report must leave out; returns the order left uninvoiced."""
    sell(ZHEJIANG, 1, "2026-10-12", invoice_day="2026-10-20")                 # Oct: 980 shipped and invoiced
    sell(ZHEJIANG, 2, "2026-11-05", invoice_day="2026-11-06")                 # Nov: 1960 shipped and invoiced
    act("ledger.record_receipt", customer=customer_code(ZHEJIANG), amount="1500", date="2026-11-25")
    sell(GUANGDONG, 3, "2026-11-10", ship=2, invoice_day="2026-11-15")        # Nov: 2 of 3 shipped and invoiced, 1960
    uninvoiced = sell(ANHUI, 1, "2026-11-18")                                 # Nov: 980 shipped, not invoiced
    act("ledger.record_receipt", customer=customer_code(ZHEJIANG), amount="500", date="2026-12-01")
    return uninvoiced


def _figures(shipped, invoiced, received):
    return {"shipped": shipped, "invoiced": invoiced, "received": received}


def _rows(report, dimension):
    return {row["key"]: (row["month"], row["ytd"]) for row in report[f"by_{dimension}"]}


def assert_november_report(report, customer_code, *, anhui_invoiced="0.00"):
    invoiced = {"0.00": "3920.00", "980.00": "4900.00"}[anhui_invoiced]
    invoiced_ytd = {"0.00": "4900.00", "980.00": "5880.00"}[anhui_invoiced]
    assert report["month"] == "2026-11"
    assert report["totals"] == {"month": _figures("4900.00", invoiced, "1500.00"),
                                "ytd": _figures("5880.00", invoiced_ytd, "1500.00")}
    assert _rows(report, "salesperson") == {
        "rep_east1": (_figures("1960.00", "1960.00", "1500.00"), _figures("2940.00", "2940.00", "1500.00")),
        "rep_east4": (_figures("980.00", anhui_invoiced, "0.00"), _figures("980.00", anhui_invoiced, "0.00")),
        "rep_south1": (_figures("1960.00", "1960.00", "0.00"), _figures("1960.00", "1960.00", "0.00")),
    }
    assert _rows(report, "customer") == {
        customer_code(ZHEJIANG): (_figures("1960.00", "1960.00", "1500.00"), _figures("2940.00", "2940.00", "1500.00")),
        customer_code(ANHUI): (_figures("980.00", anhui_invoiced, "0.00"), _figures("980.00", anhui_invoiced, "0.00")),
        customer_code(GUANGDONG): (_figures("1960.00", "1960.00", "0.00"), _figures("1960.00", "1960.00", "0.00")),
    }
    east_invoiced = {"0.00": "1960.00", "980.00": "2940.00"}[anhui_invoiced]
    east_invoiced_ytd = {"0.00": "2940.00", "980.00": "3920.00"}[anhui_invoiced]
    assert _rows(report, "region") == {
        "华东": (_figures("2940.00", east_invoiced, "1500.00"), _figures("3920.00", east_invoiced_ytd, "1500.00")),
        "华南": (_figures("1960.00", "1960.00", "0.00"), _figures("1960.00", "1960.00", "0.00")),
    }


def reconciled(act, *months):
    """What the confirmed F06 reconciliation leaves: the months closed."""
    for month in months:
        act("ledger.close_period", month=month)


def test_hand_started_report_matches_the_documents_reviewed_and_acknowledged(sales, act, autumn, customer_code):
    reconciled(act, "2026-10", "2026-11")
    instance = sales.start("monthly_report", {"month": "2026-11"}, "sales_admin")
    assert instance.data["period"] == {"ok": True, "month": "2026-11", "status": "closed", "ended": True}
    assert_november_report(instance.data["report"], customer_code)
    review = sales.task(instance, "Task_ReviewReport")
    assert review.candidate_role == "sales_admin" and review.is_approval
    with pytest.raises(Forbidden):  # the supervisor who started the report does not review it
        sales.approve(instance, "Task_ReviewReport", "sales_admin")
    sales.approve(instance, "Task_ReviewReport", "sales_admin2")
    acknowledge = sales.task(instance, "Task_AcknowledgeReport")
    assert acknowledge.candidate_role == "sales_director" and acknowledge.is_approval
    sales.approve(instance, "Task_AcknowledgeReport", "director", "已阅")
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert all_invariants_hold()


def test_timer_start_reports_the_month_just_ended(sales, sell, act, customer_code, frozen_clock):
    sell(ZHEJIANG, 1, "2026-11-05", invoice_day="2026-11-06")  # before the month: year to date only
    sell(GUANGDONG, 2, "2026-12-01", invoice_day="2026-12-01")
    act("ledger.record_receipt", customer=customer_code(GUANGDONG), amount="1000", date="2026-12-01")
    worker_jobs.plan_schedules()
    schedule = db.session.get(ScheduledStart, "monthly_report")
    assert schedule.next_due_at == datetime(2026, 12, 31, 18, 0, tzinfo=timezone.utc)  # 1 January 02:00 in Shanghai
    frozen_clock.now = datetime(2026, 12, 31, 18, 0, 1, tzinfo=timezone.utc)
    reconciled(act, "2026-12")  # F06's timer at 01:00, confirmed by finance before the report's at 02:00
    started = []
    while (key := worker_jobs.start_next_scheduled()) is not None:
        started.append(key)
    assert "monthly_report" in started
    instance = db.session.get(ProcessInstance, schedule.last_instance_id)
    assert instance.started_by.username == "system" and instance.business_key == "monthly_report@2026-12-31T18:00"
    report = instance.data["report"]
    assert instance.data["period"]["month"] == report["month"] == "2026-12"
    assert report["totals"] == {"month": _figures("1960.00", "1960.00", "1000.00"),
                                "ytd": _figures("2940.00", "2940.00", "1000.00")}
    assert _rows(report, "region") == {"华东": (_figures("0.00", "0.00", "0.00"), _figures("980.00", "980.00", "0.00")),
                                       "华南": (_figures("1960.00", "1960.00", "1000.00"),) * 2}
    sales.approve(instance, "Task_ReviewReport", "sales_admin")
    sales.approve(instance, "Task_AcknowledgeReport", "director")
    assert instance.status is InstanceStatus.completed
    assert all_invariants_hold()


def test_rejected_in_review_the_data_is_corrected_and_the_report_rebuilt(sales, act, autumn, customer_code):
    reconciled(act, "2026-11")
    instance = sales.start("monthly_report", {"month": "2026-11"}, "sales_admin")
    sales.reject(instance, "Task_ReviewReport", "sales_admin2", "安徽水务11月发货未开票，请补开后重新编制")
    correct = sales.task(instance, "Task_CorrectReport")
    assert correct.candidate_role == "sales_admin" and sales.ready_elements(instance) == ["Task_CorrectReport"]
    act("ledger.issue_invoice", order=autumn, date="2026-12-01")  # November is closed: invoiced in the open month
    sales.complete(instance, "Task_CorrectReport", "sales_admin", {"corrections": "12月补开安徽水务发票"})
    assert_november_report(instance.data["report"], customer_code)  # the reconciled month's figures stand
    sales.approve(instance, "Task_ReviewReport", "sales_admin2")  # the same review step again
    sales.approve(instance, "Task_AcknowledgeReport", "director")
    assert instance.status is InstanceStatus.completed
    assert all_invariants_hold()


def test_sent_back_by_the_director_the_report_is_rebuilt_and_reviewed_again(sales, act, autumn, customer_code):
    reconciled(act, "2026-11")
    instance = sales.start("monthly_report", {"month": "2026-11"}, "sales_admin")
    sales.approve(instance, "Task_ReviewReport", "sales_admin2")
    sales.reject(instance, "Task_AcknowledgeReport", "director", "华东回款偏低，核实是否漏登回款")
    assert sales.task(instance, "Task_CorrectReport").candidate_role == "sales_admin"
    act("ledger.record_receipt", customer=customer_code(ANHUI), amount="980", date="2026-12-01")
    sales.complete(instance, "Task_CorrectReport", "sales_admin", {"corrections": "安徽水务回款12月1日补登"})
    report = instance.data["report"]
    assert report["totals"]["month"] == _figures("4900.00", "3920.00", "1500.00")  # November is closed
    assert _rows(report, "region")["华东"][0] == _figures("2940.00", "1960.00", "1500.00")
    sales.approve(instance, "Task_ReviewReport", "sales_admin2")
    sales.approve(instance, "Task_AcknowledgeReport", "director")
    assert instance.status is InstanceStatus.completed
    assert all_invariants_hold()


def test_a_month_not_begun_goes_to_the_supervisor_who_picks_a_reconciled_one(sales, act, autumn):
    instance = sales.start("monthly_report", {"month": "2027-01"}, "sales_admin")
    problem = sales.task(instance, "Task_ResolvePeriodProblem")
    assert problem.candidate_role == "sales_admin" and instance.data["period"]["error"]["code"] == "future_month"
    assert "report" not in instance.data
    reconciled(act, "2026-11")
    sales.complete(instance, "Task_ResolvePeriodProblem", "sales_admin", {"action": "retry", "month": "2026-11"})
    assert instance.data["period"] == {"ok": True, "month": "2026-11", "status": "closed", "ended": True}
    assert instance.data["report"]["totals"]["month"] == _figures("4900.00", "3920.00", "1500.00")
    assert sales.ready_elements(instance) == ["Task_ReviewReport"]
    assert all_invariants_hold()


def test_a_month_not_yet_reconciled_waits_with_the_supervisor_until_finance_confirms(sales, act, autumn, customer_code):
    instance = sales.start("monthly_report", {"month": "2026-11"}, "sales_admin")
    problem = sales.task(instance, "Task_ResolvePeriodProblem")
    refusal = instance.data["period"]["error"]
    assert problem.candidate_role == "sales_admin" and refusal["code"] == "month_not_reconciled"
    assert "2026-11" in refusal["message"] and "report" not in instance.data
    sales.complete(instance, "Task_ResolvePeriodProblem", "sales_admin", {"action": "retry", "month": "2026-11"})
    assert instance.data["period"]["error"]["code"] == "month_not_reconciled"  # retrying too early changes nothing
    assert sales.ready_elements(instance) == ["Task_ResolvePeriodProblem"]
    reconciled(act, "2026-11")  # finance confirms the reconciliation: F06 closes the month
    sales.complete(instance, "Task_ResolvePeriodProblem", "sales_admin", {"action": "retry", "month": "2026-11"})
    assert_november_report(instance.data["report"], customer_code)
    assert sales.ready_elements(instance) == ["Task_ReviewReport"]
    assert all_invariants_hold()


def test_a_refused_month_can_be_cancelled(sales):
    instance = sales.start("monthly_report", {"month": "2030-06"}, "sales_admin")
    sales.complete(instance, "Task_ResolvePeriodProblem", "sales_admin", {"action": "cancel", "resolution_note": "误填月份"})
    assert instance.status is InstanceStatus.completed and "report" not in instance.data
    assert all_invariants_hold()


def test_receipts_count_for_the_region_frozen_on_them_not_the_customers_region_today(sales, act, sell, customer_code,
                                                                                      frozen_clock):
    frozen_clock.now = datetime(2027, 1, 5, 2, 0, tzinfo=timezone.utc)
    zhejiang = customer_code(ZHEJIANG)
    sell(ZHEJIANG, 1, "2026-12-02", invoice_day="2026-12-02")
    act("ledger.record_receipt", customer=zhejiang, amount="600", date="2026-12-05")  # while in 华东
    act("ledger.change_customer", customer=zhejiang, region="华南", reason="划入华南大区", valid_from="2026-12-15")
    act("ledger.record_receipt", customer=zhejiang, amount="380", date="2026-12-20")  # after the move
    reconciled(act, "2026-12")
    instance = sales.start("monthly_report", {"month": "2026-12"}, "sales_admin")
    regions = _rows(instance.data["report"], "region")
    assert regions["华东"][0] == _figures("980.00", "980.00", "600.00")
    assert regions["华南"][0] == _figures("0.00", "0.00", "380.00")
    assert instance.data["report"]["totals"]["month"]["received"] == "980.00"
    assert all_invariants_hold()
