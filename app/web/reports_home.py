"""/reports/: the starting point of the report pages and the header's 报表
link. Each report page lists itself here with ``listed``: its endpoint, its
title and one line saying what it answers, who may open it and the filters
(query arguments) a saved view of it may keep. The page also lists the
saved views the reader may open."""
from typing import Callable

from flask import render_template
from flask_login import current_user, login_required

from app.errors import Forbidden
from app.services import report_catalogue, saved_views
from app.services.report_access import may_read_analytics, may_read_reports
from app.web import bp


def listed(endpoint: str, title, text, may_open: Callable = may_read_reports, filters: tuple[str, ...] = ()) -> None:
    """Show the report page ``endpoint`` on /reports/ to the people
    ``may_open(user)`` admits; ``filters``: the query arguments it accepts."""
    report_catalogue.add(report_catalogue.ListedReport(endpoint, title, text, may_open, tuple(filters)))


def _may_see_reports(user) -> bool:
    return bool(user and user.is_authenticated and (may_read_reports(user) or may_read_analytics(user)))


@bp.app_context_processor
def _reports_navigation():
    return {"may_see_reports": _may_see_reports(current_user)}


@bp.get("/reports/")
@login_required
def reports_home():
    if not _may_see_reports(current_user):
        raise Forbidden("The reports need a sales, finance, management or analyst role.")
    return render_template("reports/home.html", reports=report_catalogue.open_to(current_user),
                           views=saved_views.visible_views(current_user))
