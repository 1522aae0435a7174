"""The task page: what the request is about, its history, and the task's
form; submitting it completes the task."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.errors import Conflict, Forbidden, ValidationFailed
from app.services import inbox as inbox_service
from app.services import tasks
from app.web import bp
from app.web.attachments import AttachmentStore
from app.web.expired_sessions import take_kept_form
from app.web.field_messages import error_text, readable_fields
from app.web.foreign_customers import confirmed, field_errors, warnings
from app.web.form_fields import build_fields, form_errors, reader_locale
from app.web.form_input import parse_form

# Fields a requester typed are shown again in a later form of the same
# request (a revision starts from the current values); what a reviewer
# decided last time is not, unless the form shows it read-only (a revision
# form's 驳回说明 is the reviewer's comment).
NEVER_PREFILLED = ("decision", "comment", "action")


def _prefill(page: inbox_service.TaskPage, schema: dict | None) -> dict:
    data = page.task.instance.data or {}
    keys = (schema or {}).get("properties") or {}
    return {key: data[key] for key in keys
            if key in data and (key not in NEVER_PREFILLED or (keys[key] or {}).get("readOnly"))}


def _render(page, values: dict, errors: dict | None = None, status: int = 200, problem: str | None = None,
            foreign: list[str] | None = None):
    schema = page.task.instance.definition.form_schema(page.task.form_key)
    errors = readable_fields(errors or {})
    fields = build_fields(schema, values, errors, show_hints=False)
    return render_template("task.html", page=page, about=page.about, schema=schema, fields=fields,
                           loose_errors=form_errors(errors, fields), problem=problem, foreign=foreign or []), status


@bp.get("/tasks/<int(max=2147483647):task_id>")
@login_required
def task(task_id: int):
    page = inbox_service.task_page(task_id, current_user, reader_locale())
    schema = page.task.instance.definition.form_schema(page.task.form_key)
    kept = take_kept_form()  # typed before the session ended: shown again, not sent
    return _render(page, parse_form(schema, kept, MultiDict(), AttachmentStore()) if kept else _prefill(page, schema))


@bp.post("/tasks/<int(max=2147483647):task_id>")
@login_required
def complete(task_id: int):
    # Complete first: the page (history, names, diagram marks) is built only
    # when the submission is refused and the form must be shown again.
    task = inbox_service.task_to_submit(task_id, current_user)
    schema = task.instance.definition.form_schema(task.form_key)
    data: dict = {}
    try:
        data = parse_form(schema, request.form, request.files, AttachmentStore())
        tasks.complete_task(task_id, current_user, data, confirm_foreign_customer=confirmed())
    except ValidationFailed as exc:
        return _render(inbox_service.task_page(task_id, current_user, reader_locale()), data or request.form.to_dict(),
                       field_errors(exc), 422, None if warnings(exc) else error_text(exc.code), warnings(exc))
    except Forbidden as exc:
        return _render(inbox_service.task_page(task_id, current_user, reader_locale()), data, None, 403,
                       error_text(exc.code, exc.message))
    except Conflict as exc:
        flash(error_text(exc.code, exc.message), "error")
        return redirect(url_for("web.home"))
    flash(gettext("Done: %(step)s (%(process)s %(key)s).", step=task.name, process=task.instance.definition.name,
                  key=task.instance.business_key or f"#{task.instance.id}"))
    return redirect(url_for("web.home"))
