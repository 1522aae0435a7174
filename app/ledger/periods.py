"""Month end: reconciliation (F06) and closing the period."""
from sqlalchemy import select

from app.extensions import db
from app.ledger import checks, journal
from app.models import AccountingPeriod
from app.workflow.actions import ActionCall, BusinessRuleViolation, action


def _month(value: str | None) -> str:
    if not value:
        return journal.period_of(journal.today())
    try:
        checks._month_bounds(value)
    except (ValueError, TypeError):
        raise BusinessRuleViolation("invalid_month", f"Not a month (YYYY-MM): {value!r}") from None
    return value


@action("ledger.reconcile")
def reconcile(call: ActionCall, *, month: str | None = None) -> dict:
    """F06: run every invariant for ``month`` (YYYY-MM, default the current
    one). Result {"month", "ok", "differences": [{"name", "violations"}]}.
    Saves nothing, so it is naturally idempotent. Raises ``invalid_month``."""
    month = _month(month)
    failed = [{"name": r["name"], "violations": r["violations"]} for r in checks.run_all(month) if not r["ok"]]
    return {"month": month, "ok": not failed, "differences": failed}


@action("ledger.close_period")
def close_period(call: ActionCall, *, month: str) -> dict:
    """F06: close ``month``; afterwards nothing may be posted into it.
    Result {"month", "status"}. Idempotent. Raises ``invalid_month``."""
    row = journal.close_period(_month(month), call.actor_id)
    return {"month": row.period, "status": row.status}


def period_status(month: str) -> str:
    """"open" or "closed"."""
    return db.session.scalar(select(AccountingPeriod.status).where(AccountingPeriod.period == month)) or "open"
