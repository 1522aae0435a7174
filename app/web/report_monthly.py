"""/reports/monthly: the monthly sales report (F07's figures) with filters,
charts, the document lines behind each figure and every table as XLSX or
CSV. The figures and the reader's scope come from services/report_monthly."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user, login_required

from app.services import report_monthly
from app.web import bp
from app.web.report_downloads import report_download
from app.web.reports_home import listed


def _words() -> dict:
    """The reader's column titles and labels for a downloaded table."""
    return {"code": _("Code"), "name": pgettext("report", "Name"), "month": _("Month"), "ytd": _("Year to date"),
            "shipped": _("Shipped"), "invoiced": _("Invoiced"), "received": pgettext("report", "Received"), "total": _("Total"),
            "measure": _("Kind"), "date": _("Date"), "document": _("Document"), "line_no": _("Line"),
            "customer": _("Customer code"), "customer_name": _("Customer"), "salesperson": _("Salesperson"),
            "region": _("Region"), "material": _("Material"), "series": _("Product series"), "qty": _("Quantity"),
            "amount": _("Amount"), "report": _("Report"), "title": _("Monthly sales report"),
            "filters": _("Filters"), "made_by": _("Made by"), "made_at": _("Made at"),
            "provisional": _("Provisional"),
            "provisional_text": _("The month is not reconciled and closed yet; its figures may still change.")}


@bp.app_template_global("monthly_charts")
def monthly_charts(figures: dict) -> dict:
    """The two charts of the report: the month per region, and the year month by month."""
    names = {"shipped": _("Shipped"), "invoiced": _("Invoiced"), "received": pgettext("report", "Received")}

    def spec(categories, rows):
        return {"kind": "bar", "money": True, "categories": categories,
                "series": [{"name": label, "data": [float(row[m]) for row in rows]} for m, label in names.items()]}

    return {"region": spec([row["name"] for row in figures["by_region"]], [row["month"] for row in figures["by_region"]]),
            "months": spec([row["month"][5:] for row in figures["by_month"]], figures["by_month"])}


@bp.get("/reports/monthly")
@login_required
def report_monthly_page():
    filters = report_monthly.clean_filters(request.args)
    all_customers = request.args.get("customers") == "all"
    figures = report_monthly.monthly_page(current_user, request.args.get("month"), filters, all_customers)
    return render_template("reports/monthly.html", figures=figures, filters=filters)


@bp.get("/reports/monthly/lines")
@login_required
def report_monthly_lines():
    filters = report_monthly.clean_filters(request.args)
    found = report_monthly.monthly_document_lines(current_user, request.args.get("month"), filters,
                                                  request.args.get("measure"))
    return render_template("reports/monthly_lines.html", found=found, filters=filters)


@bp.get("/reports/monthly/<table>.<fmt>")
@login_required
def report_monthly_file(table: str, fmt: str):
    filters = report_monthly.clean_filters(request.args)
    return report_download(report_monthly.monthly_file(current_user, request.args.get("month"), filters, table, fmt,
                                                       _words()))


listed("web.report_monthly_page", _l("Monthly sales report"),
       _l("Shipped, invoiced and received by salesperson, customer, region and product series, for the month and "
          "the year to date, with the documents behind each figure."),
       filters=("month", *report_monthly.FILTERS))
