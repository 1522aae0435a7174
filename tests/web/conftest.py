"""Web test fixtures: a signed-in test client per demo user, forms posted
with their page's CSRF token, and a travel request to work on."""
import re

import pytest

from tests.support.logins import WebUser
from tests.web.forms import TRIP_FORM


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

