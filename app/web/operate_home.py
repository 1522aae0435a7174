"""/operate/: the process admins' starting point for running processes
(auditors read it too), and the header's 运维 link."""
from flask import render_template
from flask_login import current_user, login_required

from app.services.operate_overview import overview
from app.services.permissions import may_operate
from app.services.queries import sees_everything
from app.web import bp


@bp.app_context_processor
def _operate_navigation():
    """Whether the header shows the 运维 link (process admins, auditors), and
    ``may_operate(user)`` for the forms that act."""
    user = current_user
    return {"may_see_operate": bool(user and user.is_authenticated and sees_everything(user)),
            "may_operate": may_operate}


@bp.get("/operate/")
@login_required
def operate_home():
    return render_template("operate/home.html", counts=overview(current_user))
