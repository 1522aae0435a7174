"""The monthly service report (售后服务月报, F20): the after-sales cases
opened in a range of months, by request type — how many, how many closed,
how long the service desk took to triage them and technical support or
quality to resolve them (working hours, as their due times count), how
often a step ran late, and the customers' satisfaction at the follow-up
call — with the list of cases linked to their requests.

The service department reads every case: the sales service manager, the
service desk, and those who read every sales report."""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.errors import Forbidden
from app.extensions import db
from app.ledger.ownership import instance_of
from app.models import SalesOrder, ServiceCase, ServiceCharge, ServiceResolution, User
from app.models.service_case import CASE_KINDS
from app.services.report_access import EVERYTHING
from app.services.report_returns import month_range
from app.services.working_calendar import current_calendar

FILTERS = ("from", "to", "kind")
READERS = ("service_manager", "service_desk", *EVERYTHING)
TENTH = Decimal("0.1")
ZERO = Decimal("0.00")


def may_read_service_report(user: User | None) -> bool:
    return bool(user) and any(user.has_role(code) for code in READERS)


def _working_hours(calendar, start, end) -> Decimal | None:
    if start is None or end is None:
        return None
    return (Decimal(calendar.working_seconds(start, end)) / 3600).quantize(TENTH, ROUND_HALF_UP)


def _mean(values) -> Decimal | None:
    known = [Decimal(v) for v in values if v is not None]
    return (sum(known) / len(known)).quantize(TENTH, ROUND_HALF_UP) if known else None


def _summary(rows: list[dict]) -> dict:
    return {"count": len(rows), "closed": sum(1 for r in rows if r["status"] == "closed"),
            "triage_hours": _mean(r["triage_hours"] for r in rows),
            "resolve_hours": _mean(r["resolve_hours"] for r in rows),
            "escalated": sum(1 for r in rows if r["escalations"]),
            "satisfaction": _mean(r["satisfaction"] for r in rows),
            "rated": sum(1 for r in rows if r["satisfaction"] is not None)}


def service_report(user: User, filters: dict) -> dict:
    """The cases opened from month ``filters["from"]`` to ``filters["to"]``,
    narrowed by ``kind``: each case, and per request type and in total the
    count, closed, mean working hours to triage and to resolve, the cases
    escalated and the mean satisfaction. Raises Forbidden (not a reader of
    service cases), ValidationFailed naming ``from`` or ``to``."""
    if not may_read_service_report(user):
        raise Forbidden("The service report is for the service department and those who read every sales report.")
    first, last, start, end = month_range(filters)
    calendar = current_calendar()
    start_at = calendar.start_of_day(start)
    end_at = calendar.start_of_day(end)
    query = (select(ServiceCase).where(ServiceCase.opened_at >= start_at, ServiceCase.opened_at < end_at)
             .options(selectinload(ServiceCase.customer), selectinload(ServiceCase.resolutions))
             .order_by(ServiceCase.opened_at, ServiceCase.id))
    kept = {"from": first, "to": last}
    if (kind := (filters.get("kind") or "").strip()) in CASE_KINDS:
        query = query.where(ServiceCase.kind == kind)
        kept["kind"] = kind
    rows = []
    for case in db.session.scalars(query):
        outcome = case.resolutions[-1].outcome if case.resolutions else None
        rows.append({"number": case.number, "opened": case.opened_at.astimezone(calendar.zone).date(),
                     "customer": case.customer.code, "customer_name": case.customer.name, "kind": case.kind,
                     "severity": case.severity, "route": case.route, "status": case.status, "outcome": outcome,
                     "in_warranty": case.in_warranty, "reopened": case.reopen_count,
                     "escalations": case.escalation_count,
                     "triage_hours": _working_hours(calendar, case.opened_at, case.triaged_at),
                     "resolve_hours": _working_hours(calendar, case.triaged_at, case.resolved_at),
                     "satisfaction": case.satisfaction, "instance_id": instance_of(case.source_key)})
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row)
    return {"filters": kept, "rows": rows, "total": _summary(rows),
            "by_kind": [{"key": kind, **_summary(by_kind[kind])} for kind in CASE_KINDS if by_kind[kind]],
            "by_month": money_by_month(start, end, kept.get("kind"))}


def money_by_month(start, end, kind: str | None) -> list[dict]:
    """Per month of resolution from ``start`` (inclusive) to ``end``
    (exclusive), of cases of ``kind`` or all: the warranty cost (the parts
    warranty work used, at standard cost, posted as after-sales expense) and
    the billable work ordered, net of VAT and with it (the service orders the
    order clerks confirmed). Months with neither are left out."""
    months: dict = defaultdict(lambda: {"warranty_cost": ZERO, "billable_net": ZERO, "billable_gross": ZERO})
    resolved = (select(ServiceResolution.resolved_on, ServiceResolution.warranty_expense, SalesOrder.net, SalesOrder.gross)
                .join(ServiceCase, ServiceCase.id == ServiceResolution.case_id)
                .outerjoin(ServiceCharge, ServiceCharge.resolution_id == ServiceResolution.id)
                .outerjoin(SalesOrder, SalesOrder.id == ServiceCharge.order_id)
                .where(ServiceResolution.resolved_on >= start, ServiceResolution.resolved_on < end))
    if kind:
        resolved = resolved.where(ServiceCase.kind == kind)
    for day, warranty, net, gross in db.session.execute(resolved):
        month = months[f"{day.year:04d}-{day.month:02d}"]
        month["warranty_cost"] += warranty
        month["billable_net"] += net or ZERO
        month["billable_gross"] += gross or ZERO
    return [{"month": key, **figures} for key, figures in sorted(months.items())
            if any(figures.values())]
