"""Control report pages for auditors and process administrators, under
/audit/controls/: segregation-of-duties exceptions, admin actions, the
user-access review as of a date and the deployed versions with their diffs;
each table also as CSV (UTF-8 with a byte-order mark). Everyone else gets
the 403 page (the services refuse them)."""
from flask import Response, render_template, request
from flask_babel import gettext, lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.services.controls import access_review, admin_actions, csv_text, deployed_versions, ensure_reviewer, instants
from app.services.controls import sod_exceptions
from app.web import bp

TITLES = {
    "at": _l("When it happened"), "kind": _l("Exception or action"), "instance_id": _l("Request"), "process": _l("Process"),
    "business_key": _l("Reference"), "step": _l("Element id"), "step_name": _l("Step"), "person": _l("Person who acted"), "on_behalf_of": _l("On behalf of"),
    "detail": _l("Details of the exception"), "actor": _l("Done by"), "chain": _l("Audit chain"), "what": _l("What was done"), "why": _l("Why (as recorded)"),
    "key": _l("Process key"), "version": _l("Process version"), "name": _l("Process name"), "deployed_at": _l("Deployed at"),
    "deployed_by": _l("Deployed by"), "content_hash": _l("Content hash"), "added": _l("Elements added"),
    "removed": _l("Elements removed"), "changed": _l("Elements changed"), "files_changed": _l("Files changed"),
    "username": _l("Username"), "display_name": _l("Full name"), "active": _l("Account active"), "role": _l("Role held"), "role_name_zh": _l("Role name"),
    "granted_at": _l("Granted at"), "granted_by": _l("Granted by"), "reason": _l("Reason given"),
    "from_user": _l("Delegated by"), "to_user": _l("Delegated to"), "valid_from": _l("In force from"),
    "valid_to": _l("In force until"), "processes": _l("For processes"), "created_at": _l("Recorded at"),
}
KIND_NAMES = {
    sod_exceptions.REFUSED: _l("Refused attempt"), sod_exceptions.TWO_APPROVALS: _l("Same person at two approvals"),
    sod_exceptions.OWN_REQUEST: _l("Requester approved"), sod_exceptions.OWN_DOCUMENT: _l("Maker approved"),
    sod_exceptions.DELEGATED: _l("Approved by delegation"),
    admin_actions.DEPLOY: _l("Deploy of a version"), admin_actions.RETRY: _l("Retry of a failed step"), admin_actions.CANCEL: _l("Cancel by someone else"),
    admin_actions.REASSIGN: _l("Reassignment of a task"), admin_actions.ESCALATE: _l("Escalation of an overdue task"),
    admin_actions.LEDGER_WRITE: _l("Ledger write outside a flow"),
    "instance_suspended": _l("Suspended by an admin"), "instance_resumed": _l("Resumed by an admin"),
    "token_moved": _l("Token moved by an admin"), "step_skipped": _l("Step skipped by an admin"),
    "data_corrected": _l("Data corrected by an admin"),
}


ACTIONS = {"claim": _l("claim"), "complete": _l("completion"), "delegate": _l("delegation"),
           "reassign": _l("reassignment")}
REASONS = {"requester": _l("nobody approves their own request"),
           "approver": _l("nobody approves two steps of one stage of a request"),
           "maker": _l("whoever made a document cannot approve it")}


def _detail(row: dict) -> str:
    """An exception's detail in the reader's language, from its facts."""
    facts, kind = row.get("facts") or {}, row.get("kind")
    if kind == sod_exceptions.REFUSED:
        return gettext("%(action)s refused: %(why)s", action=ACTIONS.get(facts.get("action"), facts.get("action")),
                       why=REASONS.get(facts.get("reason"), facts.get("reason")))
    if kind == sod_exceptions.OWN_REQUEST:
        return gettext("approved by the requester %(who)s", who=facts.get("requester"))
    if kind == sod_exceptions.OWN_DOCUMENT:
        return gettext("made the document at %(step)s", step=facts.get("made_at"))
    if kind == sod_exceptions.TWO_APPROVALS:
        return gettext("also approved %(step)s", step=facts.get("other_step"))
    if kind == sod_exceptions.DELEGATED:
        text = gettext("delegated by %(who)s", who=facts.get("delegated_by"))
        return text + ("; " + gettext("chain %(chain)s", chain=facts["chain"]) if facts.get("chain") else "")
    return row.get("detail") or ""


def _translated(rows: list[dict]) -> list[dict]:
    return [{**row, "detail": _detail(row)} for row in rows]


