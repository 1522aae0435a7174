"""Plan versus actual (计划执行分析, F11): each month's achievement of the
sales plan by region, salesperson and material class, for the month and
the year to date. Targets are the month's (a monthly plan, else the annual
plan's lines, ``plan_targets.month_targets``); actuals are what was
invoiced, from the sales summary the monthly report reads (sales_fact_monthly)."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger.money import ZERO, money_str
from app.ledger.monthly_plan import plan_month
from app.ledger.months import month_bounds, previous_month
from app.ledger import journal
from app.ledger.plan_targets import latest_plan, month_targets
from app.models import MaterialClass, SalesFactMonthly, User
from app.models.sales_fact import NO_CLASS
from app.actions import ActionCall, action

DIMENSIONS = ("region", "salesperson", "material_class")
ACTUAL = "invoiced"
TARGET, DONE = 0, 1


def _pct(done: Decimal, target: Decimal) -> float | None:
    """Achievement in percent to one place, a number the decision table and
    the variance list compare; None without a target."""
    return float((done * 100 / target).quantize(Decimal("0.1"))) if target else None


def _rolled_up(planned: set[int]):
    """A sold material's class → the class a target names for it: the class
    itself or its nearest ancestor with a target (a plan for 泵 counts the
    单级离心泵 sold), else the class as it is."""
    parents = dict(db.session.execute(select(MaterialClass.id, MaterialClass.parent_id)).all())

    def of(class_id: int) -> int:
        node, seen = class_id, set()
        while node is not None and node not in planned and node not in seen:
            seen.add(node)
            node = parents.get(node)
        return class_id if node is None or node not in planned else node

    return of


def _figures(year: int, mon: int) -> dict[str, dict]:
    """{dimension: {key id: {"month": [target, actual], "ytd": [target, actual]}}}."""
    out = {d: defaultdict(lambda: {"month": [ZERO, ZERO], "ytd": [ZERO, ZERO]}) for d in DIMENSIONS}

    def add(region, person, class_id, amount, at, when):
        for dimension, key in zip(DIMENSIONS, (region, person, class_id)):
            if key is not None:
                out[dimension][key]["ytd"][at] += amount
                if when == mon:
                    out[dimension][key]["month"][at] += amount

    annual = latest_plan(year)
    targets = [(when, t) for when in range(1, mon + 1) for t in month_targets(year, when, annual)]
    for when, t in targets:
        add(t.region, t.salesperson_id, t.class_id, t.amount, TARGET, when)
    planned_class = _rolled_up({t.class_id for _, t in targets if t.class_id is not None})
    first, _ = month_bounds(f"{year:04d}-01")
    last, _ = month_bounds(f"{year:04d}-{mon:02d}")
    for region, person, class_id, month, amount in db.session.execute(select(
            SalesFactMonthly.region, SalesFactMonthly.salesperson_id, SalesFactMonthly.class_id, SalesFactMonthly.month,
            func.sum(SalesFactMonthly.amount)).where(SalesFactMonthly.measure == ACTUAL,
                                                     SalesFactMonthly.month.between(first, last))
            .group_by(SalesFactMonthly.region, SalesFactMonthly.salesperson_id, SalesFactMonthly.class_id,
                      SalesFactMonthly.month)):
        add(region, person or None, planned_class(class_id) if class_id != NO_CLASS else None, Decimal(amount), DONE,
            month.month)
    return out


def _names(figures: dict) -> dict:
    people = {u.id: u.username for u in db.session.scalars(select(User).where(User.id.in_(figures["salesperson"])))}
    classes = {c.id: c.code for c in db.session.scalars(select(MaterialClass).where(
        MaterialClass.id.in_(figures["material_class"])))}
    return {"region": lambda key: key, "salesperson": lambda key: people.get(key, str(key)),
            "material_class": lambda key: classes.get(key, str(key))}


@action("ledger.plan_achievement")
def plan_achievement(call: ActionCall, *, month=None) -> dict:
    """F11: achievement of ``month`` (empty: the month that ended last) by
    region, salesperson and material class, month and year to date. Result
    {"month", "next_month", "has_targets", "by_region", "by_salesperson",
    "by_material_class": [{"key", "month_target", "month_actual",
    "month_pct", "ytd_target", "ytd_actual", "ytd_pct"}], "lowest_pct",
    "highest_pct"} — each group sums to the whole; the lowest and highest
    month achievement among rows with a target (100 when nothing was
    planned, so nothing is flagged). Posts nothing. Raises ``invalid_month``."""
    year, mon, text = plan_month(month or previous_month(journal.today()))
    figures = _figures(year, mon)
    names = _names(figures)
    groups = {}
    for dimension in DIMENSIONS:
        groups[f"by_{dimension}"] = sorted(({
            "key": names[dimension](key),
            "month_target": money_str(sums["month"][TARGET]), "month_actual": money_str(sums["month"][DONE]),
            "month_pct": _pct(sums["month"][DONE], sums["month"][TARGET]),
            "ytd_target": money_str(sums["ytd"][TARGET]), "ytd_actual": money_str(sums["ytd"][DONE]),
            "ytd_pct": _pct(sums["ytd"][DONE], sums["ytd"][TARGET])} for key, sums in figures[dimension].items()),
            key=lambda row: row["key"])
    pcts = [row["month_pct"] for rows in groups.values() for row in rows if row["month_pct"] is not None]
    _, after = month_bounds(text)
    return {"month": text, "next_month": f"{after.year:04d}-{after.month:02d}", "has_targets": bool(pcts), **groups,
            "lowest_pct": min(pcts, default=100.0), "highest_pct": max(pcts, default=100.0)}
