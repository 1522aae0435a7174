"""Sign in and sign out."""
from datetime import timedelta
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app import clock
from app.errors import AuthenticationFailed, TooManyAttempts
from app.services import accounts, sessions
from app.web import bp


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=256)])


def local_time_in(seconds: int) -> str:
    """The business-time clock reading ``seconds`` from now, to the second."""
    return (clock.now() + timedelta(seconds=seconds)).astimezone(clock.business_timezone()).strftime("%H:%M:%S")


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot send users elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = accounts.sign_in(form.username.data, form.password.data, request.remote_addr)
        except TooManyAttempts as exc:
            form.password.errors.append(gettext("Too many failed sign-ins. Try again after %(time)s.",
                                                time=local_time_in(exc.retry_after)))
            return render_template("login.html", form=form), 429, exc.headers
        except AuthenticationFailed:
            form.password.errors.append(gettext("Wrong username or password."))
            status = 401
        else:
            login_user(user)
            session["signed_in_at"] = sessions.signed_in_stamp()
            session.permanent = True  # the browser drops the cookie when the session's lifetime is over
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    sessions.end_sessions(current_user._get_current_object())
    logout_user()
    flash(gettext("You have signed out."))
    return redirect(url_for("web.login"))
