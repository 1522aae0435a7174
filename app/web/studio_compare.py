"""The studio's compare page: two versions of a process (or the draft and
its base) side by side, with the changed properties, the form and table
diffs and the running instances on each changed step. Process admins and
auditors; everyone else gets the 403 page."""
from flask import render_template, request
from flask_login import current_user, login_required

from app.services import studio, studio_compare
from app.web import bp


@bp.get("/studio/processes/<key>/compare")
@login_required
def studio_compare_versions(key: str):
    a = studio_compare.parse_side(request.args.get("a"), "a")
    b = studio_compare.parse_side(request.args.get("b"), "b")
    if a is None or b is None:
        default_a, default_b = studio_compare.default_sides(key, current_user)
        a, b = a or default_a, b or default_b
    comparison = studio_compare.compare(key, a, b, current_user)
    definition = studio.latest_definition(key, current_user)
    sides = [str(v) for v in studio_compare.versions_of(key, current_user)]
    if studio.find_draft(key, current_user) is not None:
        sides.insert(0, studio_compare.DRAFT)
    return render_template("audit/studio_compare.html", comparison=comparison, definition=definition, sides=sides)
