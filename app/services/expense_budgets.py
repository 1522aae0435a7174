"""Sales expense budgets (F22) for people: finance sets a budget line (a new
version each time, never an update); finance, the sales director, the
general manager and auditors read budget, used and remaining per
department, region and category.

Chosen where the issue left it open: finance alone maintains the budgets
(it owns the money and already checks every advance and claim against
them); a change is one use case, kept as its own version with who set it."""
from decimal import Decimal

from app.actions import BusinessRuleViolation
from app.clock import today
from app.errors import Forbidden, ValidationFailed
from app.ledger import expense_budgets
from app.ledger.money import ZERO, money_str
from app.models import User
from app.services.permissions import require_role
from app.services.unit_of_work import use_case

SETTERS = ("finance",)
READERS = ("finance", "sales_director", "general_manager", "auditor")


def may_read_budgets(user: User | None) -> bool:
    return bool(user) and any(user.has_role(code) for code in READERS)


def _require(user: User, roles: tuple[str, ...], what: str) -> None:
    if not any(user.has_role(code) for code in roles):
        raise Forbidden(f"{what} needs one of the roles {', '.join(roles)}.")


def budget_report(user: User, year: int | None = None) -> dict:
    """{"year", "categories": {code: 中文}, "rows": [{department, region,
    category, year, budget, used, remaining}], "totals": {budget, used,
    remaining}}. Raises Forbidden for anyone but the readers."""
    _require(user, READERS, "Reading the expense budgets")
    year = year or today().year
    rows = expense_budgets.report(year)
    totals = {key: money_str(sum((Decimal(row[key]) for row in rows), ZERO)) for key in ("budget", "used", "remaining")}
    return {"year": year, "categories": dict(expense_budgets.CATEGORIES), "rows": rows, "totals": totals}


@use_case
def set_budget(user: User, *, department: str, region: str, category: str, year: int, amount, note: str | None = None) -> dict:
    """Set a budget line's amount (a new version). Returns the line's status
    with its ``version``. Raises Forbidden (not finance) and ValidationFailed
    naming the field (unknown category, negative amount, year out of range)."""
    require_role(user, SETTERS, "set an expense budget")
    if not (department or "").strip():
        raise ValidationFailed.for_fields({"department": ["A budget line needs its department."]})
    line = expense_budgets.BudgetLine(department.strip(), (region or "").strip() or expense_budgets.HEAD_OFFICE,
                                      category, int(year))
    try:
        row = expense_budgets.set_budget(line, amount, by=user, note=note)
    except BusinessRuleViolation as violation:
        raise ValidationFailed(violation.message, code=violation.code,
                               details={"fields": {violation.field or "amount": [violation.message]}}) from violation
    return {**expense_budgets.status_of(line), "version": row.version}
