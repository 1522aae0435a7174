"""The analysts' studio pages: the process list and the modeler of one
process (bpmn-js with the platform's properties panel). Process admins
edit, auditors look; everyone else gets the 403 page."""
from flask import Response, render_template
from flask_login import current_user, login_required

from app.services import studio, studio_files, studio_restore
from app.web import bp


@bp.get("/studio/")
@login_required
def studio_processes():
    rows = studio.process_list(current_user)
    return render_template("audit/studio_processes.html", rows=rows, files=studio_files.files_by_process(current_user),
                           file_drafts=studio_files.drafts(current_user),
                           deployed_files=sorted(studio_files.deployed_files(current_user)),
                           discarded={row.key: studio_restore.discarded_drafts(row.key, current_user) for row in rows})


@bp.get("/studio/processes/<key>")
@login_required
def studio_modeler(key: str):
    definition = studio.latest_definition(key, current_user)
    draft = studio.find_draft(key, current_user)
    editable = current_user.has_role("process_admin")
    return render_template("audit/studio_modeler.html", definition=definition, draft=draft, editable=editable,
                           discarded=studio_restore.discarded_drafts(key, current_user))


@bp.get("/studio/processes/<key>/diagram.bpmn")
@login_required
def studio_diagram(key: str):
    """The latest deployed diagram of ``key``, which the modeler opens when there is no draft."""
    definition = studio.latest_definition(key, current_user)
    response = Response(definition.files.get(definition.bpmn_file) or "", mimetype="application/xml")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
