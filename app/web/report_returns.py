"""/reports/returns: the returns posted in a range of months, by reason,
customer, salesperson and product, with the list of them linked to their
requests; as XLSX or CSV with ?format=."""
import json

from flask import render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from app.services.report_returns import FILTERS, returns_report
from app.web import bp
from app.web.report_downloads import table_download
from app.web.reports_home import listed

TITLE = _l("Returns and their reasons")
# the reasons F03's request form offers (forms/return_request.json), in the reader's language
REASON_NAMES = {"quality_defect": _l("Quality defect"), "wrong_goods": _l("Wrong goods shipped"),
                "transport_damage": _l("Damaged in transit"), "customer_change": _l("Customer changed requirements"),
                "overstock": _l("Customer overstock")}
DISPOSITION_NAMES = {"restock": _l("Back into saleable stock"), "quarantine": _l("Quarantined")}


def reason_name(code: str) -> str:
    """A reason's name; a ledger return's own text as it was written."""
    return str(REASON_NAMES[code]) if code in REASON_NAMES else (code or _("Not given"))


def _named(report: dict) -> dict:
    for row in report["rows"]:
        row["reason_name"] = reason_name(row["reason"])
    for group in report["by_reason"]:
        group["name"] = reason_name(group["key"])
    return report


def _chart(report: dict) -> str:
    groups = report["by_reason"]
    return json.dumps({"kind": "bar", "money": True, "categories": [g["name"] for g in groups],
                       "series": [{"name": _("Amount"), "data": [float(g["amount"]) for g in groups]}]},
                      ensure_ascii=False)


@bp.get("/reports/returns")
@login_required
def report_returns():
    report = _named(returns_report(current_user, {name: request.args.get(name, "") for name in FILTERS}))
    fmt = request.args.get("format")
    if fmt:
        header = [_("Return"), _("Date"), _("Customer"), _("Customer name"), _("Salesperson"), _("Region"), _("Reason"),
                  _("Goods"), _("Original order"), _("Red order"), _("Net amount"), _("Amount (incl. VAT)")]
        rows = [[r["number"], r["date"], r["customer"], r["customer_name"], r["salesperson_name"], r["region"],
                 r["reason_name"], str(DISPOSITION_NAMES.get(r["disposition"], "")), r["original_order"], r["red_order"],
                 r["net"], r["amount"]] for r in report["rows"]]
        return table_download(fmt, f"returns-{report['filters']['from']}-{report['filters']['to']}", TITLE, header, rows,
                              report["filters"], current_user)
    return render_template("reports/returns.html", report=report, chart=_chart(report), title=TITLE,
                           reasons=REASON_NAMES, dispositions=DISPOSITION_NAMES)


listed("web.report_returns", TITLE, _l("How many returns, for how much and why: by reason, customer, salesperson "
                                       "and product, with each return and its request."), filters=FILTERS)
