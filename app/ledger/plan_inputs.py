"""What the annual sales plan (F11) is made from: last year's figures from
the sales summary, what each salesperson and regional manager submitted
(销售人员的意见及申报), and the breakdown the sales office made, checked
against the production capacity declared at the start (结合企业生产能力).

Figures are read from the instance's audit log (what people submitted),
never from engine data another step could have changed."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.money import ZERO, money_str, round_money, round_qty, to_decimal
from app.models import AuditEvent, Customer, MaterialClass, Role, SalesFactMonthly, User, user_role
from app.models.sales_fact import NO_CLASS
from app.actions import ActionCall, BusinessRuleViolation, action

FRAME_STEP = "Task_PlanFrame"
REP_STEP = "Task_RepFigures"
REGION_STEP = "Task_RegionConsolidation"
BREAKDOWN_STEP = "Task_Breakdown"
SUBMISSION_STEPS = (REP_STEP, REGION_STEP)
QTY_PLACES = 4
MEASURES = ("shipped", "invoiced", "received")


def plan_year(value) -> int:
    """``value`` as a plan year. Raises ``invalid_year``."""
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= 2100:
        raise BusinessRuleViolation("invalid_year", f"{value!r} is no plan year (2000–2100).", field="year")
    return year


def submitted(instance_id: int, steps: tuple[str, ...]) -> list[AuditEvent]:
    """The completions of ``steps`` of the instance, oldest first, as its
    audit log records them."""
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.kind == "task_completed", AuditEvent.element_id.in_(steps))
        .order_by(AuditEvent.seq)))


def plan_frame(instance_id: int) -> dict:
    """The year, strategy, forecast and capacity the sales office framed
    the plan with. Raises ``no_plan_frame``."""
    events = submitted(instance_id, (FRAME_STEP,))
    if events:
        return events[-1].data or {}
    raise BusinessRuleViolation("no_plan_frame", "Nobody gave the plan's year, strategy and capacity.")


def _holders(role: str) -> list[User]:
    return list(db.session.scalars(select(User).join(user_role).join(Role).where(
        Role.code == role, User.active.is_(True)).order_by(User.id)))


def planners() -> tuple[list[User], dict[str, User]]:
    """The active sales reps (by username) and each region's regional
    manager (by region): the one its reps report to, else the region's first
    (a region may have two, e.g. the director's assistant)."""
    reps = sorted(_holders("sales_rep"), key=lambda u: u.username)
    bosses = {rep.manager_id for rep in reps}
    managers: dict[str, User] = {}
    for manager in sorted(_holders("regional_manager"), key=lambda u: (u.id not in bosses, u.id)):
        if manager.region:
            managers.setdefault(manager.region, manager)
    return reps, managers


@action("ledger.plan_baseline")
def plan_baseline(call: ActionCall, *, year) -> dict:
    """F11: last year's shipped, invoiced and received amounts by region,
    salesperson, material class and month (the sales summary), read-only,
    and who submits figures: every active rep, and the regions with a
    regional manager to consolidate them. Posts nothing. Raises ``invalid_year``."""
    planned = plan_year(year)
    first, last = date(planned - 1, 1, 1), date(planned - 1, 12, 1)
    sums = db.session.execute(select(
        SalesFactMonthly.region, SalesFactMonthly.salesperson_id, SalesFactMonthly.class_id, SalesFactMonthly.month,
        SalesFactMonthly.measure, func.sum(SalesFactMonthly.amount))
        .where(SalesFactMonthly.month.between(first, last))
        .group_by(SalesFactMonthly.region, SalesFactMonthly.salesperson_id, SalesFactMonthly.class_id,
                  SalesFactMonthly.month, SalesFactMonthly.measure)).all()
    names = {u.id: u.username for u in db.session.scalars(select(User).where(
        User.id.in_({row[1] for row in sums})))}
    classes = {c.id: c.code for c in db.session.scalars(select(MaterialClass).where(
        MaterialClass.id.in_({row[2] for row in sums})))}
    rows: dict[tuple, dict] = {}
    for region, person, class_id, month, measure, amount in sums:
        key = (region, names.get(person, ""), classes.get(class_id, "") if class_id != NO_CLASS else "", month.month)
        row = rows.setdefault(key, {"region": key[0], "salesperson": key[1], "material_class": key[2],
                                    "month": key[3], **{m: ZERO for m in MEASURES}})
        row[measure] += Decimal(amount)
    reps, managers = planners()
    return {"year": planned, "baseline_year": planned - 1,
            "rows": [{**row, **{m: money_str(row[m]) for m in MEASURES}} for _, row in sorted(rows.items())],
            "totals": {m: money_str(sum((row[m] for row in rows.values()), ZERO)) for m in MEASURES},
            "reps": [rep.username for rep in reps],
            "regions": sorted({rep.region for rep in reps if rep.region in managers})}


@action("ledger.plan_submissions")
def plan_submissions(call: ActionCall) -> dict:
    """F11: what each salesperson and regional manager of this plan
    submitted, as the audit log records it, for the next step to read.
    Posts nothing."""
    out: dict[str, list] = {REP_STEP: [], REGION_STEP: []}  # the reps' figures, the regions' consolidations
    for event in submitted(call.instance_id, SUBMISSION_STEPS):
        form = event.data or {}
        out[event.element_id].append({"by": event.on_behalf_of or event.actor, "lines": form.get("lines") or [],
                                      "remark": form.get("remark") or ""})
    return {"rep_figures": out[REP_STEP], "region_figures": out[REGION_STEP]}


@dataclass(frozen=True)
class Target:
    region: str
    salesperson: User | None
    customer: Customer | None
    material_class: MaterialClass | None
    month: int
    amount: Decimal
    quantity: Decimal


def _by_code(model, column, codes) -> dict:
    wanted = {code for code in codes if code}
    return {getattr(row, column): row for row in db.session.scalars(
        select(model).where(getattr(model, column).in_(wanted)))} if wanted else {}


def _refuse(field: str, seq: int, what: str, value) -> BusinessRuleViolation:
    return BusinessRuleViolation("invalid_plan_line", f"Line {seq}: {what} {value!r}.", {"line": seq}, field=field)


def breakdown_targets(instance_id: int) -> list[Target]:
    """The sales office's last breakdown of the instance as targets.
    Raises ``no_breakdown`` and what ``line_targets`` raises."""
    events = submitted(instance_id, (BREAKDOWN_STEP,))
    lines = (events[-1].data or {}).get("plan_lines") if events else None
    if not lines:
        raise BusinessRuleViolation("no_breakdown", "The sales office has broken down no plan lines.",
                                    field="plan_lines")
    return line_targets(lines, field="plan_lines")


def line_targets(lines: list[dict], *, field: str, month: int | None = None) -> list[Target]:
    """Plan lines as submitted as targets; ``month`` for lines that name
    none (a monthly plan's). Raises ``invalid_plan_line`` (an unknown region,
    salesperson, customer or material class, a month outside 1–12, a
    negative or empty figure), ``invalid_number``."""
    people = _by_code(User, "username", [line.get("salesperson") for line in lines])
    customers = _by_code(Customer, "code", [line.get("customer") for line in lines])
    classes = _by_code(MaterialClass, "code", [line.get("material_class") for line in lines])
    _, managers = planners()
    regions = set(managers) | {p.region for p in people.values() if p.region}
    targets = []
    for seq, line in enumerate(lines, start=1):
        region, who = line.get("region"), line.get("salesperson")
        if region not in regions:
            raise _refuse(field, seq, "no sales region", region)
        person, customer, kind = people.get(who), customers.get(line.get("customer")), classes.get(line.get("material_class"))
        if who and (person is None or person.region != region):
            raise _refuse(field, seq, f"no salesperson of {region}", who)
        if line.get("customer") and customer is None:
            raise _refuse(field, seq, "no customer", line.get("customer"))
        if line.get("material_class") and kind is None:
            raise _refuse(field, seq, "no material class", line.get("material_class"))
        when = line.get("month") if month is None else month
        if not isinstance(when, int) or not 1 <= when <= 12:
            raise _refuse(field, seq, "no month of the year", when)
        amount = round_money(line.get("amount", 0), "amount")
        quantity = round_qty(to_decimal(line.get("quantity", 0), "quantity"), QTY_PLACES)
        if amount < 0 or quantity < 0 or amount == quantity == 0:
            raise _refuse(field, seq, "no target (amount and quantity)", f"{amount}/{quantity}")
        targets.append(Target(region, person, customer, kind, when, amount, quantity))
    return targets


def capacity_excess(instance_id: int, targets: list[Target]) -> list[dict]:
    """The (material class, month) pairs whose planned quantity exceeds the
    capacity declared at the start; a pair without a declared capacity is
    not limited."""
    capacity: dict[tuple, Decimal] = {}
    for entry in plan_frame(instance_id).get("capacity") or []:
        key = (entry.get("material_class"), entry.get("month"))
        capacity[key] = capacity.get(key, ZERO) + round_qty(to_decimal(entry.get("quantity", 0), "capacity"), QTY_PLACES)
    planned: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for target in targets:
        if target.material_class is not None:
            planned[(target.material_class.code, target.month)] += target.quantity
    return [{"material_class": key[0], "month": key[1], "planned": str(qty), "capacity": str(capacity[key])}
            for key, qty in sorted(planned.items()) if key in capacity and qty > capacity[key]]


@action("ledger.check_plan_capacity")
def check_plan_capacity(call: ActionCall) -> dict:
    """F11: the breakdown is whole (known regions, people, customers,
    classes, months 1–12) and no month plans more of a material class than
    the capacity declared for it. Result {"amount", "quantity", "line_count"}.
    Posts nothing. Raises ``over_capacity`` (details ``over``: [{"material_class",
    "month", "planned", "capacity"}]), ``no_breakdown``, ``invalid_plan_line``,
    ``no_plan_frame``, ``invalid_number``."""
    targets = breakdown_targets(call.instance_id)
    over = capacity_excess(call.instance_id, targets)
    if over:
        months = ", ".join(f"{o['material_class']} {o['month']}: {o['planned']} > {o['capacity']}" for o in over)
        raise BusinessRuleViolation("over_capacity", f"These months plan more than production can make: {months}.",
                                    {"over": over}, field="plan_lines")
    return {"amount": money_str(sum((t.amount for t in targets), ZERO)),
            "quantity": str(sum((t.quantity for t in targets), Decimal("0"))), "line_count": len(targets)}
