"""The studio's publish requests (when a second process admin must approve
a publish): the list, and approving or rejecting one. Process admins decide
(never their own), auditors look, everyone else gets the 403 page."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import Conflict, Forbidden, LanesError
from app.services import studio_publish
from app.web import bp

_REFUSALS = {
    "own_publish": lambda: _("A second process administrator decides a publish, never the one who asked for it."),
    "already_decided": lambda: _("This publish request has been decided already."),
    "stale_base": lambda: _("A newer version was published after this request was made; it can only be rejected."),
    "invalid_deployment": lambda: _("The deploy check finds problems in this diagram; it can only be rejected."),
    "scenario_failed": lambda: _("A saved scenario fails on this diagram; it can only be rejected."),
    "validation_failed": lambda: _("Say why the publish is rejected."),
}


@bp.get("/studio/publish-requests")
@login_required
def studio_publish_requests():
    rows = studio_publish.publish_requests(current_user)
    return render_template("audit/studio_publish_requests.html", rows=rows,
                           may_decide=current_user.has_role("process_admin"),
                           approval_on=studio_publish.approval_required())


def _decide(action, request_id: int):
    try:
        decided = action()
    except (Forbidden, Conflict, LanesError) as error:
        if error.code == "read_only" or error.code not in _REFUSALS:
            raise
        flash(_REFUSALS[error.code](), "error")
    else:
        if decided.status == "approved":
            flash(_("Published %(key)s v%(v)s.", key=decided.process_key, v=decided.published_version))
        else:
            flash(_("Publish request #%(id)s rejected.", id=request_id))
    return redirect(url_for("web.studio_publish_requests"))


@bp.post("/studio/publish-requests/<int(max=2147483647):request_id>/approve")
@login_required
def studio_publish_approve(request_id: int):
    return _decide(lambda: studio_publish.approve_publish(request_id, current_user), request_id)


@bp.post("/studio/publish-requests/<int(max=2147483647):request_id>/reject")
@login_required
def studio_publish_reject(request_id: int):
    reason = request.form.get("reason", "")
    return _decide(lambda: studio_publish.reject_publish(request_id, reason, current_user), request_id)
