"""The inbox (landing page after sign-in) and the claim / release /
delegate buttons on its rows."""
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.errors import LanesError, ValidationFailed
from app.i18n import current_locale
from app.services import inbox as inbox_service
from app.services import tasks
from app.web import bp
from app.web.field_messages import error_text, readable_fields
from app.web.inbox_rows import row_views


def _back():
    """Return to the inbox with the filters the user had."""
    target = request.form.get("back") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("web.home"))


@bp.get("/")
@login_required
def home():
    box = request.args.get("box", "all")
    box = box if box in (*inbox_service.BOXES, "all") else "all"
    query = (request.args.get("q") or "").strip()[:100]
    process_key = (request.args.get("process") or "").strip()[:128] or None
    overdue = request.args.get("overdue") == "1"
    after = (request.args.get("after") or "").strip()[:200] or None
    try:
        view = inbox_service.inbox_for(current_user, box=box, q=query, process_key=process_key, overdue=overdue,
                                       after=after)
    except ValidationFailed:  # a cursor edited by hand or from an older page: start again at the top
        after = None
        view = inbox_service.inbox_for(current_user, box=box, q=query, process_key=process_key, overdue=overdue)
    g.task_counts = view.counts  # the header shows the same counts: counted once per page
    user = current_user._get_current_object()
    return render_template("inbox.html", inbox=view, rows=row_views(view, current_locale()), box=box, q=query,
                           process_key=process_key, overdue=overdue, after=after, user=user)


def _act(action, success: str):
    try:
        action()
    except LanesError as exc:
        fields = readable_fields(exc.details.get("fields") or {})
        detail = "; ".join(m for messages in fields.values() for m in messages)
        flash(detail or error_text(exc.code, exc.message), "error")
    else:
        flash(success)
    return _back()


@bp.post("/tasks/<int(max=2147483647):task_id>/claim")
@login_required
def claim(task_id: int):
    return _act(lambda: tasks.claim_task(task_id, current_user), gettext("The task is now yours."))


@bp.post("/tasks/<int(max=2147483647):task_id>/release")
@login_required
def release(task_id: int):
    return _act(lambda: tasks.release_task(task_id, current_user), gettext("The task is back with its role."))


@bp.post("/tasks/<int(max=2147483647):task_id>/delegate")
@login_required
def delegate(task_id: int):
    to = (request.form.get("to") or "").strip()[:64]
    return _act(lambda: tasks.delegate_task(task_id, current_user, to),
                gettext("The task was handed to %(name)s.", name=to))
