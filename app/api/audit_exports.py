"""/audit/exports and /audit/samples: the auditors' population exports (CSV
or XLSX, the file's SHA-256 in ``X-Content-SHA256``), the record of an
export looked up by a file's hash, and reproducible samples with their
checklist. All reads (GET): the filter is the find page's query arguments
(``GET /audit/instances``); auditors and process administrators only."""
from flask import request
from flask_babel import gettext
from marshmallow import Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.downloads import file_response
from app.services import audit_samples, population_export

blp = ApiBlueprint("audit_exports", __name__, description="Auditors' population exports and samples")

FILTER_NOTE = ("The population filter takes the query arguments of GET /audit/instances (process_key, version, status, "
               "started_from, started_to, ended_from, ended_to, starter, actor, business_key, customer, amount_min, "
               "amount_max, exception, admin_action, error); sort and paging are ignored, rows come in id order.")


class ExportRecordSchema(Schema):
    sha256 = fields.String(required=True)
    exports = fields.List(fields.Dict(), required=True, metadata={
        "description": "each export recorded with this file hash: who, when, filter, row count, control totals, "
                       "and the exports chain event (seq, event_hash)"})


class SampleSchema(Schema):
    filter = fields.Dict(required=True)
    method = fields.String(required=True)
    size = fields.Integer(required=True)
    seed = fields.String(required=True, metadata={"description": "give it back to draw the same sample again"})
    population = fields.Integer(required=True)
    population_fingerprint = fields.String(required=True)
    sample_fingerprint = fields.String(required=True)
    strata = fields.Dict(required=True)
    items = fields.List(fields.Dict(), required=True)


def _sample_body(sample: audit_samples.Sample) -> dict:
    return {
        "filter": sample.filter, "method": sample.method, "size": sample.size, "seed": str(sample.seed),
        "population": sample.population, "population_fingerprint": sample.population_fingerprint,
        "sample_fingerprint": sample.sample_fingerprint, "strata": sample.strata,
        "items": [{"stratum": item.stratum, "id": item.row.id, "process_key": item.row.process_key,
                   "version": item.row.version, "status": item.row.status, "business_key": item.row.business_key,
                   "customer_code": item.row.customer_code, "customer_name": item.row.customer_name,
                   "amount": None if item.row.amount is None else str(item.row.amount), "starter": item.row.starter,
                   "started_at": item.row.started_at.isoformat(), "ended_at": item.row.ended_at and item.row.ended_at.isoformat(),
                   "checklist": [{"code": a.code, "label": a.label, "kind": a.kind, "result": a.result, "note": a.note}
                                 for a in item.checklist]}
                  for item in sample.items]}


@blp.get("/audit/exports/instances")
@blp.response(200, description="the file (format=csv: UTF-8 with a byte-order mark; format=xlsx), "
                               "with X-Content-SHA256 and X-Row-Count headers")
def export_instances():
    """Every instance matching the filter as CSV or XLSX (``format``), with
    the filter, row count and control totals inside; the export is recorded
    on the exports chain. """ + FILTER_NOTE
    return file_response(population_export.export_population(current_user(), request.args, request.args.get("format"),
                                                             gettext))


@blp.get("/audit/exports/<sha256>")
@blp.response(200, ExportRecordSchema)
def export_record(sha256):
    """Check a file handed over: the recorded exports whose file had this
    SHA-256 (an empty list: no export produced this file)."""
    return {"sha256": sha256.lower(), "exports": population_export.recorded_exports(current_user(), sha256)}


@blp.get("/audit/samples")
@blp.response(200, SampleSchema)
def sample():
    """A reproducible sample: ``size`` (1–200), ``method`` (random |
    process | amount), ``seed`` (absent: a fresh one, returned), each
    sampled instance with its checklist (computed attributes with a result,
    manual ones without). """ + FILTER_NOTE
    return _sample_body(audit_samples.draw_sample(current_user(), request.args))


@blp.get("/audit/samples/file")
@blp.response(200, description="the sample as CSV or XLSX (format), seed required, with X-Content-SHA256")
def sample_file():
    """The sample (same arguments as /audit/samples, ``seed`` required) as a
    file with one column per checklist attribute; recorded on the exports chain."""
    return file_response(audit_samples.export_sample(current_user(), request.args, request.args.get("format"), gettext))
