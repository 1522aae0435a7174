"""What every response tells the browser about itself: never inside a frame
of another site, never sniffed into another type, a signed-in page never
kept in the browser's cache; and the session cookie
travels only over TLS when the page was served over TLS.

Behind a reverse proxy that ends TLS the app sees plain HTTP; it believes the
proxy's ``X-Forwarded-Proto`` only when ``TRUST_X_FORWARDED_PROTO`` says one
proxy stands in front, since anyone can send that header otherwise."""
from flask import request
from flask_login import current_user
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class TlsAwareSessionInterface(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` whenever the request came over TLS
    (or SESSION_COOKIE_SECURE says always)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html" and current_user and current_user.is_authenticated:
        # A signed-in page holds someone's requests and drafts: not kept by the browser, so Back after signing
        # out shows nothing and Back into the studio reloads its draft instead of a stale copy of the page.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app):
    app.session_interface = TlsAwareSessionInterface()
    app.after_request(_add_headers)
    if app.config.get("TRUST_X_FORWARDED_PROTO"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=0, x_port=0, x_prefix=0)
