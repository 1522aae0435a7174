"""The monthly report's figures (F07): shipped, invoiced (blue less red) and
received, for a month and the year to date, in totals, by salesperson,
customer, region and product series, and month by month over the year;
with each salesperson's quarterly target (app/ledger/performance.py) and
what they have invoiced in the quarter so far. Every figure is summed by
the database over ``report_facts.facts``. Read-only."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import case, extract, func, literal_column, select, type_coerce

from app.extensions import db
from app.ledger import periods
from app.ledger.months import month_bounds
from app.ledger.money import ZERO, money_str
from app.ledger.report_facts import MEASURES, Narrowing, facts
from app.models import Customer, MaterialClass, SalesTarget, User
from app.models.types import Money

DIMENSIONS = ("salesperson", "customer", "region", "series")
NO_SALESPERSON = "(none)"


def series_of_classes() -> dict[int, str]:
    """Material class id → the name of its top ancestor (the product series)."""
    classes = {c.id: c for c in db.session.scalars(select(MaterialClass))}

    def top(node):
        while node.parent_id is not None and node.parent_id in classes:
            node = classes[node.parent_id]
        return node.name

    return {ident: top(node) for ident, node in classes.items()}


def _zero() -> dict:
    return {m: ZERO for m in MEASURES}


def _text(figures: dict) -> dict:
    return {m: money_str(figures[m]) for m in MEASURES}


def _summed(subquery):
    return type_coerce(func.sum(subquery.c.amount), Money()).label("amount")


def _by(subquery, column, start: date) -> dict:
    """{key: {"month": {measure: Decimal}, "ytd": {...}}} grouped in SQL by ``column``."""
    in_month = case((subquery.c.day >= start, 1), else_=0).label("in_month")
    rows = db.session.execute(
        select(subquery.c.measure, in_month, column.label("key"), _summed(subquery))
        .group_by(subquery.c.measure, literal_column("in_month"), literal_column("key")))
    groups: dict = defaultdict(lambda: {"month": _zero(), "ytd": _zero()})
    for measure, this_month, key, amount in rows:
        groups[key]["ytd"][measure] += amount or ZERO
        if this_month:
            groups[key]["month"][measure] += amount or ZERO
    return groups


def _by_month(subquery, year: int, last: int) -> list[dict]:
    number = extract("month", subquery.c.day).label("number")
    sums = {n: _zero() for n in range(1, last + 1)}
    for measure, n, amount in db.session.execute(
            select(subquery.c.measure, number, _summed(subquery)).group_by(subquery.c.measure, literal_column("number"))):
        sums[int(n)][measure] += amount or ZERO
    return [{"month": f"{year:04d}-{n:02d}", **_text(figures)} for n, figures in sums.items()]


def _rows(groups: dict, names) -> list[dict]:
    listed = []
    for key, figures in groups.items():
        code, name = names(key)
        listed.append({"key": code, "name": name, "month": _text(figures["month"]), "ytd": _text(figures["ytd"])})
    return sorted(listed, key=lambda r: r["key"])


def quarter_of(month: str) -> tuple[str, date]:
    """"2026-11" → ("2026-Q4", 2026-10-01)."""
    start, _ = month_bounds(month)
    q = (start.month - 1) // 3 + 1
    return f"{start.year:04d}-Q{q}", date(start.year, 3 * q - 2, 1)


def _with_targets(rows: list[dict], reps: dict, month: str, narrowing: Narrowing) -> str:
    """Add each salesperson's quarterly target, what they invoiced in the
    quarter up to the end of ``month`` and the achievement (%); the quarter."""
    quarter, start = quarter_of(month)
    _, end = month_bounds(month)
    targets = {row.employee_id: row.amount for row in db.session.scalars(
        select(SalesTarget).where(SalesTarget.quarter == quarter).order_by(SalesTarget.id))}  # the latest row wins
    invoiced = facts(start, end, narrowing, measures=("invoiced",))
    sold = dict(db.session.execute(select(invoiced.c.salesperson_id, _summed(invoiced)).group_by(invoiced.c.salesperson_id)).all())
    ids = {user.username: ident for ident, user in reps.items()}
    for row in rows:
        ident = ids.get(row["key"])
        target, done = targets.get(ident), sold.get(ident) or ZERO
        row["target"] = money_str(target) if target is not None else None
        row["quarter_invoiced"] = money_str(done)
        row["achievement"] = f"{(done * 100 / target).quantize(Decimal('0.1'))}" if target else None
    return quarter


def monthly_figures(month: str, narrowing: Narrowing = Narrowing()) -> dict:
    """The figures of ``month`` and its year to date inside ``narrowing``:
    {"month", "provisional" (not reconciled and closed yet), "quarter",
    "totals": {"month": {measure: amount}, "ytd": {...}}, "by_salesperson"
    (with "target", "quarter_invoiced", "achievement"), "by_customer",
    "by_region", "by_product_series": [{"key", "name", "month", "ytd"}],
    "by_series": the month's shipped and invoiced per series, "by_month":
    [{"month", measure...}] January to ``month``}. Amounts are strings.
    Raises BusinessRuleViolation ``invalid_month``."""
    start, end = month_bounds(month)
    subquery = facts(date(start.year, 1, 1), end, narrowing)
    groups = {"salesperson": _by(subquery, subquery.c.salesperson_id, start),
              "customer": _by(subquery, subquery.c.customer_id, start),
              "region": _by(subquery, subquery.c.region, start),
              "series": defaultdict(lambda: {"month": _zero(), "ytd": _zero()})}
    series = series_of_classes()
    for class_id, figures in _by(subquery, subquery.c.class_id, start).items():
        if class_id is None:
            continue  # receipts have no product
        for part in ("month", "ytd"):
            for measure, amount in figures[part].items():
                groups["series"][series.get(class_id, "")][part][measure] += amount
    months = _by_month(subquery, start.year, start.month)
    reps = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([k for k in groups["salesperson"] if k])))}
    customers = {c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(list(groups["customer"]))))}
    names = {
        "salesperson": lambda k: (reps[k].username, reps[k].display_name) if k in reps else ("", NO_SALESPERSON),
        "customer": lambda k: (customers[k].code, customers[k].name),
        "region": lambda k: (k or "", k or ""),
        "series": lambda k: (k, k),
    }
    result = {"month": month, "provisional": periods.period_status(month) != "closed",
              "totals": {"month": {m: months[-1][m] for m in MEASURES},
                         "ytd": _text({m: sum((Decimal(row[m]) for row in months), ZERO) for m in MEASURES})}}
    for dim in DIMENSIONS:
        result[f"by_{'product_series' if dim == 'series' else dim}"] = _rows(groups[dim], names[dim])
    result["by_series"] = [{"series": row["key"], "shipped": row["month"]["shipped"], "invoiced": row["month"]["invoiced"]}
                           for row in result["by_product_series"]
                           if Decimal(row["month"]["shipped"]) or Decimal(row["month"]["invoiced"])]
    result["quarter"] = _with_targets(result["by_salesperson"], reps, month, narrowing)
    result["by_month"] = months
    return result
