"""GET /api/v1/audit/instances: the find page's filter over the API, for
auditors and process admins only; a bad argument is a 400 naming it."""
import pytest

from tests.support.api_client import error_of
from tests.support.samples import TRIP


@pytest.fixture
def two_trips(api):
    east = api("rep_east1").start("travel_request", TRIP, business_key="TR-EAST")
    north = api("rep_north1").start("travel_request", {**TRIP, "estimated_cost": 9000}, business_key="TR-NORTH")
    return east["id"], north["id"]


def test_auditor_finds_requests_started_by_anyone(api, two_trips):
    east, north = two_trips
    body = api("auditor").ok("get", "/audit/instances")
    assert [item["id"] for item in body["items"]] == [north, east]
    assert body["total"] == 2 and body["counts"] == {"running": 2, "completed": 0, "cancelled": 0, "error": 0, "suspended": 0}
    assert body["filter"] == {} and body["pages"] == 1
    assert {item["starter"] for item in body["items"]} == {"rep_east1", "rep_north1"}


def test_filters_are_applied_and_echoed(api, two_trips):
    east, north = two_trips
    body = api("process_admin").ok("get", "/audit/instances?amount_min=5000&sort=amount&status=running&unknown=1")
    assert [item["id"] for item in body["items"]] == [north]
    assert body["items"][0]["amount"] == "9000.00" and body["total"] == 1
    assert body["filter"] == {"amount_min": "5000", "sort": "amount", "status": "running"}
    assert api("auditor").ok("get", "/audit/instances?starter=rep_east1")["total"] == 1


@pytest.mark.parametrize("query, field", [
    ("status=done", "status"), ("amount_min=lots", "amount_min"), ("per_page=500", "per_page"),
    ("started_from=2026-02-30", "started_from"), ("sort=customer", "sort"), ("error=perhaps", "error"),
    ("amount_min=10&amount_max=1", "amount_max"), ("starter=a%00b", "starter"),
])
def test_bad_argument_is_400_naming_it(api, query, field):
    error = error_of(api("auditor").get("/audit/instances?" + query), 400, "bad_filter")
    assert list(error["details"]["fields"]) == [field]


@pytest.mark.parametrize("who", ["rep_east1", "rm_east", "director", "finance"])
def test_everyone_else_is_refused(api, two_trips, who):
    error_of(api(who).get("/audit/instances"), 403, "forbidden")
    error_of(api(who).get("/audit/instances?status=bogus"), 403, "forbidden")  # refused before the input is read


def test_auditors_cannot_write_here(api):
    error_of(api("auditor").post("/audit/instances", json={}), 403, "read_only")
