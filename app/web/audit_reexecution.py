"""The re-execution button's answer: POST /audit/instances/<id>/reexecute
gives the verdict as JSON (Accept: application/json), as an HTML fragment
(?partial=1, for a page that puts it in place) or as a page."""
from flask import jsonify, render_template, request
from flask_login import current_user, login_required

from app.services import replay
from app.web import bp


@bp.post("/audit/instances/<int(max=2147483647):instance_id>/reexecute")
@login_required
def audit_reexecute(instance_id: int):
    replay.ensure_may_replay(current_user)
    verdict = replay.reexecute(instance_id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(verdict.to_json())
    if request.args.get("partial"):
        return render_template("audit/_reexecution.html", verdict=verdict)
    return render_template("audit/reexecution.html", verdict=verdict)
