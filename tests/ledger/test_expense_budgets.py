"""F22 budget lines in the ledger: versions are inserted, never changed; a
line nobody set has no budget (any spending is over it); head-office staff
are charged to 总部; used = claims charged + what is open on advances."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import expense_budgets, expenses
from app.models import ExpenseBudget, PostedRecordImmutable
from tests.ledger.users import add_user

DAY = date(2026, 12, 1)


@pytest.fixture
def rep(ctx):
    user = add_user("rep_budget", "预算测试员")
    user.department = "营销部"
    db.session.flush()
    return user


def test_versions_are_inserted_and_never_changed(rep):
    line = expense_budgets.line_of(rep, "travel", 2026)
    expense_budgets.set_budget(line, "1000", by=None)
    expense_budgets.set_budget(line, "1500", by=None)
    assert expense_budgets.status_of(line)["budget"] == "1500.00"
    first = db.session.scalar(select(ExpenseBudget).where(ExpenseBudget.version == 1))
    first.amount = Decimal("9")
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_an_unset_line_has_no_budget_and_head_office_staff_have_no_region(rep):
    rep.region = None
    line = expense_budgets.line_of(rep, "meeting", 2026)
    assert line.region == "总部"
    assert expense_budgets.status_of(line) == {"department": "营销部", "region": "总部", "category": "meeting", "year": 2026,
                                               "budget": "0.00", "used": "0.00", "remaining": "0.00"}


def test_used_is_claims_plus_what_is_open_on_advances(rep):
    line = expense_budgets.line_of(rep, "travel", 2026)
    expense_budgets.set_budget(line, "5000", by=None)
    advance = expenses.make_advance(rep, "2000", "借支", on=DAY, source_key="t:1:a")
    expense_budgets.charge(line, Decimal("2000"), on=DAY, source_key="t:1:a", advance=advance)
    assert expense_budgets.status_of(line)["used"] == "2000.00"
    claim = expenses.make_claim(advance, rep, [{"category": "travel", "amount": "1500"}], on=DAY, source_key="t:2:c", close=True)
    expense_budgets.charge(line, Decimal("1500"), on=DAY, source_key="t:2:c", claim=claim)
    assert expense_budgets.status_of(line)["used"] == "1500.00"  # the advance is settled: only the claim counts
    assert [row["category"] for row in expense_budgets.report(2026)] == ["travel"]


@pytest.mark.parametrize("category,amount,year,code", [("gifts", "1", 2026, "unknown_category"),
                                                       ("travel", "-1", 2026, "invalid_amount"),
                                                       ("travel", "1", 1999, "invalid_year")])
def test_bad_budgets_are_refused(rep, category, amount, year, code):
    with pytest.raises(BusinessRuleViolation) as caught:
        expense_budgets.set_budget(expense_budgets.BudgetLine("营销部", "华东", category, year), amount, by=None)
    assert caught.value.code == code
