"""The monthly sales report page (F07's figures for the people who steer
sales): a month's and the year to date's shipped, invoiced and received
amounts, filtered by region, salesperson, customer and product series,
always inside the part of the reports the reader may read (report_access),
whatever filter they send; the document lines behind any figure; and each
table as a file to download. A month not yet reconciled is shown, marked
provisional."""
from decimal import Decimal

from sqlalchemy import select

from app import clock
from app.actions import BusinessRuleViolation
from app.errors import LanesError
from app.extensions import db
from app.ledger import journal, report_lines
from app.ledger.months import month_bounds
from app.ledger.report_facts import Narrowing
from app.ledger.report_figures import filter_choices, monthly_figures, series_of_classes
from app.models import Customer, User
from app.services.report_access import report_scope
from app.services.report_files import report_file

FILTERS = ("region", "salesperson", "customer", "series")
TABLES = ("salesperson", "customer", "region", "product_series", "months", "lines")
MEASURES = ("shipped", "invoiced", "received")
# The page's customer table: the largest customers of the month, the rest in one row (the file holds them all).
CUSTOMER_ROWS = 50
NOBODY = -1  # an id no row has: a filter naming someone unknown matches nothing


class BadMonth(LanesError):
    code = "invalid_month"


def checked_month(value: str | None) -> str:
    """``value`` when it is a month the ledger knows; empty: the business
    month today (app/clock). Raises BadMonth (400) naming ``month``."""
    if value is None or not value.strip():
        return journal.period_of(journal.today())
    try:
        month_bounds(value.strip())
    except BusinessRuleViolation as violation:
        raise BadMonth(violation.message, details={"fields": {"month": [violation.message]}}) from None
    if len(value.strip()) != 7:
        message = f"Not a month (YYYY-MM): {value!r}"
        raise BadMonth(message, details={"fields": {"month": [message]}})
    return value.strip()


def clean_filters(values) -> dict:
    """The filters a request names (empty ones dropped)."""
    return {key: values.get(key).strip() for key in FILTERS if values.get(key) and values.get(key).strip()}


def _narrowing(scope, filters: dict) -> Narrowing:
    person = customer = class_ids = None
    if "salesperson" in filters:
        person = db.session.scalar(select(User.id).where(User.username == filters["salesperson"])) or NOBODY
    if "customer" in filters:
        customer = db.session.scalar(select(Customer.id).where(Customer.code == filters["customer"])) or NOBODY
    if "series" in filters:
        class_ids = frozenset(ident for ident, name in series_of_classes().items() if name == filters["series"])
    return Narrowing(scope, person, customer, filters.get("region"), class_ids)


def monthly_page(user: User, month: str | None, filters: dict, all_customers: bool = False) -> dict:
    """The report of ``month`` (empty: this business month) for ``user``
    under ``filters``: ``monthly_figures`` plus "filters", "scope" (all,
    region, own) and the choices the filter form offers. The customer table
    holds the CUSTOMER_ROWS largest customers and the rest summed in one
    row, unless ``all_customers``. Raises Forbidden for a reader of no
    report, BadMonth."""
    scope = report_scope(user)
    month = checked_month(month)
    figures = monthly_figures(month, _narrowing(scope, filters), None if all_customers else CUSTOMER_ROWS)
    choices = filter_choices(month, Narrowing(scope))
    choices["region"] = sorted(set(choices["region"]) | {filters.get("region", "")} - {""})
    figures.update(filters=filters, scope=scope.kind, choices=choices)
    return figures


def monthly_document_lines(user: User, month: str | None, filters: dict, measure: str | None) -> dict:
    """The shipping lines, invoice lines and receipts of ``month`` behind the
    report inside ``user``'s scope, narrowed by ``filters`` and ``measure``
    (shipped, invoiced, received; anything else: all three), each with the
    request that made it ("instance_id") where one did. Raises Forbidden,
    BadMonth."""
    scope = report_scope(user)
    month = checked_month(month)
    lines = report_lines.report_lines(month, filters, scope, _narrowing(scope, filters))
    if measure in MEASURES:
        lines = [line for line in lines if line["measure"] == measure]
    return {"month": month, "filters": filters, "measure": measure if measure in MEASURES else None,
            "lines": lines, "totals": report_lines.totals(lines)}


def _figure_rows(rows: list[dict], totals: dict, total_label: str):
    for row in rows:
        yield [row["key"], row["name"], *(Decimal(row[part][m]) for part in ("month", "ytd") for m in MEASURES)]
    yield [total_label, "", *(Decimal(totals[part][m]) for part in ("month", "ytd") for m in MEASURES)]


def monthly_file(user: User, month: str | None, filters: dict, table: str, fmt: str, words: dict):
    """One table of the report as a ReportFile (``fmt`` xlsx or csv), with
    the same figures and totals as the page, and an About part naming the
    month, the filters, who made it and when. ``words`` are the reader's
    column titles and labels. Raises Forbidden, BadMonth, ValidationFailed
    naming ``table`` or ``format``."""
    if table not in TABLES:
        from app.errors import ValidationFailed
        raise ValidationFailed.for_fields({"table": [f"Use one of {', '.join(TABLES)}."]})
    if table == "lines":
        found = monthly_document_lines(user, month, filters, None)
        header = [words[key] for key in ("measure", "date", "document", "line_no", "customer", "customer_name",
                                         "salesperson", "region", "material", "series", "qty", "amount")]
        rows = [[words[line["measure"]], line["date"], line["document"], line["line_no"], line["customer"],
                 line["customer_name"], line["salesperson"], line["region"], line["material"], line["series"],
                 Decimal(line["qty"]) if line["qty"] else None, Decimal(line["amount"])] for line in found["lines"]]
        figures = found
    else:
        figures = monthly_page(user, month, filters, all_customers=True)
        if table == "months":
            header = [words["month"], *(words[m] for m in MEASURES)]
            rows = [[row["month"], *(Decimal(row[m]) for m in MEASURES)] for row in figures["by_month"]]
            rows.append([words["total"], *(Decimal(figures["totals"]["ytd"][m]) for m in MEASURES)])
        else:
            header = [words["code"], words["name"], *(f"{words[part]} {words[m]}" for part in ("month", "ytd")
                                                        for m in MEASURES)]
            rows = list(_figure_rows(figures[f"by_{table}"], figures["totals"], words["total"]))
    about = [(words["report"], words["title"]), (words["month"], figures["month"]),
             (words["filters"], ", ".join(f"{k}={v}" for k, v in filters.items()) or "—"),
             (words["made_by"], f"{user.display_name} ({user.username})"),
             (words["made_at"], clock.now().strftime("%Y-%m-%d %H:%M:%S UTC"))]
    if figures.get("provisional"):
        about.append((words["provisional"], words["provisional_text"]))
    return report_file(fmt, f"monthly-report-{figures['month']}-{table}", header, rows, about)
