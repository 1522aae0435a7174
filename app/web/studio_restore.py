"""Restoring a discarded studio draft from the process list or the modeler
(a plain form post). Process admins only; a draft that exists now is never
overwritten: the page says so instead."""
from flask import flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.errors import Conflict
from app.services import studio_restore
from app.web import bp


@bp.post("/studio/processes/<key>/discarded/<int:history_id>/restore")
@login_required
def studio_restore_draft(key: str, history_id: int):
    try:
        studio_restore.restore_draft(key, history_id, current_user)
    except Conflict:
        flash(gettext("There is a draft of this process now: discard it before restoring another."), "error")
    else:
        flash(gettext("The discarded draft is the draft again."))
    return redirect(url_for("web.studio_modeler", key=key))
