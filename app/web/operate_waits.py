"""/operate pages on timers and messages: one instance's waits (its pending
timers and awaited messages, a timer fired now with a reason), the pending
timers of every running instance, and the messages nobody claimed
(delivered by hand or discarded with a reason). Process admins act,
auditors look, everyone else gets the 403 page."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.errors import LanesError
from app.services import audit_search, instance_waits, unclaimed_messages
from app.services.permissions import may_operate
from app.web import bp

MAX_ID = 2_147_483_647

_REFUSALS = {
    "validation_failed": lambda: _("Say why, and check the fields of the form."),
    "not_a_pending_timer": lambda: _("That step is no timer this request waits on now."),
    "instance_not_running": lambda: _("The request is not running (ended, in error or suspended): nothing is fired or delivered."),
    "not_awaiting": lambda: _("That request does not wait for this message."),
    "correlation_mismatch": lambda: _("That request waits for this message with other correlation values; it is not delivered."),
    "already_delivered": lambda: _("This message has been delivered already."),
    "message_discarded": lambda: _("This message has been discarded."),
    "not_found": lambda: _("No such request or message."),
    "stale_instance": lambda: _("Someone else changed this request at the same time; try again."),
    "instance_busy": lambda: _("The request is busy with another command; try again."),
}


def _back(default: str) -> str:
    """Where a form sends the admin back to: a path of this site only."""
    target = request.form.get("back", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target and len(target) < 500:
        return target
    return default


def _act(action, success: str, back: str):
    """Run ``action``; a refusal the admin can fix shows as a message on the
    page they came from (a read-only or forbidden user gets the 403 page)."""
    try:
        action()
    except LanesError as error:
        if error.status in (401, 403) or error.code not in _REFUSALS:
            raise
        flash(_REFUSALS[error.code](), "error")
    else:
        flash(success)
    return redirect(back, code=303)


@bp.get(f"/operate/instances/<int(max={MAX_ID}):instance_id>/waits")
@login_required
def operate_instance_waits(instance_id: int):
    found = instance_waits.instance_waits(instance_id, current_user)
    return render_template("operate/waits.html", instance=found.instance, waits=found.waits,
                           may_act=may_operate(current_user))


@bp.post(f"/operate/instances/<int(max={MAX_ID}):instance_id>/timers/<element_id>/fire")
@login_required
def operate_fire_timer(instance_id: int, element_id: str):
    reason = request.form.get("reason", "")
    back = _back(url_for("web.operate_instance_waits", instance_id=instance_id))
    return _act(lambda: instance_waits.fire_timer_now(instance_id, element_id, reason, current_user),
                _("Timer %(element)s fired now.", element=element_id), back)


@bp.get("/operate/timers")
@login_required
def operate_timers():
    process_key = request.args.get("process_key", "").strip() or None
    try:
        rows = instance_waits.pending_timers(current_user, process_key)
    except LanesError as error:
        if error.status in (401, 403):
            raise
        return render_template("operate/timers.html", rows=[], process_key=None, may_act=may_operate(current_user),
                               processes=audit_search.process_choices(),
                               problem=_("Choose a process from the list.")), 400
    return render_template("operate/timers.html", rows=rows, process_key=process_key, may_act=may_operate(current_user),
                           processes=audit_search.process_choices(), problem=None)


@bp.get("/operate/messages")
@login_required
def operate_messages():
    show_all = request.args.get("all") == "1"
    rows = unclaimed_messages.unclaimed_messages(current_user, unclaimed_only=not show_all)
    return render_template("operate/messages.html", rows=rows, show_all=show_all, may_act=may_operate(current_user),
                           grace=int(unclaimed_messages.grace().total_seconds()))


def _instance_id(text: str):
    text = (text or "").strip().lstrip("#")
    return int(text) if text.isdigit() and 0 < len(text) <= 10 and int(text) <= MAX_ID else None


@bp.post(f"/operate/messages/<int(max={MAX_ID}):message_id>/deliver")
@login_required
def operate_deliver_message(message_id: int):
    instance_id = _instance_id(request.form.get("instance_id", ""))
    reason = request.form.get("reason", "")
    back = _back(url_for("web.operate_messages"))
    if instance_id is None:
        flash(_("Give the number of the request to deliver to."), "error")
        return redirect(back, code=303)
    return _act(lambda: unclaimed_messages.deliver_by_hand(message_id, instance_id, reason, current_user),
                _("Message #%(id)s delivered to request #%(instance)s.", id=message_id, instance=instance_id), back)


@bp.post(f"/operate/messages/<int(max={MAX_ID}):message_id>/discard")
@login_required
def operate_discard_message(message_id: int):
    reason = request.form.get("reason", "")
    return _act(lambda: unclaimed_messages.discard_message(message_id, reason, current_user),
                _("Message #%(id)s discarded; it is kept and no longer offered to any request.", id=message_id),
                _back(url_for("web.operate_messages")))
