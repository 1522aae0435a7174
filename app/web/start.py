"""Start a process: the catalogue of the processes the user may start, by
area, and each one's start form. Who may start is the diagram's startRoles,
enforced by ``instances.start_instance``; the pages only stop offering what
would be refused."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.errors import Forbidden, ValidationFailed
from app.services import deployment, instances
from app.services.permissions import READ_ONLY_ROLE
from app.web import bp
from app.web.attachments import AttachmentStore
from app.web.catalogue_areas import group_by_area
from app.web.expired_sessions import take_kept_form
from app.web.field_messages import error_text, readable_fields
from app.web.foreign_customers import confirmed, field_errors, warnings
from app.web.form_fields import build_fields, form_errors
from app.web.form_input import parse_form

BUSINESS_KEY_MAX = 128


@bp.get("/start")
@login_required
def catalogue():
    areas = group_by_area(instances.startable_definitions(current_user))
    return render_template("catalogue.html", areas=areas)


def _definition(key: str):
    definition = deployment.find_definition(key)
    if definition is None:
        abort(404)
    return definition


def _refused(code: str):
    """The readable 403 page instead of a form the user may not submit."""
    code = "read_only" if code == "read_only" or current_user.has_role(READ_ONLY_ROLE) else code
    message = error_text(code, error_text("forbidden"))
    return render_template("error.html", status=403, code=code, message=message, details={}), 403


def _render(definition, values: dict, business_key: str = "", errors: dict | None = None, status: int = 200,
            problem: str | None = None, foreign: list[str] | None = None):
    schema = definition.form_schema(definition.start_form)
    errors = readable_fields(errors or {})
    fields = build_fields(schema, values, errors)
    return render_template("start.html", definition=definition, schema=schema, fields=fields,
                           business_key=business_key, business_key_errors=errors.get("business_key", []),
                           loose_errors=[m for m in form_errors(errors, fields)
                                         if m not in errors.get("business_key", [])],
                           problem=problem, foreign=foreign or []), status


@bp.get("/start/<key>")
@login_required
def start_form(key: str):
    definition = _definition(key)
    if not instances.may_start(definition, current_user):
        return _refused("not_a_starter")
    kept = take_kept_form()  # typed before the session ended: shown again, not sent
    if kept:
        return _render(definition, parse_form(definition.form_schema(definition.start_form), kept, MultiDict(),
                                              AttachmentStore()), kept.get("business_key", ""))
    return _render(definition, _prefilled(definition.form_schema(definition.start_form)))


def _prefilled(schema: dict | None) -> dict:
    """Start values another flow's notice put in the link (F20 hands goods
    to come back to F03 so): only the form's own text fields, at most their
    length; the start checks them like anything typed."""
    fields = (schema or {}).get("properties") or {}
    return {name: value for name, value in request.args.items()
            if (fields.get(name) or {}).get("type") == "string" and "enum" not in fields[name]
            and len(value) <= fields[name].get("maxLength", 200)}


@bp.post("/start/<key>")
@login_required
def start(key: str):
    definition = _definition(key)
    if not instances.may_start(definition, current_user):  # before any upload is stored
        return _refused("not_a_starter")
    business_key = (request.form.get("business_key") or "").strip()[:BUSINESS_KEY_MAX + 1]
    data: dict = {}
    try:
        data = parse_form(definition.form_schema(definition.start_form), request.form, request.files, AttachmentStore())
        instance = instances.start_instance(key, data, current_user, business_key=business_key or None,
                                            confirm_foreign_customer=confirmed())
    except ValidationFailed as exc:
        return _render(definition, data or request.form.to_dict(), business_key, field_errors(exc),
                       422, None if warnings(exc) else error_text(exc.code), warnings(exc))
    except Forbidden as exc:
        if exc.code in ("read_only", "not_a_starter"):
            return _refused(exc.code)
        return _render(definition, data, business_key, None, 403, error_text(exc.code, exc.message))
    flash(gettext("Submitted: %(process)s %(key)s.", process=definition.name,
                  key=instance.business_key or f"#{instance.id}"))
    return redirect(url_for("web.instance", instance_id=instance.id))
