"""Demo sales expense budgets (F22): the sales department's head office and
each of its five regions get a budget per expense category for the year of
today's business date, set by finance. Idempotent: a line that has a budget
is left alone."""
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.demo.organisation import REGIONS, SALES
from app.extensions import db
from app.ledger import expense_budgets
from app.models import User
from app.services.unit_of_work import use_case

# yuan per line and year; the head office gets the same
DEMO_BUDGETS = {"travel": 60000, "entertainment": 30000, "promotion": 100000, "communication": 6000,
                "transport": 10000, "office": 5000, "meeting": 20000, "other": 5000}


@use_case
def ensure_demo_budgets() -> int:
    """Set the missing demo budget lines; returns how many were set."""
    year = clock.today().year
    finance = db.session.scalar(select(User).where(User.username == "finance"))
    made = 0
    for region in [expense_budgets.HEAD_OFFICE] + [name for _code, name, _manager, _reps in REGIONS]:
        for category, amount in DEMO_BUDGETS.items():
            line = expense_budgets.BudgetLine(SALES, region, category, year)
            if expense_budgets.budget_of(line) is None:
                expense_budgets.set_budget(line, Decimal(amount), by=finance, note="演示预算")
                made += 1
    return made
