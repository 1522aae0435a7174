"""The auditors' workbench (/audit/) and its find page (/audit/instances):
every request, filtered, sorted and paged, for auditors and process admins."""
from flask import render_template, request
from flask_login import current_user, login_required

from app.services import audit_search
from app.services.queries import sees_everything
from app.web import bp


@bp.app_context_processor
def _audit_navigation():
    """Whether the header shows the 审计 link (auditors, process admins)."""
    user = current_user
    return {"may_audit": bool(user and user.is_authenticated and sees_everything(user))}


@bp.get("/audit/")
@login_required
def audit_home():
    audit_search.ensure_may_search(current_user)
    return render_template("audit/home.html")


@bp.get("/audit/instances")
@login_required
def audit_instances():
    """The filter form and one page of results; a filter argument that is
    not valid shows the form again with its field named (400)."""
    audit_search.ensure_may_search(current_user)
    # Only the filter's own arguments: they are echoed into the page's links.
    args = {key: value for key, value in request.args.items() if key in audit_search.ARGUMENTS and value.strip()}
    try:
        flt = audit_search.parse_filter(args)
        page = audit_search.search(flt, current_user)
    except audit_search.BadFilter as refused:
        return _page(args, None, refused.details["fields"]), 400
    return _page(args, page, {})


def _page(args: dict, page, problems: dict):
    return render_template("audit/instances.html", args=args, page=page, problems=problems,
                           processes=audit_search.process_choices(), statuses=audit_search.STATUSES)
