"""F22 general sales expenses as processes: the expense advance (借支申请,
expense_advance) and the expense claim (费用报销, expense_claim), charged to
the sales expense budget (expense_budgets.py).

What is checked, paid and posted is what the requester submitted, as the
instance's audit log records it (the start form, or the last revision), and
the requester is who started the instance: nothing planted in the task data
(a forged amount, budget line or advance) decides a figure. The budget line
is the requester's own department and region. Payment needs the approvals of
record: finance (and the director for a claim), and the general manager
whenever the figures are over the remaining budget at the moment of posting."""
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger import expense_budgets, expenses, journal
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.posting import posted_once
from app.models import AuditEvent, EmployeeAdvance, ExpenseCharge, ExpenseClaim, ProcessInstance, User
from app.actions import ActionCall, BusinessRuleViolation, action

ADVANCE_REVISION_STEP = "Task_ReviseAdvance"
ADVANCE_FINANCE_STEP = "Task_FinanceReview"
CLAIM_REVISION_STEP = "Task_ReviseClaim"
CLAIM_RECEIPT_CHECK_STEP = "Task_FinanceReceiptCheck"
CLAIM_DIRECTOR_STEP = "Task_DirectorApproval"
GM_STEP = "Task_GMApproval"


def _requester(call: ActionCall) -> User:
    instance = db.session.get(ProcessInstance, call.instance_id)
    if instance is None or instance.started_by is None:
        raise BusinessRuleViolation("unknown_user", "The requester is not known.")
    return instance.started_by


