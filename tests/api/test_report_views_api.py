"""/api/v1/reports/views: saved views of the report pages. Attacks: deleting
someone else's view, reading a view shared with a role one does not hold,
a forged endpoint or forged filters; errors name the field."""
import pytest

from tests.support.api_client import error_of

VIEWS = "/reports/views"
RETURNS = {"name": "十一月质量退货", "endpoint": "web.report_returns",
           "filters": {"from": "2026-11", "to": "2026-11", "reason": "quality_defect", "salesperson": "rep_east2",
                       "format": "xlsx", "__class__": "x"}}


def _names(client, **query):
    return [v["name"] for v in client.ok("get", VIEWS, query_string=query)]


def test_a_view_shared_with_a_role_reaches_its_holders_only(api):
    made = api("director").ok("post", VIEWS, 201, json={**RETURNS, "share": "role", "share_role": "regional_manager"})
    # only the filters the returns page accepts are kept: no forged salesperson, no download, no oddity
    assert made["filters"] == {"from": "2026-11", "to": "2026-11", "reason": "quality_defect"}
    assert (made["shared_role"], made["mine"], made["owner"]) == ("regional_manager", True, "director")
    assert _names(api("rm_east")) == ["十一月质量退货"]
    assert _names(api("rm_east"), endpoint="web.report_advances") == []
    assert _names(api("rep_east1")) == []  # a role they do not hold
    assert api("rm_east").ok("get", VIEWS)[0]["mine"] is False


def test_a_view_shared_with_a_person(api):
    api("director").ok("post", VIEWS, 201, json={**RETURNS, "share": "person", "share_user": "rep_east1"})
    assert _names(api("rep_east1")) == ["十一月质量退货"]
    assert _names(api("rep_east2")) == []


def test_only_the_owner_deletes_a_view(api, client):
    view = api("director").ok("post", VIEWS, 201, json={**RETURNS, "share": "role", "share_role": "regional_manager"})
    path = f"{VIEWS}/{view['id']}"
    error_of(client.delete("/api/v1" + path, headers=api("rm_east").headers), 403, "not_your_view")
    error_of(client.delete("/api/v1" + path, headers=api("rep_east1").headers), 404, "unknown_view")
    assert _names(api("rm_east")) == ["十一月质量退货"]
    assert client.delete("/api/v1" + path, headers=api("director").headers).status_code == 204
    assert _names(api("rm_east")) == [] and _names(api("director")) == []


@pytest.mark.parametrize("change, field", [
    ({"endpoint": "web.audit_instances"}, "endpoint"),        # not a report page
    ({"endpoint": "web.no_such_page"}, "endpoint"),
    ({"name": ""}, "name"),
    ({"name": "x" * 81}, "name"),
    ({"share": "role", "share_role": "emperor"}, "share_role"),
    ({"share": "person", "share_user": "nobody_here"}, "share_user"),
    ({"share": "everyone"}, "share"),
    ({"filters": {"reason": "x" * 201}}, "filters.reason"),
    ({"filters": {"reason": ["quality_defect"]}}, "filters.reason"),
])
def test_bad_input_is_refused_naming_the_field(api, change, field):
    refused = error_of(api("director").post(VIEWS, json={**RETURNS, **change}), 422)
    assert field in refused["details"]["fields"], refused


def test_no_view_of_a_page_one_may_not_open(api):
    # the warehouse reads no sales report, so it can neither save nor see a view of one
    error_of(api("warehouse").post(VIEWS, json=RETURNS), 422)
    api("director").ok("post", VIEWS, 201, json={**RETURNS, "share": "role", "share_role": "warehouse"})
    assert _names(api("warehouse")) == []
