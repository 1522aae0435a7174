"""Signed audit checkpoints for auditors and process admins: the list, making
one now (process admins), and downloads of an export and its public key."""
import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.services import checkpoints
from app.services.queries import is_read_only
from app.web import bp


@bp.get("/audit/checkpoints")
@login_required
def audit_checkpoints():
    rows = checkpoints.checkpoints_page(current_user)
    return render_template("audit/checkpoints.html", rows=rows, may_make=current_user.has_role("process_admin")
                           and not is_read_only(current_user))


@bp.post("/audit/checkpoints")
@login_required
def audit_checkpoint_make():
    made = checkpoints.make_checkpoint(current_user)
    flash(_("Checkpoint #%(id)s signed over %(count)s chains.", id=made.id, count=made.leaf_count))
    return redirect(url_for("web.audit_checkpoints"))


@bp.get("/audit/checkpoints/<int(max=2147483647):checkpoint_id>/export.json")
@login_required
def audit_checkpoint_export(checkpoint_id: int):
    body = checkpoints.export(checkpoints.get_checkpoint(checkpoint_id, current_user))
    response = Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename=lanes-checkpoint-{checkpoint_id}.json"
    return response


@bp.get("/audit/checkpoints/<int(max=2147483647):checkpoint_id>/public-key.pem")
@login_required
def audit_checkpoint_key(checkpoint_id: int):
    checkpoint = checkpoints.get_checkpoint(checkpoint_id, current_user)
    response = Response(checkpoint.public_key, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = f"attachment; filename=lanes-audit-key-{checkpoint.key_fingerprint[:16]}.pem"
    return response