def _submission(instance_id: int, revision_step: str) -> dict:
    """What the requester last submitted (start form or revision), as the audit log records it."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.instance_id == instance_id,
        (AuditEvent.kind == "instance_started") | ((AuditEvent.kind == "task_completed")
                                                  & (AuditEvent.element_id == revision_step)))
        .order_by(AuditEvent.seq.desc()).limit(1))
    if event is None:
        raise BusinessRuleViolation("nothing_submitted", "Nothing was submitted.")
    return (event.data.get("data") if event.kind == "instance_started" else event.data) or {}


def _positive(value, field: str) -> Decimal:
    amount = round_money(value, field)
    if amount <= 0:
        raise BusinessRuleViolation("invalid_amount", f"{field} must be a positive amount.", field=field)
    return amount


# --- the advance ------------------------------------------------------------------------------------------

def _advance_figures(call: ActionCall) -> tuple[User, dict, expense_budgets.BudgetLine, Decimal, dict]:
    requester = _requester(call)
    submitted = _submission(call.instance_id, ADVANCE_REVISION_STEP)
    amount = _positive(submitted.get("amount"), "amount")
    if not str(submitted.get("purpose") or "").strip():
        raise BusinessRuleViolation("missing_purpose", "An advance needs its purpose.", field="purpose")
    line = expense_budgets.line_of(requester, str(submitted.get("category") or ""), journal.today().year)
    status = expense_budgets.status_of(line)
    return requester, submitted, line, amount, status


@action("ledger.check_expense_advance")
def check_expense_advance(call: ActionCall) -> dict:
    """F22: the advance the requester asked for against their budget line.
    Result {"employee", "employee_name", "amount", "purpose", "budget_line":
    {department, region, category, year, budget, used, remaining}, "remaining_after", "over_budget"}. Posts nothing. Raises
    ``invalid_amount``, ``missing_purpose``, ``unknown_category``, ``no_department``."""
    requester, submitted, _line, amount, status = _advance_figures(call)
    after = Decimal(status["remaining"]) - amount
    return {"employee": requester.username, "employee_name": requester.display_name, "amount": money_str(amount),
            "purpose": str(submitted.get("purpose")).strip(), "expected_settlement_date": submitted.get("expected_settlement_date"),
            "budget_line": status, "remaining_after": money_str(after), "over_budget": after < 0}


@action("ledger.pay_expense_advance")
def pay_expense_advance(call: ActionCall) -> dict:
    """F22: finance pays the approved advance (``expenses.make_advance``:
    Dr 1221 / Cr 1002) and charges it to the requester's budget line, once
    per call. Result {"advance_no", "employee", "amount", "outstanding",
    "budget_line"}. Raises ``not_approved`` (no finance approval of record),
    ``over_budget`` (over the remaining budget now and no general manager's
    approval of record), ``period_closed`` and what the check raises."""
    def pay() -> EmployeeAdvance:
        if call.approver_of_record([ADVANCE_FINANCE_STEP]) is None:
            raise BusinessRuleViolation("not_approved", "Finance has not approved this advance.")
        requester, submitted, line, amount, status = _advance_figures(call)
        if Decimal(status["remaining"]) < amount and call.approver_of_record([GM_STEP]) is None:
            raise BusinessRuleViolation("over_budget", f"Only {status['remaining']} is left of the budget; an advance "
                                        f"of {money_str(amount)} needs the general manager's approval.",
                                        {"remaining": status["remaining"]}, field="amount")
        today = journal.today()
        advance = expenses.make_advance(requester, amount, str(submitted.get("purpose")).strip(), on=today,
                                        source_key=call.idempotency_key)
        expense_budgets.charge(line, amount, on=today, source_key=call.idempotency_key, advance=advance)
        return advance

    advance = posted_once(EmployeeAdvance, call.idempotency_key, pay)
    charged = advance_line(advance)
    return {"advance_no": advance.number, "employee": advance.employee.username, "amount": money_str(advance.amount),
            "outstanding": money_str(expenses.advance_outstanding(advance)),
            "budget_line": expense_budgets.status_of(charged) if charged else None}


def advance_line(advance: EmployeeAdvance) -> "expense_budgets.BudgetLine | None":
    """The budget line ``advance`` was charged to (None: paid outside F22)."""
    row = db.session.scalar(select(ExpenseCharge).where(ExpenseCharge.advance_id == advance.id).limit(1))
    return expense_budgets.BudgetLine(row.department, row.region, row.category, row.year) if row else None


# --- the claim --------------------------------------------------------------------------------------------

def _own_open_advance(number, claimant: User) -> EmployeeAdvance | None:
    """The claimant's advance numbered ``number`` with something left on it
    (None when no number is given). Raises ``unknown_employee_advance``
    (unknown, another person's) and ``advance_settled`` (nothing left)."""
    if not str(number or "").strip():
        return None
    advance = db.session.scalar(select(EmployeeAdvance).where(EmployeeAdvance.number == str(number).strip()))
    if advance is None or advance.employee_id != claimant.id:
        raise BusinessRuleViolation("unknown_employee_advance", f"{number!r} is no advance paid to "
                                    f"{claimant.display_name}.", field="advance_no")
    if expenses.advance_outstanding(advance) <= 0:
        raise BusinessRuleViolation("advance_settled", f"Advance {advance.number} is settled already.", field="advance_no")
    return advance


def _claim_figures(call: ActionCall):
    """(claimant, lines, advance, per-line budget figures, total, over_budget)."""
    claimant = _requester(call)
    submitted = _submission(call.instance_id, CLAIM_REVISION_STEP)
    lines = [{"category": str(line.get("category") or ""), "amount": _positive(line.get("amount"), "claim_lines")}
             for line in submitted.get("claim_lines") or []]
    if not lines:
        raise BusinessRuleViolation("empty_claim", "A claim needs at least one line.", field="claim_lines")
    advance = _own_open_advance(submitted.get("advance_no"), claimant)
    year = journal.today().year
    by_line: dict = {}
    for line in lines:
        key = expense_budgets.line_of(claimant, line["category"], year)
        by_line[key] = by_line.get(key, ZERO) + line["amount"]
    released = advance_line(advance) if advance is not None else None
    figures, over = [], False
    for key, amount in by_line.items():
        status = expense_budgets.status_of(key)
        # the advance this claim closes stops counting on its own line
        freed = expenses.advance_outstanding(advance) if released == key else ZERO
        after = Decimal(status["remaining"]) + freed - amount
        over = over or after < 0
        figures.append({**status, "claimed": money_str(amount), "remaining_after": money_str(after), "over_budget": after < 0})
    total = sum((line["amount"] for line in lines), ZERO)
    return claimant, lines, advance, figures, total, over


@action("ledger.check_expense_claim")
def check_expense_claim(call: ActionCall) -> dict:
    """F22: the claim the requester submitted against their budget lines and
    the advance it settles. Result {"employee", "employee_name", "total",
    "budget_lines": [{..., "claimed", "remaining_after", "over_budget"}],
    "over_budget", "advance_no", "advance_outstanding", "to_return",
    "to_pay"}. Posts nothing. Raises ``empty_claim``, ``invalid_amount``,
    ``unknown_category``, ``unknown_employee_advance``, ``advance_settled``."""
    claimant, _lines, advance, figures, total, over = _claim_figures(call)
    left = expenses.advance_outstanding(advance) if advance is not None else ZERO
    return {"employee": claimant.username, "employee_name": claimant.display_name, "claim_total": money_str(total),
            "budget_lines": figures, "over_budget": over, "advance_no": advance.number if advance else None,
            "advance_outstanding": money_str(left) if advance else None,
            "to_return": money_str(max(left - total, ZERO)), "to_pay": money_str(max(total - left, ZERO))}


@action("ledger.post_expense_claim")
def post_expense_claim(call: ActionCall) -> dict:
    """F22: the approved claim is posted (``expenses.make_claim``: Dr 6601,
    Dr 1002 returned / Cr 1221, Cr 2241), settling the named advance for good
    (what the claim does not use is returned cash; what it exceeds is owed
    and paid by ``ledger.pay_reimbursement``), and each category charged to
    the claimant's budget line; once per call. Result {"claim_no", "claimed",
    "applied", "returned", "payable", "advance_no"}. Raises ``not_approved``
    (no finance receipt check or director approval of record),
    ``over_budget`` (over now, no general manager's approval of record),
    ``advance_settled`` (a second settlement), ``period_closed`` and what the
    check raises."""
    def post() -> ExpenseClaim:
        if None in (call.approver_of_record([CLAIM_RECEIPT_CHECK_STEP]), call.approver_of_record([CLAIM_DIRECTOR_STEP])):
            raise BusinessRuleViolation("not_approved", "Finance's receipt check and the director's approval are required.")
        claimant, lines, advance, figures, _total, over = _claim_figures(call)
        if over and call.approver_of_record([GM_STEP]) is None:
            raise BusinessRuleViolation("over_budget", "The claim is over the remaining budget and needs the general "
                                        "manager's approval.", {"budget_lines": figures})
        today = journal.today()
        claim = expenses.make_claim(advance, claimant, lines, on=today, source_key=call.idempotency_key,
                                    close=advance is not None)
        per_line: dict = {}
        for line in lines:
            key = expense_budgets.line_of(claimant, line["category"], today.year)
            per_line[key] = per_line.get(key, ZERO) + line["amount"]
        for key, amount in per_line.items():
            expense_budgets.charge(key, amount, on=today, source_key=call.idempotency_key, claim=claim)
        return claim

    claim = posted_once(ExpenseClaim, call.idempotency_key, post)
    return {"claim_no": claim.number, "claimed": money_str(claim.claimed), "applied": money_str(claim.applied),
            "returned": money_str(claim.returned), "payable": money_str(claim.payable),
            "advance_no": claim.advance.number if claim.advance else None}
