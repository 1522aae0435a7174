"""The process admins' page of one instance (status, active steps, data,
and a form for each correction, a reason required) and the list of
correction requests across instances, with approve / reject for another
admin. Auditors look; everyone else gets the 403 page."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import Conflict, Forbidden, LanesError, ValidationFailed
from app.services import corrections
from app.services.correction_view import ensure_operator_or_auditor, instance_for_admin, value_from_text
from app.services.instances import get_instance
from app.services.instance_waits import instance_waits
from app.services.permissions import may_operate
from app.web import bp

_MAX_ID = 2147483647
_REFUSALS = {
    "own_correction": lambda: _("A second process administrator decides a correction, never the one who asked for it."),
    "already_decided": lambda: _("This correction request has been decided already."),
    "instance_suspended": lambda: _("The instance is suspended: resume it first."),
    "not_suspended": lambda: _("The instance is not suspended."),
    "instance_ended": lambda: _("The instance has ended; it cannot be corrected."),
    "not_yours": lambda: _("Only the process administrator who asked can withdraw a correction."),
    "stale_instance": lambda: _("Someone else changed this instance at the same time; reload and try again."),
}
_FIELDS = {"reason": lambda: _("Reason"), "note": lambda: _("Reason"), "task_id": lambda: _("Step"),
           "to_element": lambda: _("Move to"), "field": lambda: _("Field"), "value": lambda: _("New value"),
           "kind": lambda: _("Correction")}
_DONE = {"applied": lambda: _("The correction is applied."),
         "pending": lambda: _("The correction waits for a second process administrator's approval."),
         "rejected": lambda: _("The correction is rejected; nothing was applied."),
         "withdrawn": lambda: _("The correction request is withdrawn."),
         "failed": lambda: _("The correction was not applied: the instance changed since it was asked for.")}


def _refused(error: LanesError) -> None:
    """Flash why, in the reader's language. Raises what is no refusal of the form."""
    if isinstance(error, ValidationFailed):
        for field in (error.details.get("fields") or {}):
            label = _FIELDS.get(field, lambda: field)()
            flash(_("The correction was refused: check %(field)s.", field=label) + f" ({error.message})", "error")
        return
    if error.code not in _REFUSALS:
        raise error
    flash(_REFUSALS[error.code](), "error")


@bp.get(f"/operate/instances/<int(max={_MAX_ID}):instance_id>")
@login_required
def operate_instance(instance_id: int):
    view = instance_for_admin(instance_id, current_user)
    waits = instance_waits(instance_id, current_user).waits
    return render_template("operate/instance.html", view=view, instance=view.instance, waits=waits,
                           may_correct=may_operate(current_user))


@bp.post(f"/operate/instances/<int(max={_MAX_ID}):instance_id>/corrections")
@login_required
def operate_request_correction(instance_id: int):
    form = request.form
    kind = form.get("kind", "")
    given = {}
    if kind in ("move", "skip"):
        given["task_id"] = form.get("task_id", "")
    if kind == "move":
        given["to_element"] = form.get("to_element", "")
    if kind == "data":
        ensure_operator_or_auditor(current_user)
        field = form.get("field", "")
        given.update(field=field, value=value_from_text(get_instance(instance_id), field, form.get("value", "")))
    try:
        made = corrections.request_correction(instance_id, current_user, kind, form.get("reason", ""), **given)
    except (Conflict, ValidationFailed) as error:
        _refused(error)
    else:
        flash(_DONE[made.status]())
    return redirect(url_for("web.operate_instance", instance_id=instance_id))


@bp.get("/operate/corrections")
@login_required
def operate_corrections():
    status = request.args.get("status") or None
    if status not in (None, "pending", "applied", "rejected", "withdrawn", "failed"):
        status = None
    rows = corrections.correction_requests(current_user, status)
    return render_template("operate/corrections.html", rows=rows, status=status,
                           approval_kinds=corrections.approval_kinds(),
                           may_decide=may_operate(current_user))


def _decide(action, back: str | None):
    try:
        decided = action()
    except (Forbidden, Conflict, ValidationFailed) as error:
        if error.code == "read_only" or (isinstance(error, Forbidden) and error.code not in _REFUSALS):
            raise
        _refused(error)
    else:
        flash(_DONE[decided.status]())
    if back and back.startswith("/operate/") and "//" not in back:
        return redirect(back)
    return redirect(url_for("web.operate_corrections"))


@bp.post(f"/operate/corrections/<int(max={_MAX_ID}):request_id>/approve")
@login_required
def operate_correction_approve(request_id: int):
    return _decide(lambda: corrections.approve_correction(request_id, current_user, request.form.get("note")),
                   request.form.get("back"))


@bp.post(f"/operate/corrections/<int(max={_MAX_ID}):request_id>/reject")
@login_required
def operate_correction_reject(request_id: int):
    return _decide(lambda: corrections.reject_correction(request_id, current_user, request.form.get("note", "")),
                   request.form.get("back"))


@bp.post(f"/operate/corrections/<int(max={_MAX_ID}):request_id>/withdraw")
@login_required
def operate_correction_withdraw(request_id: int):
    return _decide(lambda: corrections.withdraw_correction(request_id, current_user), request.form.get("back"))
