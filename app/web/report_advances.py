"""/reports/advances: employee advances outstanding as of a day, per
employee and region in age buckets, and the open advances linked to their
requests; as XLSX or CSV with ?format=."""
from flask import render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from app.services.report_advances import FILTERS, advances_report
from app.web import bp
from app.web.report_downloads import table_download
from app.web.reports_home import listed

TITLE = _l("Expense advances outstanding")


@bp.get("/reports/advances")
@login_required
def report_advances():
    report = advances_report(current_user, {name: request.args.get(name, "") for name in FILTERS})
    fmt = request.args.get("format")
    if fmt:
        header = [_("Advance"), _("Paid on"), _("Employee"), _("Region"), _("Purpose"), _("Paid"), _("Settled"),
                  _("Outstanding"), _("Age (days)"), *(f"{b} {_('days')}" for b in report["buckets"])]
        rows = [[r["number"], r["date"], r["employee_name"], r["region"], r["purpose"], r["amount"], r["settled"],
                 r["outstanding"], r["age"], *(r["outstanding"] if r["bucket"] == b else None for b in report["buckets"])]
                for r in report["rows"]]
        return table_download(fmt, f"advances-{report['filters']['as_of']}", TITLE, header, rows, report["filters"],
                              current_user)
    return render_template("reports/advances.html", report=report, title=TITLE)


listed("web.report_advances", TITLE, _l("Who still holds advance money, how long they have held it, and the "
                                        "requests that paid it."), filters=FILTERS)
