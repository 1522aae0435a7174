"""/reports/processes: where the process loses time. The list of process
versions with their cycle times, a version's heatmap on its diagram with
the per-step table, the cycle time per month, who the open tasks wait on,
a step's instances, and each table as XLSX or CSV."""
from flask import abort, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from app.i18n import current_locale
from app.services import process_analytics, step_queue
from app.services.step_names import step_name
from app.web.my_requests import diagram_response
from app.web.process_heatmap_files import heatmap_file
from app.services.report_access import may_read_analytics, require_analytics_reader
from app.web import bp
from app.web.report_downloads import report_download
from app.web.reports_home import listed

listed("web.process_reports", _l("Where the process loses time"),
       _l("Per process version: steps coloured by waiting time, cycle time per month, who open tasks wait on."),
       may_read_analytics)


@bp.app_template_filter("duration")
def duration(seconds) -> str:
    """Seconds as minutes, hours or days in the reader's language; — when unknown."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    if seconds < 3600:
        return _("%(n)s min", n=seconds // 60)
    if seconds < 48 * 3600:
        return _("%(n)s h", n=f"{seconds / 3600:.1f}")
    return _("%(n)s d", n=f"{seconds / 86400:.1f}")


@bp.get("/reports/processes")
@login_required
def process_reports():
    return render_template("reports/processes.html", rows=process_analytics.processes(current_user))


@bp.get("/reports/processes/<key>/v<version>")
@login_required
def process_heatmap(key: str, version: str):
    figures = process_analytics.version_steps(current_user, key, version)
    step = request.args.get("step")
    if step is not None and figures.step(step) is None:
        abort(404, description=_("step: this version has no step %(step)s.", step=step))
    months = process_analytics.cycle_by_month(current_user, key)
    return render_template("reports/process_heatmap.html", figures=figures, step=step, months=months,
                           heat=_heat(figures, step), chart=_cycle_chart(months), roles=step_queue.role_titles(current_locale() == "en"),
                           waits=step_queue.waiting_on(current_user, key, version),
                           visits=step_queue.step_instances(current_user, key, version, step) if step else None)


def _heat(figures, step):
    """What heatmap.js draws: per step its p90 waiting time, count and link."""
    definition = figures.definition
    return {"worst": max((s.waiting[1] or 0 for s in figures.steps), default=0), "selected": step,
            "steps": [{"id": s.element_id, "passed": s.passed, "p90": s.waiting[1],
                       "title": _("%(name)s: %(passed)s instances, p90 waiting %(p90)s",
                                  name=step_name(definition, s.element_id, s.name), passed=s.passed,
                                  p90=duration(s.waiting[1])),
                       "href": url_for("web.process_heatmap", key=definition.key, version=definition.version,
                                       step=s.element_id) + "#instances"} for s in figures.steps]}


def _cycle_chart(months):
    def hours(seconds):
        return None if seconds is None else round(seconds / 3600, 1)
    return {"kind": "line", "unit": _("h"), "categories": [m["month"] for m in months],
            "series": [{"name": _("Cycle time p50"), "data": [hours(m["p50"]) for m in months]},
                       {"name": _("Cycle time p90"), "data": [hours(m["p90"]) for m in months]}]}



@bp.get("/reports/processes/<key>/v<version>/diagram.bpmn")
@login_required
def process_heatmap_diagram(key: str, version: str):
    require_analytics_reader(current_user)
    return diagram_response(process_analytics.definition_of(key, version))


@bp.get("/reports/processes/<key>/v<version>/<table>.<fmt>")
@login_required
def process_heatmap_download(key: str, version: str, table: str, fmt: str):
    return report_download(heatmap_file(current_user, key, version, table, fmt, request.args.get("step")))
