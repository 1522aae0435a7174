"""Employee advances outstanding (借支余额) as of a day: per employee and per
region, aged from the day each advance was paid (0–30, 31–60, 61–90, >90
days), and the list of the open advances linked to the requests that paid
them.

Outstanding as of a day = paid − what claims dated up to that day applied
against it − the cash returned with them (invariant 8: paid = claimed +
returned + outstanding). The reader's report scope narrows the list: a rep
reads their own advances, a regional manager their region's people, the
office, management and finance everyone's."""
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.bounds import FIRST_DAY, LAST_DAY
from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.ownership import instance_of
from app.models import EmployeeAdvance, ExpenseClaim, User
from app.services.report_access import report_scope

FILTERS = ("as_of", "region")
BUCKETS = ("0-30", "31-60", "61-90", "90+")
ZERO = Decimal("0.00")


def bucket_of(days: int) -> str:
    """The age bucket of an advance paid ``days`` ago."""
    return BUCKETS[0] if days <= 30 else BUCKETS[1] if days <= 60 else BUCKETS[2] if days <= 90 else BUCKETS[3]


def _as_of(value) -> date:
    text = (value or "").strip()
    if not text:
        return clock.today()
    try:
        day = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationFailed.for_fields({"as_of": [f"Use a day (YYYY-MM-DD) between {FIRST_DAY} and {LAST_DAY}."]})
    return day


def _totals(rows: list[dict], key: str, label: str) -> list[dict]:
    groups: dict = {}
    for row in rows:
        group = groups.setdefault(row[key], {"key": row[key], "name": row[label], "region": row["region"], "count": 0,
                                             "total": ZERO, **{b: ZERO for b in BUCKETS}})
        group["count"] += 1
        group["total"] += row["outstanding"]
        group[row["bucket"]] += row["outstanding"]
    return sorted(groups.values(), key=lambda g: (-g["total"], str(g["key"])))


def advances_report(user: User, filters: dict) -> dict:
    """The advances outstanding on ``filters["as_of"]`` (ISO date, default
    the business date today) inside ``user``'s scope, narrowed by ``region``
    (the employee's). Raises Forbidden (no report reader), ValidationFailed
    naming ``as_of``."""
    scope = report_scope(user)
    day = _as_of(filters.get("as_of"))
    settled = (select(ExpenseClaim.advance_id, func.sum(ExpenseClaim.applied + ExpenseClaim.returned).label("settled"))
               .where(ExpenseClaim.advance_id.is_not(None), ExpenseClaim.claim_date <= day)
               .group_by(ExpenseClaim.advance_id).subquery())
    query = (select(EmployeeAdvance, User, settled.c.settled)
             .join(User, User.id == EmployeeAdvance.employee_id)
             .outerjoin(settled, settled.c.advance_id == EmployeeAdvance.id)
             .where(EmployeeAdvance.advance_date <= day)
             .order_by(EmployeeAdvance.advance_date, EmployeeAdvance.id))
    if (clause := scope.clause(EmployeeAdvance.employee_id, User.region)) is not None:
        query = query.where(clause)
    kept = {"as_of": day.isoformat()}
    if (region := (filters.get("region") or "").strip()):
        query = query.where(User.region == region)
        kept["region"] = region
    rows = []
    for advance, employee, paid_back in db.session.execute(query).all():
        settled_amount = Decimal(paid_back) if paid_back is not None else ZERO
        outstanding = advance.amount - settled_amount
        if outstanding <= 0:
            continue
        age = (day - advance.advance_date).days
        rows.append({"number": advance.number, "date": advance.advance_date, "employee": employee.username,
                     "employee_name": employee.display_name, "region": employee.region or "",
                     "purpose": advance.purpose, "amount": advance.amount, "settled": settled_amount,
                     "outstanding": outstanding, "age": age, "bucket": bucket_of(age),
                     "instance_id": instance_of(advance.source_key)})
    by_region = _totals(rows, "region", "region")
    return {"filters": kept, "as_of": day, "buckets": BUCKETS, "rows": rows,
            "by_employee": _totals(rows, "employee", "employee_name"), "by_region": by_region,
            "total": {"count": len(rows), "total": sum((r["outstanding"] for r in rows), ZERO),
                      **{b: sum((r["outstanding"] for r in rows if r["bucket"] == b), ZERO) for b in BUCKETS}}}
