"""/reports/: the starting point of the report pages and the header's 报表
link. Each report page lists itself here with ``listed``: its endpoint, its
title and one line saying what it answers, and who may open it."""
from dataclasses import dataclass
from typing import Callable

from flask import render_template
from flask_login import current_user, login_required

from app.errors import Forbidden
from app.services.report_access import may_read_analytics, may_read_reports
from app.web import bp


@dataclass(frozen=True)
class ListedReport:
    endpoint: str
    title: object  # a lazy gettext string
    text: object
    may_open: Callable


REPORTS: list[ListedReport] = []


def listed(endpoint: str, title, text, may_open: Callable = may_read_reports) -> None:
    """Show the report page ``endpoint`` on /reports/ to the people ``may_open(user)`` admits."""
    REPORTS.append(ListedReport(endpoint, title, text, may_open))


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
    return render_template("reports/home.html", reports=[r for r in REPORTS if r.may_open(current_user)])
