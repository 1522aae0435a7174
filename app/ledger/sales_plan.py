"""Issuing the approved annual sales plan (销售计划下达, F11): the targets the
sales office broke down, approved by the director and then the general
manager (by the task records, never a form's word), saved as a new
immutable version of the year's plan. Who gets targets (each salesperson
named, each regional manager of a region with targets) comes back for the
flow to tell them.

The issued targets feed the monthly report's achievement and the quarterly
review's targets: ``quarter_targets``, month by month through
``plan_targets.month_targets`` (a monthly plan replaces its month)."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.assessment import quarter_bounds
from app.ledger.money import ZERO, money_str
from app.ledger.plan_inputs import breakdown_targets, capacity_excess, plan_frame, plan_year, planners
from app.ledger.plan_targets import latest_plan, month_targets
from app.ledger.posting import posted_once
from app.models import SalesPlan, SalesPlanLine, SalesTarget
from app.actions import ActionCall, BusinessRuleViolation, action

DIRECTOR_STEP = "Task_DirectorApproval"
GM_STEP = "Task_GMApproval"


def make_plan(call: ActionCall) -> SalesPlan:
    """Save the approved breakdown of ``call``'s instance as the next version
    of its year's plan (flushes). Raises ``not_approved``, ``over_capacity``
    and what ``breakdown_targets`` and ``plan_frame`` raise."""
    if call.approver_of_record([DIRECTOR_STEP]) is None or call.approver_of_record([GM_STEP]) is None:
        raise BusinessRuleViolation("not_approved", "The director and the general manager have not both approved this plan.")
    frame = plan_frame(call.instance_id)
    year = plan_year(frame.get("year"))
    targets = breakdown_targets(call.instance_id)
    if capacity_excess(call.instance_id, targets):
        raise BusinessRuleViolation("over_capacity", "The plan exceeds the production capacity declared for it.")
    version = (db.session.scalar(select(func.max(SalesPlan.version)).where(SalesPlan.year == year)) or 0) + 1
    plan = SalesPlan(
        number=f"SP{year}-{version}", year=year, version=version, strategy=str(frame.get("strategy") or ""),
        forecast=str(frame.get("forecast") or ""), amount=sum((t.amount for t in targets), ZERO),
        quantity=sum((t.quantity for t in targets), Decimal("0")), issued_on=journal.today(),
        approved_by_id=call.approver_of_record([GM_STEP]), source_key=call.idempotency_key, created_at=clock.now(),
        lines=[SalesPlanLine(seq=seq, region=t.region, salesperson=t.salesperson, customer=t.customer,
                             material_class=t.material_class, month=t.month, amount=t.amount, quantity=t.quantity)
               for seq, t in enumerate(targets, start=1)])
    db.session.add(plan)
    db.session.flush()
    return plan


def _targets_by_person(plan: SalesPlan) -> list[dict]:
    sums: dict[tuple, list] = defaultdict(lambda: [ZERO, Decimal("0")])
    for line in plan.lines:
        key = (line.region, line.salesperson.username if line.salesperson else "")
        sums[key][0] += line.amount
        sums[key][1] += line.quantity
    return [{"region": region, "salesperson": who, "amount": money_str(amount), "quantity": str(quantity)}
            for (region, who), (amount, quantity) in sorted(sums.items())]


@action("ledger.issue_sales_plan")
def issue_sales_plan(call: ActionCall) -> dict:
    """F11: the approved plan becomes a new version of its year's plan
    (SP2027-1, SP2027-2 …), saved once per call and never changed. Result
    {"number", "year", "version", "amount", "quantity", "targets": [{"region",
    "salesperson", "amount", "quantity"}], "recipients": [usernames]}.
    Raises ``not_approved``, ``over_capacity``, ``no_breakdown``,
    ``invalid_plan_line``, ``no_plan_frame``, ``invalid_year``."""
    plan = posted_once(SalesPlan, call.idempotency_key, lambda: make_plan(call))
    _, managers = planners()
    people = {line.salesperson.username for line in plan.lines if line.salesperson is not None}
    people |= {managers[line.region].username for line in plan.lines if line.region in managers}
    return {"number": plan.number, "year": plan.year, "version": plan.version, "amount": money_str(plan.amount),
            "quantity": str(plan.quantity), "targets": _targets_by_person(plan), "recipients": sorted(people)}


def quarter_targets(quarter: str) -> dict[int, Decimal]:
    """Each field person's sales target for ``quarter`` ("2027-Q1"): the
    months' targets (each month's issued monthly plan, else the year's
    latest annual plan's lines) summed over the quarter, else the
    per-person target stored for the quarter (SalesTarget, the latest row).
    {user id: amount}. Raises ``invalid_quarter``."""
    first, _ = quarter_bounds(quarter)
    stored = {row.employee_id: row.amount for row in db.session.scalars(
        select(SalesTarget).where(SalesTarget.quarter == quarter.upper()).order_by(SalesTarget.id))}
    annual = latest_plan(first.year)
    planned: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for month in range(first.month, first.month + 3):
        for target in month_targets(first.year, month, annual):
            if target.salesperson_id is not None:
                planned[target.salesperson_id] += target.amount
    return stored | planned
