"""Auditors' population exports and samples: the instances matching a filter
of the find page as CSV or XLSX (the file's SHA-256 in the response header
``X-Content-SHA256``), the record of an export looked up by a file's hash,
and the samples page with its CSV/XLSX. Every route reads with GET; the
filter travels in the query string, so a page or a file can be asked for
again."""
from flask import jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.downloads import file_response
from app.services import audit_samples as samples, population_export
from app.services.audit_search import STATUSES
from app.services.sample_draw import METHODS
from app.web import bp

# The filter fields the samples form shows; any other filter argument (from
# the find page) is carried along unchanged in hidden fields.
SAMPLE_FILTER_FIELDS = ("process_key", "status", "started_from", "started_to", "customer", "amount_min", "amount_max")
SAMPLE_FIELDS = ("size", "method", "seed")


@bp.get("/audit/exports/instances.csv")
@login_required
def audit_export_instances_csv():
    return file_response(population_export.export_population(current_user, request.args, "csv", gettext))


@bp.get("/audit/exports/instances.xlsx")
@login_required
def audit_export_instances_xlsx():
    return file_response(population_export.export_population(current_user, request.args, "xlsx", gettext))


@bp.get("/audit/exports/<sha256>.json")
@login_required
def audit_export_record(sha256: str):
    """Which recorded export produced a file with this SHA-256 (empty list: none did)."""
    return jsonify({"sha256": sha256.lower(), "exports": population_export.recorded_exports(current_user, sha256)})


@bp.get("/audit/samples")
@login_required
def audit_samples():
    """The form; with ``draw=1`` the sample too. A draw without a seed gets a
    fresh one and comes back with it in the address, so it can be repeated."""
    population_export.ensure_auditor(current_user)
    args = request.args
    sample = None
    if args.get("draw"):
        if not (args.get("seed") or "").strip():
            return redirect(url_for("web.audit_samples", **{**args.to_dict(), "seed": samples.new_seed()}))
        sample = samples.draw_sample(current_user, args)
    carried = {name: value for name, value in args.items()
               if name not in SAMPLE_FILTER_FIELDS + SAMPLE_FIELDS + ("draw", "page", "per_page", "sort") and value}
    export_args = {name: value for name, value in args.items() if name != "draw" and value}
    population_args = {name: value for name, value in export_args.items() if name not in SAMPLE_FIELDS}
    return render_template("audit/samples.html", args=args, sample=sample, carried=carried, statuses=STATUSES,
                           methods=METHODS, max_size=samples.MAX_SIZE, default_size=samples.DEFAULT_SIZE,
                           export_args=export_args, population_args=population_args)


@bp.get("/audit/samples/sample.csv")
@login_required
def audit_sample_csv():
    return file_response(samples.export_sample(current_user, request.args, "csv", gettext))


@bp.get("/audit/samples/sample.xlsx")
@login_required
def audit_sample_xlsx():
    return file_response(samples.export_sample(current_user, request.args, "xlsx", gettext))
