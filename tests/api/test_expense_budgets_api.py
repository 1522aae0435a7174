"""F22 budgets through the API: finance sets a line (a
new version, the old one kept), finance, the director, the general manager
and auditors read budget, used and remaining; nobody else reads or sets; bad
input is a 4xx naming the field."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ExpenseBudget

LINE = {"department": "营销部", "region": "华东", "category": "office", "year": 2026}


@pytest.fixture
def budgets(sales, api):
    return api


def _row(report, region="华东", category="office"):
    [row] = [r for r in report["rows"] if r["region"] == region and r["category"] == category]
    return row


def test_finance_sets_a_new_version_and_the_old_one_stays(budgets):
    out = budgets("finance").ok("post", "/expense-budgets", 201, json={**LINE, "amount": "8000", "note": "追加办公预算"})
    assert (out["budget"], out["version"], out["remaining"]) == ("8000.00", 2, "8000.00")
    versions = db.session.scalars(select(ExpenseBudget.amount).where(
        ExpenseBudget.region == "华东", ExpenseBudget.category == "office").order_by(ExpenseBudget.version)).all()
    assert [str(v) for v in versions] == ["5000.00", "8000.00"]
    report = budgets("director").ok("get", "/expense-budgets?year=2026")
    assert _row(report)["budget"] == "8000.00" and report["categories"]["office"] == "办公费"


def test_used_counts_claims_and_open_advances(budgets, sales):
    advance = sales.start("expense_advance", {"amount": 1200, "purpose": "办公用品借支", "category": "office",
                                              "expected_settlement_date": "2026-12-20"}, "rep_east1")
    sales.approve(advance, "Task_ManagerApproval", "rm_east")
    sales.approve(advance, "Task_FinanceReview", "finance")
    row = _row(budgets("gm").ok("get", "/expense-budgets"))
    assert (row["used"], row["remaining"]) == ("1200.00", "3800.00")
    assert budgets("auditor").ok("get", "/expense-budgets")["totals"]["used"] == "1200.00"


@pytest.mark.parametrize("who", ["rep_east1", "rm_east", "sales_admin"])
def test_others_neither_read_nor_set(budgets, who):
    assert budgets(who).get("/expense-budgets").status_code == 403
    assert budgets(who).post("/expense-budgets", json={**LINE, "amount": "1"}).status_code == 403


def test_an_auditor_reads_but_does_not_set(budgets):
    assert budgets("auditor").post("/expense-budgets", json={**LINE, "amount": "1"}).status_code == 403


@pytest.mark.parametrize("body,field", [
    ({**LINE, "category": "gifts", "amount": "1"}, "category"),
    ({**LINE, "amount": "-5"}, "amount"),
    ({**LINE, "amount": "abc"}, "amount"),
    ({**LINE, "year": 1990, "amount": "1"}, "year"),
    ({**LINE, "department": "", "amount": "1"}, "department"),
])
def test_bad_input_names_the_field(budgets, body, field):
    response = budgets("finance").post("/expense-budgets", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in str(response.get_json())

