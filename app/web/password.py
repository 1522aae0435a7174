"""Changing one's own password."""
from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from app.errors import TooManyAttempts, ValidationFailed
from app.services import accounts, password_policy, sessions
from app.web import bp
from app.web.auth import local_time_in

# The services' English reasons, in the page's language.
_READABLE = {
    password_policy.TOO_SHORT: lazy_gettext("Use at least %(n)d characters.", n=password_policy.MIN_LENGTH),
    password_policy.TOO_LONG: lazy_gettext("Use at most %(n)d characters.", n=password_policy.MAX_LENGTH),
    password_policy.ONE_CHARACTER: lazy_gettext("Use more than one character."),
    password_policy.A_RUN: lazy_gettext("Do not use a run of consecutive characters."),
    password_policy.COMMON: lazy_gettext("This password is among the first ones guessed."),
    password_policy.THE_USERNAME: lazy_gettext("Do not use the username in the password."),
    "Wrong password.": lazy_gettext("Wrong password."),
    "Choose a password different from the current one.": lazy_gettext("Choose a password different from the current one."),
}


class PasswordForm(FlaskForm):
    current_password = PasswordField(lazy_gettext("Current password"), validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField(lazy_gettext("New password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(lazy_gettext("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=lazy_gettext("The two new passwords differ."))])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current_password.data, form.new_password.data,
                                     address=request.remote_addr)
        except TooManyAttempts as exc:
            form.current_password.errors.append(gettext("Too many failed sign-ins. Try again after %(time)s.",
                                                        time=local_time_in(exc.retry_after)))
            return render_template("password.html", form=form, min_length=password_policy.MIN_LENGTH), 429, exc.headers
        except ValidationFailed as exc:
            for name, messages in exc.details["fields"].items():
                getattr(form, name).errors.extend(str(_READABLE.get(message, message)) for message in messages)
            status = 422
        else:
            login_user(user)  # this browser stays signed in; every other session has ended
            session["signed_in_at"] = sessions.signed_in_stamp()
            flash(gettext("Your password has been changed. Other sessions have been signed out."))
            return redirect(url_for("web.home"))
    elif form.is_submitted():
        status = 422 if form.errors and "csrf_token" not in form.errors else 400
    return render_template("password.html", form=form, min_length=password_policy.MIN_LENGTH), status
