"""Process admins' migration pages: the batches with their progress
(/operate/migrations), planning one with its dry run and mapping
(/operate/migrations/new), and one batch (/operate/migrations/<id>) with a
progress bar its script polls, per-instance results and the approve / run
/ move back buttons. Auditors look; everyone else gets the 403 page."""
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import Conflict, Forbidden, ValidationFailed
from app.services import migrations
from app.services.migration_plans import check_plan, mapping_rows, process_versions
from app.services.permissions import may_operate
from app.web import bp

_REFUSALS = {
    "own_batch": lambda: _("A second process administrator approves a migration, never the one who planned it."),
    "already_decided": lambda: _("This migration has been approved already."),
    "not_approved": lambda: _("This migration waits for a second process administrator's approval."),
    "already_running": lambda: _("This migration is running or finished already."),
    "nothing_moved": lambda: _("This migration moved no request: there is nothing to move back."),
}
_FIELDS = {
    "process_key": lambda: _("Pick a process with more than one version."),
    "source_version": lambda: _("Pick a version this process has."),
    "target_version": lambda: _("Pick a version this process has, other than the source."),
    "reason": lambda: _("Say why these requests move."),
    "selection.ids": lambda: _("Request numbers, separated by commas or spaces."),
    "selection.elements": lambda: _("Pick steps of the source version."),
    "selection.started_from": lambda: _("A date as YYYY-MM-DD."),
    "selection.started_to": lambda: _("A date as YYYY-MM-DD."),
}


def _as_int(text: str):
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else text or None


def _form_plan(form) -> dict:
    ids = [_as_int(part) for part in form.get("ids", "").replace(",", " ").split()]
    elements = [part for part in form.get("elements", "").replace(",", " ").split() if part]
    selection = {"ids": ids, "elements": elements,
                 "started_from": form.get("started_from") or None, "started_to": form.get("started_to") or None}
    mapping = {key[len("map."):]: value for key, value in form.items() if key.startswith("map.") and value}
    return {"process_key": form.get("process_key", ""), "source_version": _as_int(form.get("source_version")),
            "target_version": _as_int(form.get("target_version")), "selection": selection, "mapping": mapping}


def _problems(refused: ValidationFailed) -> dict:
    fields = (refused.details or {}).get("fields") or {}
    out = {}
    for field in fields:
        if field.startswith("mapping."):
            out[field] = _("The mapping names an element the version does not have.")
        else:
            out[field] = (_FIELDS.get(field) or (lambda: _("This value is not valid.")))()
    return out


@bp.get("/operate/migrations")
@login_required
def operate_migrations():
    rows = [(batch, migrations.progress(batch.id, current_user)) for batch in migrations.batches(current_user)]
    return render_template("operate/migrations.html", rows=rows, may_plan=current_user.has_role("process_admin"))


@bp.route("/operate/migrations/new", methods=["GET", "POST"])
@login_required
def operate_migration_new():
    """GET: the plan form; POST: its dry run (``action=dry_run``) or the
    batch saved (``action=plan``). A bad field shows the form again, named (400)."""
    migrations.ensure_reader(current_user)
    if not current_user.has_role("process_admin") or current_user.has_role("auditor"):
        raise Forbidden("Only a process administrator may plan a migration.")
    processes = process_versions()
    form = request.form if request.method == "POST" else request.args
    values = _form_plan(form) if form else {}
    context = {"processes": processes, "form": form, "problems": {}, "rows": None, "mapping": [], "suggested": {},
               "approval_on": migrations.approval_required()}
    if request.method == "GET":
        return render_template("operate/migration_new.html", **context)
    try:
        plan = check_plan(**values, reason=form.get("reason") or "-")
        context["mapping"] = mapping_rows(plan)
        if form.get("action") == "plan":
            batch = migrations.plan_batch(current_user, **values, reason=form.get("reason"))
            flash(_("Migration #%(id)s planned.", id=batch.id))
            return redirect(url_for("web.operate_migration", batch_id=batch.id))
        context["rows"] = migrations.plan_dry_run(current_user, **values)
        context["suggested"] = {o.element_id: o.suggestion for row in context["rows"] for o in row.check.obstacles
                                if o.suggestion}
    except ValidationFailed as refused:
        context["problems"] = _problems(refused)
        if any(field.startswith("mapping.") for field in context["problems"]):  # show the rows, the bad one named
            context["mapping"] = mapping_rows(check_plan(**{**values, "mapping": {}}))
        return render_template("operate/migration_new.html", **context), 400
    return render_template("operate/migration_new.html", **context)


@bp.get("/operate/migrations/<int(max=2147483647):batch_id>")
@login_required
def operate_migration(batch_id: int):
    batch = migrations.batch(batch_id, current_user)
    is_admin = may_operate(current_user)
    return render_template("operate/migration.html", batch=batch, progress=migrations.progress(batch_id, current_user),
                           items=migrations.items(batch_id, current_user), is_admin=is_admin,
                           approval_on=migrations.approval_required())


@bp.get("/operate/migrations/<int(max=2147483647):batch_id>/progress.json")
@login_required
def operate_migration_progress(batch_id: int):
    return jsonify(migrations.progress(batch_id, current_user))


@bp.post("/operate/migrations/<int(max=2147483647):batch_id>/advance")
@login_required
def operate_migration_advance(batch_id: int):
    """An open batch page moves a few more requests (the worker does the same)."""
    migrations.advance(batch_id, current_user)
    return jsonify(migrations.progress(batch_id, current_user))


def _act(action, batch_id: int, done: str):
    try:
        result = action()
    except (Forbidden, Conflict) as error:
        if error.code not in _REFUSALS:
            raise
        flash(_REFUSALS[error.code](), "error")
        return redirect(url_for("web.operate_migration", batch_id=batch_id))
    flash(done)
    return redirect(url_for("web.operate_migration", batch_id=getattr(result, "id", batch_id)))


@bp.post("/operate/migrations/<int(max=2147483647):batch_id>/approve")
@login_required
def operate_migration_approve(batch_id: int):
    return _act(lambda: migrations.approve_batch(batch_id, current_user), batch_id, _("Migration approved."))


@bp.post("/operate/migrations/<int(max=2147483647):batch_id>/run")
@login_required
def operate_migration_run(batch_id: int):
    return _act(lambda: migrations.start_batch(batch_id, current_user), batch_id,
                _("The migration is running: each request moves in its own transaction."))


@bp.post("/operate/migrations/<int(max=2147483647):batch_id>/move-back")
@login_required
def operate_migration_move_back(batch_id: int):
    return _act(lambda: migrations.move_back(batch_id, current_user, request.form.get("reason") or None), batch_id,
                _("The way back is planned as a migration of its own."))
