"""The process heatmap's tables as XLSX or CSV (report_files.py): the
steps, the cycle time per month, who the open tasks wait on, and one
step's instances, with the headers in the reader's language and the
durations in hours."""
from flask_babel import gettext as _

from app import clock
from app.errors import ValidationFailed
from app.services import process_analytics, step_queue
from app.services.report_access import require_analytics_reader
from app.services.report_files import report_file
from app.services.step_names import process_name, step_name

TABLES = ("steps", "months", "waits", "instances")


def _hours(seconds):
    return None if seconds is None else round(seconds / 3600, 2)


def _moment(value):
    return value.astimezone(clock.business_timezone()).strftime("%Y-%m-%d %H:%M") if value else None


def _steps(reader, key, version, definition, step):
    figures = process_analytics.version_steps(reader, key, version)
    header = [_("Step"), _("Step id"), _("Instances passed"), _("Visits"), _("Open"), _("Waiting p50 (h)"),
              _("Waiting p90 (h)"), _("Working p50 (h)"), _("Working p90 (h)"), _("SLA breaches"), _("Rework")]
    rows = [[step_name(definition, s.element_id, s.name), s.element_id, s.passed, s.visits, s.open,
             _hours(s.waiting[0]), _hours(s.waiting[1]), _hours(s.working[0]), _hours(s.working[1]),
             s.breached, s.rework] for s in figures.steps]
    return header, rows


def _months(reader, key, version, definition, step):
    header = [_("Month"), _("Instances completed"), _("Cycle time p50 (h)"), _("Cycle time p90 (h)")]
    return header, [[m["month"], m["instances"], _hours(m["p50"]), _hours(m["p90"])]
                    for m in process_analytics.cycle_by_month(reader, key)]


def _waits(reader, key, version, definition, step):
    english = _("Step") == "Step"
    header = [_("Waiting on"), _("Code"), _("Open tasks"), _("Oldest (h)")]
    return header, [[w.name_en if english else w.name_zh, w.code, w.open, _hours(w.oldest_seconds)]
                    for w in step_queue.waiting_on(reader, key, version)]


def _instances(reader, key, version, definition, step):
    if not step:
        raise ValidationFailed.for_fields({"step": ["Name the step whose instances to list."]})
    header = [_("Instance"), _("Business key"), _("Started"), _("Visit"), _("Status"), _("Entered"),
              _("Waiting (h)"), _("Working (h)"), _("SLA breached"), _("Role"), _("Holder")]
    return header, [[v.instance_id, v.business_key, _moment(v.started_at), v.visit, v.status, _moment(v.entered_at),
                     _hours(v.waiting_seconds), _hours(v.working_seconds), v.breached, v.role, v.assignee]
                    for v in step_queue.step_instances(reader, key, version, step)]


BUILDERS = {"steps": _steps, "months": _months, "waits": _waits, "instances": _instances}


def heatmap_file(reader, key: str, version: str, table: str, fmt: str, step: str | None):
    """One of TABLES of a version as ``fmt``. Raises Forbidden,
    ValidationFailed (``table``, ``format``, ``version``, ``step``), NotFound."""
    require_analytics_reader(reader)
    if table not in BUILDERS:
        raise ValidationFailed.for_fields({"table": [f"Use one of {', '.join(TABLES)}."]})
    definition = process_analytics.definition_of(key, version)
    header, rows = BUILDERS[table](reader, key, version, definition, step)
    about = [(_("Report"), _("Where the process loses time")), (_("Process"), process_name(definition)),
             (_("Version"), definition.version), (_("Table"), table), (_("Step"), step or ""),
             (_("Made by"), reader.username), (_("Made at"), _moment(clock.now()))]
    stem = f"process-{key}-v{definition.version}-{table}" + (f"-{step}" if table == "instances" else "")
    return report_file(fmt, stem, header, rows, about)
