"""A form that arrives after its session ended is not lost.

The session ends while a page is open (signed out in another tab, a new
password, the lifetime over, the browser dropped the cookie): sending the
form then fails the sign-in check or, with the cookie gone, the CSRF check.
Instead of an error page, what was typed is kept on the server for a short
while (``app.services.kept_forms``) under a token in this browser's session,
the person is sent to the sign-in page, and after signing in the form's page
shows it again, filled in and not yet sent, to be checked and sent. Giving
the values back on the page rather than re-sending them is deliberate: the
request may have moved on meanwhile, and nothing is submitted that the
person has not seen.

Passwords (the sign-in and change-password pages, any field named so) and
files are never kept; the message says what must be typed or attached
again. A CSRF failure is only taken for an ended session when the request
comes from this site (Origin, else Referer): another site cannot plant
values in someone's form.
"""
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_login.utils import login_url
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from app.services import kept_forms

SESSION_KEY = "kept_form"
# Pages whose fields are passwords: nothing of them is kept.
SECRET_PAGES = {"web.login", "web.change_password"}


def _from_this_site() -> bool:
    origin = request.headers.get("Origin")
    if origin:
        return origin.rstrip("/") + "/" == request.host_url
    return (request.headers.get("Referer") or "").startswith(request.host_url)


def _page_endpoint(path: str) -> str | None:
    """The endpoint a GET of ``path`` opens (the form's own page), or None."""
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def _former_user_id() -> int | None:
    """The person the ended session belonged to, if its cookie still says."""
    user_id = str(session.get("_user_id") or "").partition(":")[0]
    return int(user_id) if user_id.isdigit() else None


def _keep(endpoint: str) -> bool:
    """Keep what was typed; False when there was nothing or it could not be kept."""
    if endpoint in SECRET_PAGES:
        return False
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name != "csrf_token" and "password" not in name.lower()]
    token = kept_forms.keep(request.path, fields, _former_user_id()) if fields else None
    if token:
        session[SESSION_KEY] = token
    return token is not None


def _say_what_was_kept(endpoint: str, kept: bool, signed_in: bool) -> None:
    if signed_in:
        flash(gettext("This page was open too long to be sent."), "error")
    elif endpoint in SECRET_PAGES:
        flash(gettext("Your session has ended. Sign in again to go on; passwords are never kept, so type them again."),
              "error")
    elif kept:
        flash(gettext("Your session has ended. Sign in again to go on; what you typed has been kept."), "error")
    else:
        flash(gettext("Your session has ended. Sign in again to go on."), "error")
    if any(upload.filename for upload in request.files.values()):
        flash(gettext("Attached files are not kept; please attach them again."), "error")


def _back_to_the_form():
    """Keep the posted form and send the person on: to the sign-in page,
    which returns them to the form's page, or (still signed in) straight
    back to it."""
    endpoint = _page_endpoint(request.path)
    kept = bool(endpoint) and _keep(endpoint)
    signed_in = current_user.is_authenticated
    _say_what_was_kept(endpoint, kept, signed_in)
    page = request.path if endpoint else None
    if signed_in:
        return redirect(page or url_for("web.home"), code=303)
    return redirect(login_url("web.login", next_url=page) if page else url_for("web.login"), code=303)


def sign_in_first():
    """Flask-Login's answer to a request its session no longer opens: a page
    goes to the sign-in page (and back after it); a form is kept first."""
    if request.method == "POST":
        return _back_to_the_form()
    if request.endpoint == "web.home":  # the site's address typed in: nothing was asked for yet
        return redirect(url_for("web.login"))
    flash(gettext("Please sign in first."))
    return redirect(login_url("web.login", next_url=request.url))


def after_csrf_failure():
    """The answer to a form whose CSRF token failed, or None for the plain
    error page: the sign-in page shown again with the username typed; a
    form from this site kept, and the person sent on (see the module's
    docstring)."""
    if request.method != "POST":
        return None
    if request.endpoint == "web.login":  # nothing to keep but the username, which the page shows again
        from app.web.auth import LoginForm

        flash(gettext("The sign-in page was open too long. Please sign in again."), "error")
        return render_template("login.html", form=LoginForm(formdata=MultiDict(
            {"username": request.form.get("username", "")}))), 400
    return _back_to_the_form() if _from_this_site() else None


def take_kept_form() -> MultiDict | None:
    """What this browser kept for the page being opened, once; flashes that
    it is back and not yet sent."""
    token = session.get(SESSION_KEY)
    if not token or not current_user.is_authenticated:
        return None
    fields = kept_forms.take(token, request.path, current_user._get_current_object())
    if fields is None:
        return None
    session.pop(SESSION_KEY, None)
    flash(gettext("What you typed is back; it has not been sent yet. Check it and send it."))
    return MultiDict(fields)
