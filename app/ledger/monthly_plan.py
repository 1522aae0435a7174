"""The monthly sales plan (月度销售计划, F11): drafted from the issued annual
plan's lines for the month and the customers' open orders (结合客户订单情况,
seed line 37: approved blue orders not yet fully shipped), adjusted by the
sales office, approved by the director (by the task record, never a form's
word), and issued as a new immutable version of the month's plan."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger import journal
from app.ledger.money import ZERO, money_str, round_money
from app.ledger.months import month_bounds
from app.ledger.plan_inputs import line_targets, planners, submitted
from app.ledger.plan_targets import month_targets
from app.ledger.posting import posted_once
from app.models import Material, MaterialClass, MonthlyPlan, MonthlyPlanLine, SalesOrder, SalesOrderLine, User
from app.actions import ActionCall, BusinessRuleViolation, action

ADJUST_STEP = "Task_AdjustMonthlyPlan"
APPROVAL_STEP = "Task_ApproveMonthlyPlan"
LINES = "month_lines"
QTY = Decimal("0.0001")


def plan_month(month) -> tuple[int, int, str]:
    """(year, month, "YYYY-MM") of ``month``; an empty one is the month after
    today (the timer's). Raises ``invalid_month``."""
    if not month:
        today = journal.today()
        month = f"{today.year + today.month // 12:04d}-{today.month % 12 + 1:02d}"
    start, _ = month_bounds(str(month))
    return start.year, start.month, f"{start.year:04d}-{start.month:02d}"


def _names(model, column, ids) -> dict:
    wanted = {i for i in ids if i is not None}
    return {row.id: getattr(row, column) for row in db.session.scalars(
        select(model).where(model.id.in_(wanted)))} if wanted else {}


def open_orders() -> dict[tuple, list[Decimal]]:
    """Ordered but not yet shipped, by (region, salesperson id, class id):
    [open quantity, open amount gross of VAT] of approved blue orders."""
    open_qty = SalesOrderLine.qty - SalesOrderLine.qty_delivered
    rows = db.session.execute(select(
        SalesOrder.region, SalesOrder.salesperson_id, Material.class_id, SalesOrderLine.qty, open_qty,
        SalesOrderLine.gross).join(SalesOrderLine.order).join(Material, Material.id == SalesOrderLine.material_id)
        .where(SalesOrder.status == "approved", SalesOrder.kind == "blue", open_qty > 0)).all()
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal("0"), ZERO])
    for region, person, class_id, qty, left, gross in rows:
        sums[(region, person, class_id)][0] += Decimal(left)
        sums[(region, person, class_id)][1] += round_money(Decimal(gross) * Decimal(left) / Decimal(qty))
    return sums


def _number(text: str) -> int | float:
    """A figure as a form's number field takes it: whole numbers without a
    fraction (60, not 60.0); the rest exact to the cent or the 4th place as
    floats print."""
    value = Decimal(text)
    return int(value) if value == value.to_integral_value() else float(value)


@action("ledger.draft_monthly_plan")
def draft_monthly_plan(call: ActionCall, *, month=None) -> dict:
    """F11: the draft of ``month``'s plan (empty: next month): per region,
    salesperson and material class the annual plan's target for the month
    and the open orders, read-only; the proposed line takes the larger of
    the two (the month should at least ship what is already ordered).
    Result {"month", "lines": [...], "annual", "open_orders"}. Posts
    nothing. Raises ``invalid_month``."""
    year, mon, text = plan_month(month)
    annual: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal("0"), ZERO])
    for target in month_targets(year, mon):
        key = (target.region, target.salesperson_id, target.class_id)
        annual[key][0] += target.quantity
        annual[key][1] += target.amount
    backlog = open_orders()
    keys = sorted(set(annual) | set(backlog), key=lambda k: (k[0], k[1] or 0, k[2] or 0))
    people = _names(User, "username", [k[1] for k in keys])
    classes = _names(MaterialClass, "code", [k[2] for k in keys])

    def row(key, qty, amount):
        return {"region": key[0], "salesperson": people.get(key[1], ""), "material_class": classes.get(key[2], ""),
                "amount": money_str(amount), "quantity": str(qty.quantize(QTY))}

    lines = []  # as the adjustment form takes them
    for key in keys:
        plan, due = annual.get(key, [Decimal("0"), ZERO]), backlog.get(key, [Decimal("0"), ZERO])
        line = row(key, max(plan[0], due[0]), max(plan[1], due[1]))
        lines.append(line | {"amount": _number(line["amount"]), "quantity": _number(line["quantity"])})
    return {"month": text, "lines": lines, "annual": [row(k, *v) for k, v in sorted(annual.items(), key=lambda i: str(i[0]))],
            "open_orders": [row(k, *v) for k, v in sorted(backlog.items(), key=lambda i: str(i[0]))]}


