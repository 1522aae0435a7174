"""/reports/service: the monthly service report of after-sales cases by
request type, response time and satisfaction, with the list of cases
linked to their requests; as XLSX or CSV with ?format=."""
from flask import render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from app.services.report_service_cases import FILTERS, may_read_service_report, service_report
from app.web import bp
from app.web.report_downloads import table_download
from app.web.reports_home import listed

TITLE = _l("After-sales service report")
# the request types F20's request form offers (forms/after_sales_request.json), in the reader's language
KIND_NAMES = {"repair": _l("Repair"), "complaint": _l("Complaint"), "maintenance": _l("Maintenance"),
              "support": _l("Technical support")}
STATUS_NAMES = {"untriaged": _l("Waiting for triage"), "triaged": _l("Being resolved"), "resolved": _l("Waiting for the call"),
                "closed": _l("Closed")}


def _figure(value) -> str:
    return "" if value is None else str(value)


@bp.get("/reports/service")
@login_required
def report_service():
    report = service_report(current_user, {name: request.args.get(name, "") for name in FILTERS})
    fmt = request.args.get("format")
    if fmt:
        header = [_("Case"), _("Opened"), _("Customer"), _("Customer name"), _("Request type"), _("Severity"),
                  _("Status"), _("Hours to triage"), _("Hours to resolve"), _("Escalations"), _("Satisfaction")]
        rows = [[r["number"], r["opened"], r["customer"], r["customer_name"], str(KIND_NAMES[r["kind"]]),
                 r["severity"] or "", str(STATUS_NAMES[r["status"]]), _figure(r["triage_hours"]),
                 _figure(r["resolve_hours"]), r["escalations"], _figure(r["satisfaction"])] for r in report["rows"]]
        return table_download(fmt, f"service-{report['filters']['from']}-{report['filters']['to']}", TITLE, header, rows,
                              report["filters"], current_user)
    return render_template("reports/service.html", report=report, title=TITLE, kinds=KIND_NAMES, statuses=STATUS_NAMES)


listed("web.report_service", TITLE, _l("After-sales cases by request type: how many, how fast they were triaged and "
                                       "resolved in working hours, how many ran late, and how satisfied the customers were."),
       may_open=may_read_service_report, filters=FILTERS)
