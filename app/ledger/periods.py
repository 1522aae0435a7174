"""Month end: which month a monthly flow works on, the reconciliation (F06)
and closing the period.

A month is "YYYY-MM". An empty month means the month before today in the
business timezone: the monthly flows start by timer on the 1st (01:00 in
Shanghai, still the last day of the month in UTC) and then work on the month
that has just ended, so "today" must be the business date, not the UTC one.
"""
import re
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.ledger import checks, journal, statement_match
from app.ledger.months import previous_month
from app.models import AccountingPeriod
from app.actions import ActionCall, BusinessRuleViolation, action

_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def month_or_previous(value: str | None) -> str:
    """``value`` checked, or the month before business today when empty.
    Raises BusinessRuleViolation ``invalid_month``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return previous_month(journal.today())
    if not isinstance(value, str) or not _MONTH.fullmatch(value.strip()):
        raise BusinessRuleViolation("invalid_month", f"Not a month (YYYY-MM): {value!r}", field="month")
    return value.strip()


def period_status(month: str) -> str:
    """"open" or "closed"."""
    return db.session.scalar(select(AccountingPeriod.status).where(AccountingPeriod.period == month)) or "open"


def require_reconciled(month: str) -> None:
    """The month's reconciliation (F06) has been confirmed by finance, which
    closes the month: its figures can no longer change. Raises
    BusinessRuleViolation ``month_not_reconciled``."""
    if period_status(month) != "closed":
        raise BusinessRuleViolation(
            "month_not_reconciled",
            f"The reconciliation of {month} has not been confirmed by finance yet; the month's report is built "
            f"once the month is reconciled and closed.", {"month": month}, field="month")


def _refuse_future(month: str, today: date) -> None:
    if month > journal.period_of(today):
        raise BusinessRuleViolation("future_month", f"{month} has not begun yet (today is {today.isoformat()}).",
                                    {"month": month}, field="month")


@action("ledger.resolve_month")
def resolve_month(call: ActionCall, *, month: str | None = None, closing: bool = False, reconciled: bool = False) -> dict:
    """F06/F07 first step: the month the instance works on, fixed once so a
    flow that runs for days keeps its month. Empty ``month``: the month
    before business today (the timer start). Result {"month", "status",
    "ended"}. Saves nothing. Raises ``invalid_month``, ``future_month``;
    with ``closing`` also ``period_not_ended`` (the month is still running)
    and ``period_closed`` (it was closed already); with ``reconciled``
    ``month_not_reconciled`` (finance has not confirmed the month's
    reconciliation yet, see ``require_reconciled``)."""
    month, today = month_or_previous(month), journal.today()
    _refuse_future(month, today)
    ended, status = month < journal.period_of(today), period_status(month)
    if reconciled:
        require_reconciled(month)
    if closing and not ended:
        raise BusinessRuleViolation("period_not_ended", f"{month} has not ended yet; a month is closed after its last day.",
                                    {"month": month}, field="month")
    if closing and status == "closed":
        raise BusinessRuleViolation("period_closed", f"Accounting period {month} is already closed.", {"month": month}, field="month")
    return {"month": month, "status": status, "ended": ended}


@action("ledger.reconcile")
def reconcile(call: ActionCall, *, month: str | None = None, statements: bool = False) -> dict:
    """F06: compare, line by line, the sales system with stock and finance
    for ``month`` (empty: the previous month): every shipping line against
    its outbound movements and shipments against outbound per material;
    every invoice against its receivable and ledger entries and revenue
    against the ledger per month; and every other invariant. With
    ``statements``, also every shipping line against the inventory system's
    outbound statement and every invoice against the finance system's
    receivables statement imported for the month (``statement_match``; a
    statement not imported is itself a difference). Result {"month",
    "balanced", "differences": [{"name", "violations"}], "figures"}. Saves
    nothing, so it is naturally idempotent. Raises ``invalid_month``."""
    month = month_or_previous(month)
    results = checks.run_all(month) + (statement_match.statement_results(month) if statements else [])
    failed = [{"name": r["name"], "violations": r["violations"]} for r in results if not r["ok"]]
    figures = checks.month_figures(month) | (statement_match.statement_figures(month) if statements else {})
    return {"month": month, "balanced": not failed, "differences": failed, "figures": figures}


@action("ledger.close_period")
def close_period(call: ActionCall, *, month: str | None = None) -> dict:
    """F06: close ``month`` (empty: the previous month); afterwards nothing
    may be posted with a date inside it. Result {"month", "status",
    "closed_at"}. Idempotent: closing a closed month keeps the first close.
    Raises ``invalid_month``, ``future_month``."""
    month = month_or_previous(month)
    _refuse_future(month, journal.today())
    row = journal.close_period(month, call.actor_id)
    return {"month": row.period, "status": row.status, "closed_at": row.closed_at.isoformat()}