def _adjusted(call: ActionCall, mon: int):
    events = submitted(call.instance_id, (ADJUST_STEP,))
    lines = (events[-1].data or {}).get(LINES) if events else None
    if not lines:
        raise BusinessRuleViolation("no_breakdown", "The sales office has given no lines for the month.", field=LINES)
    return line_targets(lines, field=LINES, month=mon)


@action("ledger.check_monthly_plan")
def check_monthly_plan(call: ActionCall, *, month) -> dict:
    """F11: the sales office's lines for ``month`` name known regions,
    salespeople of those regions and material classes, each with a target.
    Result {"amount", "quantity", "line_count"}. Posts nothing. Raises
    ``no_breakdown``, ``invalid_plan_line``, ``invalid_number``, ``invalid_month``."""
    _, mon, _ = plan_month(month)
    targets = _adjusted(call, mon)
    return {"amount": money_str(sum((t.amount for t in targets), ZERO)),
            "quantity": str(sum((t.quantity for t in targets), Decimal("0"))), "line_count": len(targets)}


def make_monthly_plan(call: ActionCall, month) -> MonthlyPlan:
    """Save the approved adjustment of ``call``'s instance as the next
    version of ``month``'s plan (flushes)."""
    approver = call.approver_of_record([APPROVAL_STEP])
    if approver is None:
        raise BusinessRuleViolation("not_approved", "The director has not approved this monthly plan.")
    year, mon, text = plan_month(month)
    targets = _adjusted(call, mon)
    version = (db.session.scalar(select(func.max(MonthlyPlan.version)).where(
        MonthlyPlan.year == year, MonthlyPlan.month == mon)) or 0) + 1
    plan = MonthlyPlan(
        number=f"MP{text}-{version}", year=year, month=mon, version=version,
        amount=sum((t.amount for t in targets), ZERO), quantity=sum((t.quantity for t in targets), Decimal("0")),
        issued_on=journal.today(), approved_by_id=approver, source_key=call.idempotency_key, created_at=clock.now(),
        lines=[MonthlyPlanLine(seq=seq, region=t.region, salesperson=t.salesperson, material_class=t.material_class,
                               amount=t.amount, quantity=t.quantity) for seq, t in enumerate(targets, start=1)])
    db.session.add(plan)
    db.session.flush()
    return plan


@action("ledger.issue_monthly_plan")
def issue_monthly_plan(call: ActionCall, *, month) -> dict:
    """F11: the director-approved lines of the month become a new version of
    the month's plan (MP2027-01-1, MP2027-01-2 …), saved once per call and
    never changed. Result {"number", "month", "version", "amount",
    "quantity", "targets": [{"region", "salesperson", "material_class",
    "amount", "quantity"}], "recipients": [usernames]}. Raises
    ``not_approved``, ``no_breakdown``, ``invalid_plan_line``, ``invalid_month``."""
    plan = posted_once(MonthlyPlan, call.idempotency_key, lambda: make_monthly_plan(call, month))
    _, managers = planners()
    people = {line.salesperson.username for line in plan.lines if line.salesperson is not None}
    people |= {managers[line.region].username for line in plan.lines if line.region in managers}
    return {"number": plan.number, "month": f"{plan.year:04d}-{plan.month:02d}", "version": plan.version,
            "amount": money_str(plan.amount), "quantity": str(plan.quantity),
            "targets": [{"region": l.region, "salesperson": l.salesperson.username if l.salesperson else "",
                         "material_class": l.material_class.code if l.material_class else "",
                         "amount": money_str(l.amount), "quantity": str(l.quantity)} for l in plan.lines],
            "recipients": sorted(people)}
