"""Saved views on the report pages: the partial reports/_saved_views.html
(any report page includes it; it reads request.endpoint and request.args)
lists the views of the page open to the reader and saves the page's filters
as a new view; /reports/ lists them all."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.services import saved_views
from app.services.inbox import role_names
from app.web import bp

FILTER_PREFIX = "filter."


def view_url(view) -> str:
    """The page of ``view`` with its filters."""
    return url_for(view.endpoint, **(view.filters or {}))


@bp.app_context_processor
def _saved_views_helpers():
    def views_here():
        return saved_views.visible_views(current_user, request.endpoint)

    return {"saved_views_here": views_here, "saved_view_url": view_url, "share_roles": role_names}


@bp.post("/reports/views")
@login_required
def save_view():
    """Save the page's filters (sent as ``filter.<name>``); back to the page as saved."""
    form = request.form
    filters = {key[len(FILTER_PREFIX):]: value for key, value in form.items() if key.startswith(FILTER_PREFIX)}
    view = saved_views.create_view(current_user, form.get("name", ""), form.get("endpoint", ""), filters,
                                   share=form.get("share"), share_role=form.get("share_role") or None,
                                   share_user=form.get("share_user") or None)
    flash(_("View “%(name)s” saved.", name=view.name))
    return redirect(view_url(view))


@bp.post("/reports/views/<int(max=2147483647):view_id>/delete")
@login_required
def delete_view(view_id: int):
    saved_views.delete_view(current_user, view_id)
    flash(_("View deleted."))
    back = request.form.get("back", "")
    return redirect(back if back.startswith("/reports/") and not back.startswith("//") else url_for("web.reports_home"))
