"""The studio's "import from Camunda 7" page: upload a Camunda .bpmn with
its .dmn files, map groups to role codes, read the report of what could
not be carried over and the deploy check; a passing result becomes a studio
draft, opened here in the modeler until it is deployed. Process admins
import; auditors look; everyone else gets the 403 page."""
from types import SimpleNamespace

from flask import render_template, request
from flask_login import current_user, login_required

from app.errors import Conflict, ValidationFailed
from app.services import camunda_import
from app.services.permissions import ensure_process_admin
from app.web import bp


def _page(outcome=None, errors=(), status=200):
    return render_template("audit/studio_import.html", outcome=outcome, errors=list(errors),
                           drafts=camunda_import.imported_drafts(current_user),
                           editable=current_user.has_role("process_admin"), form=request.form), status


@bp.get("/studio/import")
@login_required
def studio_import():
    return _page()


@bp.post("/studio/import")
@login_required
def studio_import_upload():
    camunda_import.imported_drafts(current_user)  # 403 before reading anything
    ensure_process_admin(current_user, "import Camunda models")
    try:
        if not request.files.get("bpmn") or not request.files["bpmn"].filename:
            raise ValidationFailed.for_fields({"bpmn": ["Upload the Camunda .bpmn file."]})
        bpmn = camunda_import.read_upload(request.files["bpmn"], "bpmn")
        dmns = dict(camunda_import.read_upload(s, "dmn") for s in request.files.getlist("dmn") if s.filename)
        role_map = camunda_import.parse_role_map(request.form.get("map", ""))
        outcome = camunda_import.import_to_draft(bpmn, dmns, role_map, current_user,
                                                 (request.form.get("key") or "").strip() or None)
    except ValidationFailed as exc:
        return _page(errors=[m for msgs in exc.details.get("fields", {}).values() for m in msgs] or [exc.message],
                     status=422)
    except Conflict as exc:
        return _page(errors=[exc.message], status=409)
    return _page(outcome)


@bp.get("/studio/import/drafts/<key>")
@login_required
def studio_imported_draft(key: str):
    """The modeler on an imported draft (its key is not deployed yet)."""
    draft = camunda_import.imported_draft(key, current_user)
    stand_in = SimpleNamespace(key=key, name=camunda_import.draft_title(draft), version="—", bpmn_file=f"{key}.bpmn")
    return render_template("audit/studio_modeler.html", definition=stand_in, draft=draft,
                           editable=current_user.has_role("process_admin"))
