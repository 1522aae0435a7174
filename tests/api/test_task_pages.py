"""GET /tasks a page at a time: the Link header leads through the whole
list once, and a bad cursor or page size is refused naming its parameter."""
from app.extensions import db
from app.models import ProcessInstance

from tests.support.api_client import error_of
from tests.support.extra_tasks import extra_tasks
from tests.support.samples import PROSPECT


def test_link_header_walks_every_task_once(api):
    instance = api("rep_east2").start("dealer_onboarding", PROSPECT)
    extra_tasks(db.session.get(ProcessInstance, instance["id"]), 7)
    director = api("director")
    first = director.get("/tasks?limit=3")
    assert first.status_code == 200 and len(first.get_json()) == 3
    seen, response = [], first
    while True:
        seen += [task["id"] for task in response.get_json()]
        link = response.headers.get("Link")
        if link is None:
            assert "X-Next-After" not in response.headers
            break
        assert link.endswith('>; rel="next"') and response.headers["X-Next-After"] in link
        response = director.client.get(link[1:link.index(">")].replace("http://localhost", ""),
                                       headers=director.headers)
        assert response.status_code == 200
    assert len(seen) == len(set(seen)) == 7
    assert seen == [task["id"] for task in director.ok("get", "/tasks?limit=200")]


def test_bad_cursor_and_page_size_name_their_parameter(api):
    director = api("director")
    assert "after" in error_of(director.get("/tasks?after=%%%%"), 422)["details"]["fields"]
    assert "limit" in error_of(director.get("/tasks?limit=0"), 422)["details"]["fields"]
    assert "limit" in error_of(director.get("/tasks?limit=201"), 422)["details"]["fields"]
