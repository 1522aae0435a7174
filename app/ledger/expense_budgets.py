"""Sales expense budgets (F22, seed L21: 凡记入销售部门的费用，均纳入该管理范畴).

A budget line is (department, region, expense category, year), the
department and region being the employee's own as the organisation records
them (head-office staff have no region: ``HEAD_OFFICE``). Finance sets a
line's amount; every change is a new version and the highest is in force.
used = claims charged to the line + what is still open on advances charged
to it (an advance settled by a claim or by returned cash stops counting, and
the claim's lines count instead). remaining = budget − used. A line nobody
set has a budget of 0, so any spending on it is over budget."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import expenses
from app.ledger.money import ZERO, money_str, round_money
from app.models import EmployeeAdvance, ExpenseBudget, ExpenseCharge, User
from app.actions import BusinessRuleViolation

HEAD_OFFICE = "总部"
# the expense categories a budget is kept for (code, 中文)
CATEGORIES = {
    "travel": "差旅费", "entertainment": "业务招待费", "promotion": "市场推广费", "communication": "通讯费",
    "transport": "交通费", "office": "办公费", "meeting": "会议费", "other": "其他费用",
}


@dataclass(frozen=True)
class BudgetLine:
    department: str
    region: str
    category: str
    year: int

    def as_dict(self) -> dict:
        return {"department": self.department, "region": self.region, "category": self.category, "year": self.year}


def line_of(employee: User, category: str, year: int) -> BudgetLine:
    """The budget line ``employee``'s spending in ``category`` is charged to.
    Raises BusinessRuleViolation ``unknown_category``, ``no_department``."""
    if category not in CATEGORIES:
        raise BusinessRuleViolation("unknown_category", f"{category!r} is no expense category.", field="category")
    if not employee.department:
        raise BusinessRuleViolation("no_department", f"{employee.display_name} belongs to no department.")
    return BudgetLine(employee.department, employee.region or HEAD_OFFICE, category, year)


def _of_line(model, line: BudgetLine):
    return (model.department == line.department, model.region == line.region, model.category == line.category,
            model.year == line.year)


def budget_of(line: BudgetLine) -> ExpenseBudget | None:
    """The version in force of ``line``, or None when nobody set it."""
    return db.session.scalar(select(ExpenseBudget).where(*_of_line(ExpenseBudget, line))
                             .order_by(ExpenseBudget.version.desc()).limit(1))


def used_of(line: BudgetLine) -> Decimal:
    """Claims charged to ``line`` plus what is still open on its advances."""
    claimed = db.session.scalar(select(func.sum(ExpenseCharge.amount)).where(
        *_of_line(ExpenseCharge, line), ExpenseCharge.claim_id.is_not(None)))
    advances = db.session.scalars(select(EmployeeAdvance).join(ExpenseCharge, ExpenseCharge.advance_id == EmployeeAdvance.id)
                                  .where(*_of_line(ExpenseCharge, line)))
    return Decimal(claimed or 0) + sum((expenses.advance_outstanding(a) for a in advances), ZERO)


def status_of(line: BudgetLine) -> dict:
    """{"department", "region", "category", "year", "budget", "used",
    "remaining"} of ``line`` (money as strings)."""
    found = budget_of(line)
    budget = found.amount if found is not None else ZERO
    used = used_of(line)
    return {**line.as_dict(), "budget": money_str(budget), "used": money_str(used), "remaining": money_str(budget - used)}


def set_budget(line: BudgetLine, amount, *, by: User | None, note: str | None = None) -> ExpenseBudget:
    """A new version of ``line``'s budget (flushes). Raises
    BusinessRuleViolation ``unknown_category``, ``invalid_amount``
    (negative), ``invalid_year``."""
    if line.category not in CATEGORIES:
        raise BusinessRuleViolation("unknown_category", f"{line.category!r} is no expense category.", field="category")
    if not 2000 <= int(line.year) <= 2100:
        raise BusinessRuleViolation("invalid_year", "The year must be between 2000 and 2100.", field="year")
    value = round_money(amount, "amount")
    if value < 0:
        raise BusinessRuleViolation("invalid_amount", "A budget cannot be negative.", field="amount")
    current = budget_of(line)
    row = ExpenseBudget(department=line.department, region=line.region, category=line.category, year=int(line.year),
                        version=(current.version + 1) if current else 1, amount=value, note=(note or None),
                        set_by=by, created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    return row


def report(year: int) -> list[dict]:
    """Every budget line of ``year`` that has a budget or a charge, with its
    budget, used and remaining, ordered by department, region, category."""
    keys = set()
    for model in (ExpenseBudget, ExpenseCharge):
        keys |= {tuple(row) for row in db.session.execute(
            select(model.department, model.region, model.category).where(model.year == year).distinct())}
    order = list(CATEGORIES)
    lines = sorted((BudgetLine(d, r, c, year) for d, r, c in keys),
                   key=lambda l: (l.department, l.region, order.index(l.category) if l.category in order else 99))
    return [status_of(line) for line in lines]


def charge(line: BudgetLine, amount: Decimal, *, on, source_key: str, advance=None, claim=None) -> ExpenseCharge:
    """Charge ``amount`` of an advance or a claim to ``line`` (flushes)."""
    row = ExpenseCharge(department=line.department, region=line.region, category=line.category, year=line.year,
                        advance=advance, claim=claim, amount=amount, charge_date=on, source_key=source_key,
                        created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    return row
