"""Web test fixtures: a signed-in test client per demo user, forms posted
with their page's CSRF token, and a travel request to work on; for the
browser tests, the run's one chromium and the database every live server
starts from (session-wide, so defined once here: a module that imported a
session fixture would get its own)."""
import re
from pathlib import Path

import flask_migrate
import pytest

from app import clock, create_app
from app.extensions import db
from tests.support.frozen_clock import FROZEN_AT, FrozenClock
from tests.support.logins import WebUser
from tests.web.browser_driving import CHROMIUM, CHROMIUM_ARGS, _live_config, _unavailable
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



@pytest.fixture(scope="session")
def live_template(request, tmp_path_factory) -> Path:
    """A folder holding the database every browser module starts from:
    migrated, the demo organisation and master data loaded, processes/
    deployed, all under the frozen clock. Built once a run (~5 s); each
    module's ``live_app`` works on its own copy, so modules never see each
    other's requests."""
    if request.config.lanes_backend == "postgresql":
        pytest.skip("browser tests use their own SQLite server; they run in the SQLite pass")
    from app.services import deployment
    from app.demo.master_data import load_demo_master_data
    from app.demo.organisation import load_demo_organisation

    folder = tmp_path_factory.mktemp("live-template")
    app = create_app(_live_config(folder))
    clock.set_clock(app, FrozenClock(FROZEN_AT))
    with app.app_context():
        flask_migrate.upgrade()
        load_demo_organisation()
        load_demo_master_data()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        db.session.remove()
        db.engine.dispose()  # the file is whole and closed before it is copied
    return folder


@pytest.fixture(scope="session")
def _chromium(request):
    """One headless chromium for the run (a launch costs ~1 s of CPU)."""
    if request.config.lanes_backend == "postgresql":
        pytest.skip("browser tests use their own SQLite server; they run in the SQLite pass")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
