"""What every response tells the browser about itself: never inside a frame
of another site, never sniffed into another type; and the session cookie
travels only over TLS when the page was served over TLS.

Behind a reverse proxy that ends TLS the app sees plain HTTP; it believes the
proxy's ``X-Forwarded-Proto`` only when ``TRUST_X_FORWARDED_PROTO`` says one
proxy stands in front, since anyone can send that header otherwise."""
from flask import request
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
    return response


def init_app(app):
    app.session_interface = TlsAwareSessionInterface()
    app.after_request(_add_headers)
    if app.config.get("TRUST_X_FORWARDED_PROTO"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=0, x_port=0, x_prefix=0)
