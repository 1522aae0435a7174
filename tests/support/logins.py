"""Signing in as a person would: through the real login form with its CSRF
token, one test client (one set of cookies) per user."""
import re

DEMO_PASSWORD = "lanes-demo"  # every demo user's password

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def log_in(client, username: str, password: str):
    """Post the login form of ``client`` with its page's token; the response."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def forget_request_caches():
    """Requests inside the test's app context share its ``g``, where
    Flask-WTF caches the CSRF token, Flask-Login the current user and
    Flask-Babel the locale; the next request (maybe another browser) must
    not reuse them."""
    from flask import g, has_app_context

    if has_app_context():
        g.pop("csrf_token", None)
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)


class WebUser:
    """A browser stand-in for one user: its own cookies, real login form."""

    def __init__(self, app, username, password=DEMO_PASSWORD):
        self.client = app.test_client()
        self.username = username
        forget_request_caches()
        response = log_in(self.client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)

    def get(self, url, **kwargs):
        forget_request_caches()
        return self.client.get(url, **kwargs)

    def page(self, url) -> str:
        response = self.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def post(self, url, data=None, *, token_from=None, **kwargs):
        """POST with the CSRF token of ``token_from`` (default: the inbox)."""
        token = csrf_token_from(self.page(token_from or "/"))
        forget_request_caches()
        return self.client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)
