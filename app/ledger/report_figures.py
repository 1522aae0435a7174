"""The monthly report's figures (F07): shipped, invoiced (blue less red) and
received, for a month and the year to date, in totals, by salesperson,
customer, region and product series, and month by month over the year;
with each salesperson's quarterly target (app/ledger/performance.py) and
what they have invoiced in the quarter so far. Every figure is summed by
the database (GROUP BY) over the sales summary the postings keep current
(app/ledger/sales_facts.py); only the by-customer table reads the daily
rows, everything else the monthly ones. Read-only."""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import case, extract, func, literal_column, select, type_coerce

from app.extensions import db
from app.ledger import periods
from app.ledger.months import month_bounds
from app.ledger.money import ZERO, money_str
from app.ledger.report_facts import MEASURES, Narrowing
from app.ledger.sales_plan import quarter_targets
from app.models import Customer, MaterialClass, SalesFactDaily, SalesFactMonthly, User
from app.models.sales_fact import NO_CLASS
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


def _summed(column):
    return type_coerce(func.sum(column), Money()).label("amount")


def _groups() -> dict:
    return defaultdict(lambda: {"month": _zero(), "ytd": _zero()})


def _add(groups: dict, key, measure: str, amount: Decimal, in_month: bool) -> None:
    groups[key]["ytd"][measure] += amount
    if in_month:
        groups[key]["month"][measure] += amount


def _summary(start: date, end: date, narrowing: Narrowing):
    """Rows (measure, month number, salesperson id, region, class id, amount)
    of the summary from January to ``end``: the monthly one, or the daily one
    when a customer is asked for (the monthly one has no customer)."""
    if narrowing.customer_id is None:
        table, day, customer = SalesFactMonthly, SalesFactMonthly.month, None
    else:
        table, day, customer = SalesFactDaily, SalesFactDaily.day, SalesFactDaily.customer_id
    number = extract("month", day).label("number")
    return db.session.execute(
        select(table.measure, number, table.salesperson_id, table.region, table.class_id, _summed(table.amount))
        .where(day >= date(start.year, 1, 1), day < end,
               *narrowing.conditions(table.salesperson_id, customer, table.region, table.class_id))
        .group_by(table.measure, literal_column("number"), table.salesperson_id, table.region, table.class_id)).all()


def _by_customer(start: date, end: date, narrowing: Narrowing) -> dict:
    in_month = case((SalesFactDaily.day >= start, 1), else_=0).label("in_month")
    groups = _groups()
    for measure, this_month, customer, amount in db.session.execute(
            select(SalesFactDaily.measure, in_month, SalesFactDaily.customer_id, _summed(SalesFactDaily.amount))
            .where(SalesFactDaily.day >= date(start.year, 1, 1), SalesFactDaily.day < end,
                   *narrowing.conditions(SalesFactDaily.salesperson_id, SalesFactDaily.customer_id,
                                         SalesFactDaily.region, SalesFactDaily.class_id))
            .group_by(SalesFactDaily.measure, literal_column("in_month"), SalesFactDaily.customer_id)):
        _add(groups, customer, measure, amount or ZERO, bool(this_month))
    return groups


