"""The issued annual plan's targets feed the monthly report's achievement
(F07) and the quarterly review's targets (F09), ahead of the per-person
target stored for the quarter; without a plan the stored one still counts."""
import pytest

from app.ledger.performance import set_sales_target
from app.ledger.report_figures import monthly_figures
from tests.support.plan_flow import FRAME, issue, to_breakdown

CITY_DEALER = "江苏机电设备经销部"  # served by rep_east2
Q4 = [{"region": "华东", "salesperson": "rep_east2", "customer": "", "material_class": "MOTOR", "month": month,
       "amount": amount, "quantity": 1} for month, amount in ((10, 3000), (12, 2000))] + [
     {"region": "华东", "salesperson": "rep_east2", "customer": "", "material_class": "MOTOR", "month": 9,
      "amount": 7000, "quantity": 1}]  # the third quarter's: not Q4's target


@pytest.fixture
def december(act, customer_code, shipped_order, sales):
    """rep_east2 invoices 2 × MTR001 (1,960.00) on 2026-12-01; their stored Q4 target is 4,000.00."""
    act("ledger.issue_invoice", order=shipped_order(customer_code(CITY_DEALER), [("MTR001", 2)]))
    set_sales_target(sales.user("rep_east2"), "2026-Q4", "4000")


def _rep_east2(figures):
    return next(row for row in figures["by_salesperson"] if row["key"] == "rep_east2")


def test_the_monthly_report_reads_the_issued_plans_quarter_target(sales, december):
    assert _rep_east2(monthly_figures("2026-12"))["target"] == "4000.00"  # no plan yet: the stored target
    instance, _, _ = to_breakdown(sales, FRAME | {"year": 2026})
    issue(sales, instance, Q4)
    row = _rep_east2(monthly_figures("2026-12"))
    assert (row["target"], row["quarter_invoiced"], row["achievement"]) == ("5000.00", "1960.00", "39.2")


def test_the_quarterly_review_reads_the_issued_plans_target(sales, december):
    instance, _, _ = to_breakdown(sales, FRAME | {"year": 2026})
    issue(sales, instance, Q4)
    review = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    rows = {row["employee"]: row for row in review.data["review"]["people"]}
    assert (rows["rep_east2"]["target"], rows["rep_east2"]["achieved"]) == ("5000.00", "1960.00")
    assert rows["rep_east1"]["target"] is None  # the plan gives rep_east1 nothing in Q4
