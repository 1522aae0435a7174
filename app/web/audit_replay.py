"""The replay page of an instance (auditors and process admins): the
diagram at a chosen event, the event list and scrubber, and beside them the
data as of that event, what changed, the form as its performer saw it,
the actor's authority and the files the data refers to."""
from flask import jsonify, render_template, request
from flask_login import current_user, login_required

from app import clock
from app.errors import ValidationFailed
from app.i18n import current_locale
from app.services import replay_view
from app.services.inbox import role_names
from app.web import bp
from app.web.form_fields import build_fields


def seq_argument(value: str | None) -> int | None:
    """``?seq=`` as a positive event number. Raises ValidationFailed for anything else."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 9:
        raise ValidationFailed.for_fields({"seq": ["An event number is a whole number from 1."]})
    return int(value)


def _role_titles(codes: list[str]) -> list[str]:
    names = role_names()
    english = current_locale().startswith("en")
    return [(names[c][1] if english else names[c][0]) if c in names else c for c in codes]


@bp.get("/audit/instances/<int(max=2147483647):instance_id>/replay")
@login_required
def audit_replay(instance_id: int):
    page = replay_view.replay_page(instance_id, current_user, seq_argument(request.args.get("seq")),
                                   (request.args.get("as_of") or "").strip()[:40] or None)
    moment = page.moment
    fields = build_fields(page.form_schema, page.form_values) if moment and page.form_schema else []
    zone = clock.business_timezone()
    shown_at = page.as_of or (moment.at if moment else None)
    return render_template("audit/replay.html", page=page, instance=page.instance, moment=moment, fields=fields,
                           data_tree=page.data_tree, role_titles=_role_titles(page.roles), business_zone=zone.key,
                           as_of_value=shown_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if shown_at else "")


@bp.get("/audit/instances/<int(max=2147483647):instance_id>/replay.json")
@login_required
def audit_replay_json(instance_id: int):
    """The replay's moments for the page's script (session, not token; the
    same body as GET /api/v1/audit/instances/<id>/replay)."""
    page = replay_view.replay_page(instance_id, current_user, seq_argument(request.args.get("seq")),
                                   (request.args.get("as_of") or "").strip()[:40] or None)
    return jsonify(replay_view.as_json(page))
