"""The monthly report (F07): shipments, invoices and receipts of a month and
of the year to date, by salesperson, customer and region. Read-only."""
from app.ledger import journal, periods
from app.ledger.report_figures import monthly_figures
from app.actions import ActionCall, BusinessRuleViolation, action


def monthly_report(month: str) -> dict:
    """The figures of ``month`` and the year to date, for everyone (see
    ``report_figures.monthly_figures``: totals, by salesperson, customer,
    region and product series, month by month). Amounts are strings.
    Raises BusinessRuleViolation ``invalid_month``."""
    return monthly_figures(month)


@action("ledger.build_monthly_report")
def build_monthly_report(call: ActionCall, *, month: str | None = None) -> dict:
    """F07: the month and year-to-date report of shipments, invoices and
    receipts by salesperson, customer and region (see ``monthly_report``);
    empty ``month``: the month before business today. Only a month whose
    reconciliation finance has confirmed (closed) is reported, so the
    figures submitted upward are the reconciled ones. Saves nothing, so it
    is naturally idempotent. Raises ``invalid_month``, ``future_month``,
    ``month_not_reconciled``."""
    month = periods.month_or_previous(month)
    if month > journal.period_of(journal.today()):
        raise BusinessRuleViolation("future_month", f"{month} has not begun yet.", {"month": month}, field="month")
    periods.require_reconciled(month)
    return monthly_report(month)