def _grouped(rows, start: date) -> tuple[dict, dict, dict]:
    """By dimension ({"salesperson", "region", "series"}), month by month
    {number: {measure: amount}} and each salesperson's invoiced in the
    quarter of ``start`` so far, from ``_summary`` rows."""
    series = series_of_classes()
    groups = {dim: _groups() for dim in ("salesperson", "region", "series")}
    months = {n: _zero() for n in range(1, start.month + 1)}
    quarter_sold: dict = defaultdict(lambda: ZERO)
    first_of_quarter = 3 * ((start.month - 1) // 3) + 1
    for measure, number, salesperson, region, class_id, amount in rows:
        n, amount = int(number), amount or ZERO
        months[n][measure] += amount
        _add(groups["salesperson"], salesperson or None, measure, amount, n == start.month)
        _add(groups["region"], region or None, measure, amount, n == start.month)
        if class_id != NO_CLASS:  # receipts have no product
            _add(groups["series"], series.get(class_id, ""), measure, amount, n == start.month)
        if measure == "invoiced" and n >= first_of_quarter:
            quarter_sold[salesperson or None] += amount
    return groups, months, quarter_sold


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


def _with_targets(rows: list[dict], reps: dict, month: str, sold: dict) -> str:
    """Add each salesperson's quarterly target (the issued sales plan's,
    else the stored one), what they invoiced in the quarter up to the end of
    ``month`` (``sold`` by salesperson id) and the achievement (%); the quarter."""
    quarter, _ = quarter_of(month)
    targets = quarter_targets(quarter)
    ids = {username: ident for ident, (username, _) in reps.items()}
    for row in rows:
        ident = ids.get(row["key"])
        target, done = targets.get(ident), sold.get(ident) or ZERO
        row["target"] = money_str(target) if target is not None else None
        row["quarter_invoiced"] = money_str(done)
        row["achievement"] = f"{(done * 100 / target).quantize(Decimal('0.1'))}" if target else None
    return quarter


def _names(groups: dict) -> dict:
    """(salesperson id → (username, name), each dimension's key → (code, name)),
    reading only the names (a whole customer row each would cost more than the sums)."""
    reps = {ident: (username, name) for ident, username, name in db.session.execute(
        select(User.id, User.username, User.display_name).where(User.id.in_([k for k in groups["salesperson"] if k])))}
    customers = {ident: (code, name) for ident, code, name in db.session.execute(
        select(Customer.id, Customer.code, Customer.name).where(Customer.id.in_(list(groups.get("customer", ())))))}
    return reps, {
        "salesperson": lambda k: reps.get(k, ("", NO_SALESPERSON)),
        "customer": lambda k: customers[k],
        "region": lambda k: (k or "", k or ""),
        "series": lambda k: (k, k),
    }


def filter_choices(month: str, narrowing: Narrowing = Narrowing()) -> dict:
    """The regions, salespeople [(username, name)] and series with figures
    in ``month``'s year to date inside ``narrowing`` (what a filter form
    offers). Raises BusinessRuleViolation ``invalid_month``."""
    start, end = month_bounds(month)
    groups, _, _ = _grouped(_summary(start, end, narrowing), start)
    _, names = _names(groups)
    rows = {dim: _rows(groups[dim], names[dim]) for dim in groups}
    return {"region": [row["key"] for row in rows["region"] if row["key"]],
            "salesperson": [(row["key"], row["name"]) for row in rows["salesperson"] if row["key"]],
            "series": [row["key"] for row in rows["series"]]}


def _largest(customers: dict, limit: int | None) -> tuple[dict, dict | None]:
    """The ``limit`` customers with the most business in the month (shipped
    plus invoiced, then the year to date; ties by id) and the others summed
    as {"count", "month", "ytd"}; all of them and None when they are fewer."""
    if limit is None or len(customers) <= limit:
        return customers, None
    ranked = sorted(customers.items(), key=lambda item: (
        -(item[1]["month"]["shipped"] + item[1]["month"]["invoiced"]),
        -(item[1]["ytd"]["shipped"] + item[1]["ytd"]["invoiced"]), item[0]))
    others = {"month": _zero(), "ytd": _zero()}
    for _, figures in ranked[limit:]:
        for part in ("month", "ytd"):
            for measure in MEASURES:
                others[part][measure] += figures[part][measure]
    return dict(ranked[:limit]), {"count": len(ranked) - limit, "month": _text(others["month"]),
                                  "ytd": _text(others["ytd"])}


def monthly_figures(month: str, narrowing: Narrowing = Narrowing(), customer_limit: int | None = None) -> dict:
    """The figures of ``month`` and its year to date inside ``narrowing``:
    {"month", "provisional" (not reconciled and closed yet), "quarter",
    "totals": {"month": {measure: amount}, "ytd": {...}}, "by_salesperson"
    (with "target", "quarter_invoiced", "achievement"), "by_customer",
    "by_region", "by_product_series": [{"key", "name", "month", "ytd"}],
    "by_series": the month's shipped and invoiced per series, "by_month":
    [{"month", measure...}] January to ``month``, "customers_other": with
    ``customer_limit``, the customers beyond the largest ``customer_limit``
    summed ({"count", "month", "ytd"}) or None}. Amounts are strings.
    Raises BusinessRuleViolation ``invalid_month``."""
    start, end = month_bounds(month)
    groups, sums, sold = _grouped(_summary(start, end, narrowing), start)
    groups["customer"], customers_other = _largest(_by_customer(start, end, narrowing), customer_limit)
    months = [{"month": f"{start.year:04d}-{n:02d}", **_text(figures)} for n, figures in sums.items()]
    reps, names = _names(groups)
    result = {"month": month, "provisional": periods.period_status(month) != "closed",
              "totals": {"month": {m: months[-1][m] for m in MEASURES},
                         "ytd": _text({m: sum((Decimal(row[m]) for row in months), ZERO) for m in MEASURES})}}
    for dim in DIMENSIONS:
        result[f"by_{'product_series' if dim == 'series' else dim}"] = _rows(groups[dim], names[dim])
    result["by_series"] = [{"series": row["key"], "shipped": row["month"]["shipped"], "invoiced": row["month"]["invoiced"]}
                           for row in result["by_product_series"]
                           if Decimal(row["month"]["shipped"]) or Decimal(row["month"]["invoiced"])]
    result["quarter"] = _with_targets(result["by_salesperson"], reps, month, sold)
    result["by_month"] = months
    result["customers_other"] = customers_other
    return result
