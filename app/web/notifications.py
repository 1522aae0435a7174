"""The bell: my notifications, marking them read, e-mail preferences; and
the overdue page for managers."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.services import notifications, oversight
from app.web import bp


@bp.get("/notifications")
@login_required
def notification_list():
    return render_template("notifications.html", items=notifications.recent(current_user, 50),
                           email_enabled=notifications.wants_email(current_user))


@bp.post("/notifications/read")
@login_required
def notifications_read():
    notifications.mark_read(current_user)
    return redirect(url_for("web.notification_list"))


@bp.post("/notifications/preferences")
@login_required
def notification_preferences():
    notifications.set_preference(current_user, email_enabled=request.form.get("email_enabled") == "on")
    flash(_("Preferences saved."))
    return redirect(url_for("web.notification_list"))


@bp.get("/overdue")
@login_required
def overdue():
    return render_template("overdue.html", tasks=oversight.overdue_for_manager(current_user))
