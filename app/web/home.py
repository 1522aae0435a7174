"""The landing page after sign-in."""
from flask import render_template
from flask_login import current_user, login_required

from app.web import bp


@bp.get("/")
@login_required
def home():
    return render_template("home.html", user=current_user)
