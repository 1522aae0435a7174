"""Web test fixtures: a signed-in test client per demo user, forms posted
with their page's CSRF token, and a travel request to work on."""
import re

import pytest

from tests.conftest import csrf_token_from

DEMO_PASSWORD = "lanes-demo"
TRIP_FORM = {"purpose": "拜访客户", "destination": "上海", "start_date": "2026-12-10", "end_date": "2026-12-12",
             "transport": "火车", "estimated_cost": "1,280.50"}


def _forget_request_caches():
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
        _forget_request_caches()
        token = csrf_token_from(self.client.get("/login").get_data(as_text=True))
        response = self.client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)

    def get(self, url, **kwargs):
        _forget_request_caches()
        return self.client.get(url, **kwargs)

    def page(self, url) -> str:
        response = self.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def post(self, url, data=None, *, token_from=None, **kwargs):
        """POST with the CSRF token of ``token_from`` (default: the inbox)."""
        token = csrf_token_from(self.page(token_from or "/"))
        _forget_request_caches()
        return self.client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.fixture
def web(app, org, deployed):
    """Factory: ``web("rm_east")`` is a signed-in WebUser (demo password)."""
    users: dict[str, WebUser] = {}

    def as_user(username):
        if username not in users:
            users[username] = WebUser(app, username)
        return users[username]

    return as_user


@pytest.fixture
def trip(web):
    """rep_east1's travel request TR-7, started through the start form;
    returns the instance id."""
    rep = web("rep_east1")
    response = rep.post("/start/travel_request", {**TRIP_FORM, "business_key": "TR-7"}, token_from="/start/travel_request")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/instances/(\d+)", response.headers["Location"]).group(1))


def ready_task_id(instance_id, element_id):
    from app.extensions import db
    from app.models import HumanTask, TaskStatus

    return db.session.scalar(db.select(HumanTask.id).where(
        HumanTask.instance_id == instance_id, HumanTask.element_id == element_id, HumanTask.status == TaskStatus.ready))


def field_error(html: str, dom_id: str) -> str:
    """The text of the error paragraph next to input ``dom_id``."""
    match = re.search(rf'<p class="error" id="{re.escape(dom_id)}-err"\s*>([^<]*)</p>', html)
    return match.group(1) if match else ""
