"""/audit/controls/…: the control reports for auditors and process
administrators (everyone else gets 403): segregation-of-duties exceptions,
admin actions, the user-access review as of an instant, and the deployed
versions with a diff against the previous version."""
from dataclasses import asdict
from datetime import datetime

from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID
from app.services.controls import access_review, admin_actions, deployed_versions, instants, sod_exceptions

blp = ApiBlueprint("audit-controls", __name__, description="Control reports (auditors, process administrators)")


class PeriodSchema(Schema):
    start = Text(data_key="from", load_default=None, validate=validate.Length(max=40),
                 metadata={"description": "a date (YYYY-MM-DD, business day) or ISO date-time; from this instant on"})
    end = Text(data_key="to", load_default=None, validate=validate.Length(max=40),
               metadata={"description": "a date (counted whole) or ISO date-time; before this instant"})


class AdminActionsQuerySchema(PeriodSchema):
    kind = Text(load_default=None, validate=validate.OneOf(admin_actions.KINDS))


class AsOfSchema(Schema):
    as_of = Text(load_default=None, validate=validate.Length(max=40),
                 metadata={"description": "a date (the end of that business day) or ISO date-time; default now"})


class VersionsQuerySchema(Schema):
    key = Text(load_default=None, validate=validate.Length(max=128))


class DiffQuerySchema(Schema):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": "the version to compare with the one before it"})


class ReportSchema(Schema):
    filters = fields.Dict(required=True)
    count = fields.Integer(required=True)
    rows = fields.List(fields.Dict(), required=True)


class AccessSchema(Schema):
    as_of = fields.String(required=True)
    roles = fields.List(fields.Dict(), required=True)
    delegations = fields.List(fields.Dict(), required=True)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(inner) for key, inner in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(inner) for inner in value]
    return value


def _report(rows: list[dict], filters: dict) -> dict:
    return {"filters": _plain({k: v for k, v in filters.items() if v is not None}), "count": len(rows),
            "rows": _plain(rows)}


@blp.get("/audit/controls/sod")
@blp.arguments(PeriodSchema, location="query")
@blp.response(200, ReportSchema)
def sod(query):
    """Segregation-of-duties exceptions: refused attempts, one person at two
    approval steps of an instance, requester or maker approving, approvals
    by delegation or on someone's behalf."""
    start, end = instants.period(query["start"], query["end"])
    return _report(sod_exceptions.sod_exceptions(current_user(), start, end), {"from": start, "to": end})


@blp.get("/audit/controls/admin-actions")
@blp.arguments(AdminActionsQuerySchema, location="query")
@blp.response(200, ReportSchema)
def admin(query):
    """Deploys, retries, cancels by someone other than the starter,
    reassignments, escalations and ledger writes outside the flows."""
    start, end = instants.period(query["start"], query["end"])
    rows = admin_actions.admin_actions(current_user(), start, end, query["kind"])
    return _report(rows, {"from": start, "to": end, "kind": query["kind"]})


@blp.get("/audit/controls/access")
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, AccessSchema)
def access(query):
    """Who held which role and which delegations were in force at ``as_of``."""
    return _plain(access_review.access_as_of(current_user(), instants.as_of(query["as_of"])))


@blp.get("/audit/controls/versions")
@blp.arguments(VersionsQuerySchema, location="query")
@blp.response(200, ReportSchema)
def versions(query):
    """Every deployed version, who deployed it and when, with counts of what
    changed against the previous version of the same key."""
    return _report(deployed_versions.deployed_versions(current_user(), query["key"]), {"key": query["key"]})


@blp.get("/audit/controls/versions/<string(maxlength=128):key>/diff")
@blp.arguments(DiffQuerySchema, location="query")
@blp.response(200)
def version_diff(query, key: str):
    """What changed in ``version`` of ``key`` against the version before it:
    elements added, removed and changed (property old → new) and line diffs
    of the forms and tables."""
    version = query["version"]
    definition, before, diff = deployed_versions.version_diff(current_user(), key, version)
    return {"key": key, "version": version, "previous_version": before.version if before else None,
            "deployed_at": definition.deployed_at.isoformat(),
            "deployed_by": definition.deployed_by.username if definition.deployed_by else None,
            **asdict(diff)}