def _columns(keys):
    return [(key, str(TITLES[key])) for key in keys]


def _csv(name: str, keys, rows) -> Response:
    shown = [{**row, "kind": str(KIND_NAMES.get(row["kind"], row["kind"]))} if "kind" in row else row for row in rows]
    text = csv_text(_columns(keys), shown)
    stamp = clock.today().isoformat()
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}-{stamp}.csv"})


def _period():
    start_text, end_text = request.args.get("from", "")[:40], request.args.get("to", "")[:40]
    start, end = instants.period(start_text, end_text)
    return start, end, {"from": start_text, "to": end_text}


@bp.get("/audit/controls/")
@login_required
def audit_controls():
    ensure_reviewer(current_user)
    return render_template("audit/controls.html")


@bp.get("/audit/controls/sod")
@login_required
def audit_controls_sod():
    start, end, shown = _period()
    rows = _translated(sod_exceptions.sod_exceptions(current_user, start, end))
    return render_template("audit/controls_table.html", title=_l("Segregation-of-duties exceptions"),
                           columns=_columns([key for key in sod_exceptions.COLUMNS if key != "step"]), rows=rows,
                           kinds=KIND_NAMES, filters=shown,
                           csv_endpoint="web.audit_controls_sod_csv")


@bp.get("/audit/controls/sod.csv")
@login_required
def audit_controls_sod_csv():
    start, end, _shown = _period()
    return _csv("sod-exceptions", sod_exceptions.COLUMNS,
                _translated(sod_exceptions.sod_exceptions(current_user, start, end)))


def _kind():
    kind = request.args.get("kind") or None
    return kind if kind in admin_actions.KINDS else None


@bp.get("/audit/controls/admin-actions")
@login_required
def audit_controls_admin():
    start, end, shown = _period()
    rows = admin_actions.admin_actions(current_user, start, end, _kind())
    return render_template("audit/controls_table.html", title=_l("Admin actions"),
                           columns=_columns(admin_actions.COLUMNS), rows=rows, kinds=KIND_NAMES,
                           filters={**shown, "kind": _kind() or ""}, kind_choices=admin_actions.KINDS,
                           csv_endpoint="web.audit_controls_admin_csv")


@bp.get("/audit/controls/admin-actions.csv")
@login_required
def audit_controls_admin_csv():
    start, end, _shown = _period()
    return _csv("admin-actions", admin_actions.COLUMNS, admin_actions.admin_actions(current_user, start, end, _kind()))


@bp.get("/audit/controls/access")
@login_required
def audit_controls_access():
    text = request.args.get("as_of", "")[:40]
    review = access_review.access_as_of(current_user, instants.as_of(text))
    return render_template("audit/controls_access.html", review=review, as_of=text,
                           role_columns=_columns(access_review.ROLE_COLUMNS),
                           delegation_columns=_columns(access_review.DELEGATION_COLUMNS))


@bp.get("/audit/controls/access.csv")
@login_required
def audit_controls_access_csv():
    review = access_review.access_as_of(current_user, instants.as_of(request.args.get("as_of", "")[:40]))
    return _csv("access-review", access_review.ROLE_COLUMNS, review["roles"])


@bp.get("/audit/controls/access-delegations.csv")
@login_required
def audit_controls_access_delegations_csv():
    review = access_review.access_as_of(current_user, instants.as_of(request.args.get("as_of", "")[:40]))
    return _csv("delegations", access_review.DELEGATION_COLUMNS, review["delegations"])


@bp.get("/audit/controls/versions")
@login_required
def audit_controls_versions():
    key = (request.args.get("key") or "").strip()[:128] or None
    rows = deployed_versions.deployed_versions(current_user, key)
    return render_template("audit/controls_versions.html", rows=rows, key=key or "",
                           columns=_columns(deployed_versions.COLUMNS))


@bp.get("/audit/controls/versions.csv")
@login_required
def audit_controls_versions_csv():
    key = (request.args.get("key") or "").strip()[:128] or None
    return _csv("deployed-versions", deployed_versions.COLUMNS, deployed_versions.deployed_versions(current_user, key))


@bp.get("/audit/controls/versions/<string(maxlength=128):key>/<int(max=2147483647):version>")
@login_required
def audit_controls_version_diff(key: str, version: int):
    definition, before, diff = deployed_versions.version_diff(current_user, key, version)
    return render_template("audit/controls_diff.html", definition=definition, before=before, diff=diff)
