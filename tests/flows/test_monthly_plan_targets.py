"""A month's own plan replaces the annual plan's lines for that month in the
monthly report's achievement (F07) and the quarterly review's targets (F09);
the other months of the quarter still come from the annual plan."""
import pytest

from app.ledger.performance import set_sales_target
from app.ledger.report_figures import monthly_figures
from tests.support.monthly_plan_flow import annual_plan, issue_month

CITY_DEALER = "江苏机电设备经销部"  # served by rep_east2
Q4 = [{"region": "华东", "salesperson": "rep_east2", "customer": "", "material_class": "MOTOR", "month": month,
       "amount": amount, "quantity": 1} for month, amount in ((10, 3000), (12, 2000))]
DECEMBER = [{"region": "华东", "salesperson": "rep_east2", "material_class": "MOTOR", "amount": 4000, "quantity": 2}]


@pytest.fixture
def december(act, customer_code, shipped_order, sales):
    """rep_east2 invoices 2 × MTR001 (1,960.00) on 2026-12-01; the annual plan gives them 5,000.00 in Q4."""
    act("ledger.issue_invoice", order=shipped_order(customer_code(CITY_DEALER), [("MTR001", 2)]))
    set_sales_target(sales.user("rep_east2"), "2026-Q4", "9000")
    annual_plan(sales, 2026, Q4)


def _rep_east2(figures):
    return next(row for row in figures["by_salesperson"] if row["key"] == "rep_east2")


def test_the_monthly_report_reads_the_months_own_plan(sales, december):
    assert _rep_east2(monthly_figures("2026-12"))["target"] == "5000.00"  # the annual plan's October and December
    issue_month(sales, "2026-12", DECEMBER)
    row = _rep_east2(monthly_figures("2026-12"))
    assert (row["target"], row["quarter_invoiced"], row["achievement"]) == ("7000.00", "1960.00", "28.0")


def test_the_quarterly_review_reads_the_months_own_plan(sales, december):
    issue_month(sales, "2026-12", DECEMBER)
    review = sales.start("performance_review", {"quarter": "2026-Q4"}, "sales_admin")
    rows = {row["employee"]: row for row in review.data["review"]["people"]}
    assert (rows["rep_east2"]["target"], rows["rep_east2"]["achieved"]) == ("7000.00", "1960.00")
