"""/process-definitions: list, deploy, describe, XML."""
import io

import pytest

from app.services.deployment import REPO_ROOT
from tests.support.api_client import error_of

TRAVEL_BPMN = (REPO_ROOT / "processes" / "travel_request.bpmn").read_bytes()
KEYS = sorted(path.stem for path in (REPO_ROOT / "processes").glob("*.bpmn"))  # a diagram's key is its file name


def _upload(*files):
    return {"data": {"files": [(io.BytesIO(content), name) for name, content in files]},
            "content_type": "multipart/form-data"}


def test_list_has_the_latest_version_of_each_key(api):
    listed = api("rep_east1").ok("get", "/process-definitions")
    assert sorted(d["key"] for d in listed) == KEYS and {"dealer_onboarding", "travel_request"} <= set(KEYS)
    travel = next(d for d in listed if d["key"] == "travel_request")
    assert set(travel) == {"key", "version", "name", "name_en", "deployed_at", "deployed_by", "may_start"}
    assert (travel["name"], travel["name_en"]) == ("出差申请", "Travel request")  # name stays the Chinese one
    assert (travel["version"], travel["deployed_by"]) == (1, None)  # the fixture deploys as the command line does


def test_deploy_a_new_version_and_an_unchanged_one(api):
    admin = api("process_admin")
    changed = TRAVEL_BPMN.replace("出差申请".encode(), "差旅申请".encode(), 1)
    assert changed != TRAVEL_BPMN
    deployed = admin.ok("post", "/process-definitions", 201, **_upload(("travel_request.bpmn", changed)))
    assert deployed == [{"key": "travel_request", "version": 2, "created": True}]
    again = admin.ok("post", "/process-definitions", 201, **_upload(("travel_request.bpmn", changed)))
    assert again == [{"key": "travel_request", "version": 2, "created": False}]

    latest = {d["key"]: d for d in admin.ok("get", "/process-definitions")}
    assert latest["travel_request"]["version"] == 2 and latest["travel_request"]["deployed_by"] == "process_admin"
    every = admin.ok("get", "/process-definitions?all=true")
    assert sorted((d["key"], d["version"]) for d in every) == sorted([(key, 1) for key in KEYS] + [("travel_request", 2)])
    first = admin.ok("get", "/process-definitions/travel_request?version=1")
    assert first["version"] == 1
    xml = admin.get("/process-definitions/travel_request/xml?version=1")
    assert xml.data == TRAVEL_BPMN


def test_invalid_deploy_lists_problems_and_saves_nothing(api):
    admin = api("process_admin")
    broken = TRAVEL_BPMN.replace(b'name="@manager_of_requester"', b'name="no_such_role"')
    response = admin.post("/process-definitions", **_upload(("travel_request.bpmn", broken), ("bad.json", b"{not json")))
    problems = error_of(response, 422, "invalid_deployment")["details"]["problems"]
    assert {p["file"] for p in problems} >= {"travel_request.bpmn", "bad.json"}
    assert all(set(p) == {"file", "line", "element_id", "message"} for p in problems)
    assert [d["version"] for d in admin.ok("get", "/process-definitions?all=true") if d["key"] == "travel_request"] == [1]


def test_deploy_is_for_process_admins(api):
    response = api("rep_east1").post("/process-definitions", **_upload(("travel_request.bpmn", TRAVEL_BPMN)))
    error_of(response, 403, "forbidden")
    error_of(api("auditor").post("/process-definitions", **_upload(("travel_request.bpmn", TRAVEL_BPMN))), 403, "read_only")


@pytest.mark.parametrize("kwargs", [
    {"json": {"files": ["travel_request.bpmn"]}},                           # not multipart
    {"data": {"files": "travel_request.bpmn"}, "content_type": "multipart/form-data"},  # a field, not a file
    {"data": {}, "content_type": "multipart/form-data"},                    # no files at all
])
def test_deploy_without_files_is_422(api, kwargs):
    assert "files" in error_of(api("process_admin").post("/process-definitions", **kwargs), 422)["details"]["fields"]


def test_definition_detail_has_forms_and_tasks(api):
    detail = api("rep_east1").ok("get", "/process-definitions/travel_request")
    assert detail["start_form"]["title"] == "出差申请单" and detail["start_form_key"] == "travel_request.json"
    tasks = {t["element_id"]: t for t in detail["user_tasks"]}
    assert tasks["Task_ManagerApproval"]["role"] == "@manager_of_requester"
    assert tasks["Task_ManagerApproval"]["form"]["title"] == "审批"
    dealer = api("rep_east1").ok("get", "/process-definitions/dealer_onboarding")
    assert {t["element_id"]: t["role"] for t in dealer["user_tasks"]}["Task_DirectorApproval"] == "sales_director"


def test_xml_is_the_bpmn_as_deployed(api):
    response = api("rep_east1").get("/process-definitions/travel_request/xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data == TRAVEL_BPMN


@pytest.mark.parametrize("path", ["/process-definitions/nothing", "/process-definitions/nothing/xml",
                                  "/process-definitions/travel_request?version=9",
                                  "/process-definitions/travel_request/xml?version=9"])
def test_unknown_definition_is_404(api, path):
    error_of(api("rep_east1").get(path), 404, "not_found")


@pytest.mark.parametrize("path", ["/process-definitions/travel_request?version=x",
                                  "/process-definitions/travel_request?version=0",
                                  "/process-definitions?all=perhaps"])
def test_bad_definition_queries_are_422(api, path):
    error_of(api("rep_east1").get(path), 422, "validation_failed")


def test_a_version_names_its_user_tasks_in_chinese_and_english(api):
    described = api("rep_east1").ok("get", "/process-definitions/travel_request")
    assert described["name_en"] == "Travel request"
    steps = {t["element_id"]: (t["name"], t["name_en"]) for t in described["user_tasks"]}
    assert steps["Task_ManagerApproval"] == ("直接主管审批", "Direct manager approval")
