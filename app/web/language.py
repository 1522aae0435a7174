"""The language switch in the header."""
from flask import abort, make_response, redirect, request, url_for

from app.i18n import LOCALES, remember_locale
from app.web import bp


@bp.post("/language")
def language():
    """Works signed in or not (the login page has the switch too)."""
    locale = request.form.get("locale")
    if locale not in LOCALES:
        abort(400)
    target = request.form.get("next") or ""
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("web.home")
    return remember_locale(make_response(redirect(target)), locale)
