"""The studio's decision-table editor (dmn-js) and form editor pages. The
pages load, autosave, lint, test and preview through /api/v1/studio/files
and /api/v1/studio/forms. Process admins edit, auditors look; everyone else
gets the 403 page."""
from flask import render_template
from flask_login import current_user, login_required

from app.errors import NotFound
from app.services import studio_files
from app.web import bp


def _page(name: str, kind: str, template: str):
    source = studio_files.file_source(name, current_user)
    if source.kind != kind:
        raise NotFound(f"{name!r} is not a {'decision table' if kind == 'dmn' else 'form'}.")
    editable = current_user.has_role("process_admin")
    return render_template(template, source=source, editable=editable)


@bp.get("/studio/decisions/<name>")
@login_required
def studio_decision(name: str):
    return _page(name, "dmn", "audit/studio_decision.html")


@bp.get("/studio/forms/<name>")
@login_required
def studio_form(name: str):
    return _page(name, "form", "audit/studio_form.html")
