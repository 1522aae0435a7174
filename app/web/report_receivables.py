"""/reports/receivables: receivables ageing (应收账龄) by customer,
salesperson and region as of a date, the overdue list behind each bucket,
and every table as XLSX or CSV with the page's totals."""
import json
from decimal import Decimal

from flask import render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from app.errors import NotFound, ValidationFailed
from app.services import receivables_report as ageing_service
from app.services.report_files import report_file
from app.web import bp
from app.web.report_downloads import report_download
from app.web.reports_home import listed

BUCKET_TITLES = {"current": _l("Not yet due"), "d1_30": _l("1–30 days"), "d31_60": _l("31–60 days"),
                 "d61_90": _l("61–90 days"), "over_90": _l("Over 90 days")}
TABLE_TITLES = {"customer": _l("By customer"), "salesperson": _l("By salesperson"), "region": _l("By region")}
KEY_TITLES = {"customer": _l("Customer"), "salesperson": _l("Salesperson"), "region": _l("Region")}
NAME_TITLES = {"customer": _l("Customer name"), "salesperson": _l("Full name"), "region": _l("Region")}
FILTER_TITLES = {**KEY_TITLES, "bucket": _l("Days overdue")}

listed("web.receivables_ageing", _l("Receivables ageing"),
       _l("Open receivables by days overdue, by customer, salesperson and region, with the overdue invoices."),
       filters=("as_of", *ageing_service.FILTERS))


def _asked():
    """The question from the query string, or the refused field and the page's answer to it."""
    try:
        return ageing_service.parse_query(request.args), None
    except ValidationFailed as refused:
        field = next(iter(refused.details["fields"]))
        return None, field


def _refused(template: str, field: str):
    message = _("Enter the date as YYYY-MM-DD.") if field == "as_of" else _("Choose one of the listed buckets.")
    return render_template(template, refused={"field": field, "message": message}, buckets=BUCKET_TITLES,
                           args=request.args), 400


def _chart(report) -> str:
    regions = report["by_region"]
    return json.dumps({"kind": "stacked", "money": True, "categories": [row["name"] for row in regions],
                       "series": [{"name": str(BUCKET_TITLES[name]), "data": [float(row["buckets"][name]) for row in regions]}
                                  for name in ageing_service.BUCKETS]}, ensure_ascii=False)


def _answered(template: str, name: str, answer, **context):
    """``template`` showing ``answer(user, query)`` as ``name`` for the asked
    question, or the form with the refused field (400)."""
    query, field = _asked()
    if query is None:
        return _refused(template, field)
    result = answer(current_user, query)
    return render_template(template, query=query, buckets=BUCKET_TITLES, args=request.args,
                           **{name: result}, **{key: make(result) for key, make in context.items()})


@bp.get("/reports/receivables")
@login_required
def receivables_ageing():
    return _answered("reports/receivables.html", "report", ageing_service.ageing, chart=_chart,
                     tables=lambda _: TABLE_TITLES, key_titles=lambda _: KEY_TITLES)


@bp.get("/reports/receivables/invoices")
@login_required
def receivables_invoices():
    return _answered("reports/receivables_invoices.html", "listing", ageing_service.open_invoices)


def _ageing_table(query, table: str):
    report = ageing_service.ageing(current_user, query)
    header = [str(KEY_TITLES[table]), str(NAME_TITLES[table]), *[str(BUCKET_TITLES[b]) for b in ageing_service.BUCKETS],
              _("Open total"), _("Unallocated receipts")]
    rows = [[row["key"], row["name"], *[row["buckets"][b] for b in ageing_service.BUCKETS], row["total"], row["advances"]]
            for row in report[f"by_{table}"]]
    totals = report["totals"]
    rows.append([_("Total"), "", *[totals["buckets"][b] for b in ageing_service.BUCKETS], totals["total"],
                 totals["advances"]])
    return header, rows


def _invoice_table(query):
    listing = ageing_service.open_invoices(current_user, query, limit=None)
    header = [_("Invoice"), _("Invoice date"), _("Due date"), _("Days overdue"), _("Customer"), _("Salesperson"),
              _("Region"), _("Amount"), _("Open amount")]
    rows = [[i["number"], i["invoice_date"].isoformat(), i["due_date"].isoformat(), i["days_overdue"],
             f'{i["customer"]} {i["customer_name"]}', i["salesperson_name"], i["region"], i["amount"], i["open"]]
            for i in listing["invoices"]]
    rows.append([_("Total"), "", "", "", "", "", "", sum((i["amount"] for i in listing["invoices"]), Decimal(0)), listing["total"]])
    return header, rows


@bp.get("/reports/receivables/<any(customer, salesperson, region, invoices):table>.<fmt>")
@login_required
def receivables_download(table: str, fmt: str):
    query, field = _asked()
    if query is None:
        raise ValidationFailed.for_fields({field: [_("Enter the date as YYYY-MM-DD.")]})
    if fmt not in ("xlsx", "csv"):
        raise NotFound("No such download.")
    header, rows = _invoice_table(query) if table == "invoices" else _ageing_table(query, table)
    about = [(_("Report"), _("Receivables ageing")), (_("As of"), query.as_of.isoformat()),
             *[(str(FILTER_TITLES[name]), str(BUCKET_TITLES[value]) if name == "bucket" else value)
               for name, value in query.filters.items()], (_("Made by"), current_user.username)]
    stem = f"receivables-{table}-{query.as_of.isoformat()}"
    return report_download(report_file(fmt, stem, header, rows, about))
