"""/operate/incidents: the instances in error grouped by cause and the
overdue steps (process admins and auditors read), retrying one, a
selection or a whole cause (process admins), and the outcome of each bulk
retry. Everyone else gets the 403 page."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.services import incident_retries, incidents
from app.services.permissions import may_operate
from app.web import bp


@bp.get("/operate/incidents")
@login_required
def operate_incidents():
    groups = incidents.incident_groups(current_user)
    return render_template("operate/incidents.html", groups=groups, overdue=incidents.overdue_steps(current_user),
                           retries=incident_retries.recent_retries(current_user),
                           may_retry=may_operate(current_user))


@bp.post("/operate/incidents/retry")
@login_required
def operate_incidents_retry():
    group = request.form.get("group")
    try:
        if group:
            retry = incident_retries.retry_group(group, current_user)
        else:
            retry = incident_retries.retry_selection(request.form.getlist("instance_ids"), current_user)
    except incident_retries.BadRetryRequest as error:
        field = next(iter(error.details.get("fields") or {"instance_ids": []}))
        flash(_("Tick at least one instance to retry.") if field == "instance_ids"
              else _("No instance is in error with this cause any more."), "error")
        return redirect(url_for("web.operate_incidents"))
    return redirect(url_for("web.operate_incident_retry", retry_id=retry.id))


@bp.get("/operate/incidents/retries/<int(max=2147483647):retry_id>")
@login_required
def operate_incident_retry(retry_id: int):
    retry = incident_retries.get_retry(retry_id, current_user)
    return render_template("operate/incidents_retry.html", retry=retry,
                           counts=incident_retries.outcome_counts(retry))
