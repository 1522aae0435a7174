"""My requests, the instance page (diagram, steps, timeline), the diagram's
XML for the viewer, and downloads of a request's attachments."""
from flask import Response, abort, render_template, request, send_file
from flask_babel import gettext
from flask_login import current_user, login_required

from app.i18n import LOCALES, current_locale
from app.models import InstanceStatus
from app.services import inbox as inbox_service
from app.services import checkpoints
from app.services.diagram_labels import localized_diagram_xml
from app.services.queries import sees_everything, visible_instance
from app.web import bp
from app.web.attachments import path_of, stored_type
from app.web.form_fields import reader_locale

STATUSES = [status.name for status in InstanceStatus]


@bp.get("/requests")
@login_required
def my_requests():
    status = request.args.get("status") or None
    status = status if status in STATUSES else None
    query = (request.args.get("q") or "").strip()[:100]
    rows = inbox_service.my_requests(current_user, status=status, q=query)
    return render_template("requests.html", rows=rows, status=status, q=query, statuses=STATUSES)


@bp.get("/instances/<int(max=2147483647):instance_id>")
@login_required
def instance(instance_id: int):
    page = inbox_service.instance_page(instance_id, current_user, reader_locale())
    audit_view = sees_everything(current_user)
    return render_template("instance.html", about=page, instance=page.instance, audit_view=audit_view,
                           coverage=checkpoints.covering(page.instance) if audit_view else None,
                           may_replay=audit_view)


@bp.get("/instances/<int(max=2147483647):instance_id>/diagram.bpmn")
@login_required
def diagram(instance_id: int):
    return diagram_response(visible_instance(instance_id, current_user).definition)


def diagram_response(definition):
    """The version's BPMN with its labels in the ``lang`` of the URL (else the reader's)."""
    locale = request.args.get("lang") or current_locale()  # in the URL, so each language is cached apart
    if locale not in LOCALES:
        abort(400, description=gettext("lang: unknown language; use one of %(known)s.", known=", ".join(LOCALES)))
    xml = definition.files.get(definition.bpmn_file) or ""
    response = Response(localized_diagram_xml(xml, locale) if xml else xml, mimetype="application/xml")
    response.headers["Cache-Control"] = "private, max-age=3600"  # a deployed version never changes
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/instances/<int(max=2147483647):instance_id>/attachments/<sha256>")
@login_required
def attachment(instance_id: int, sha256: str):
    """Only files this instance's data or its steps refer to, for people who may see it."""
    ref = inbox_service.instance_attachment(instance_id, current_user, sha256)
    path = path_of(sha256) if ref else None
    if path is None:
        abort(404)
    return send_file(path, mimetype=stored_type(sha256), as_attachment=True,
                     download_name=ref.get("name") or sha256)
