"""Deploying through the API: a revert is a new version, and a decision
table deployed alone takes effect in the processes that use it."""
import io

from app.services import deployment
from app.services.deployment import REPO_ROOT
from tests.support.api_client import error_of

TRAVEL_BPMN = (REPO_ROOT / "processes" / "travel_request.bpmn").read_bytes()
TABLE = "shipment_approval_authority.dmn"
AUTHORITY_DMN = (REPO_ROOT / "processes" / TABLE).read_bytes()


def _upload(*files):
    return {"data": {"files": [(io.BytesIO(content), name) for name, content in files]},
            "content_type": "multipart/form-data"}


def _versions(admin, key):
    return [d["version"] for d in admin.ok("get", "/process-definitions?all=true") if d["key"] == key]


def test_redeploying_an_earlier_version_is_a_new_version_with_its_content(api, cli):
    admin = api("process_admin")
    changed = TRAVEL_BPMN.replace("出差申请".encode(), "差旅申请".encode(), 1)
    assert admin.ok("post", "/process-definitions", 201, **_upload(("travel_request.bpmn", changed)))[0]["version"] == 2
    reverted = admin.ok("post", "/process-definitions", 201, **_upload(("travel_request.bpmn", TRAVEL_BPMN)))
    assert reverted == [{"key": "travel_request", "version": 3, "created": True}]
    assert admin.get("/process-definitions/travel_request/xml").data == TRAVEL_BPMN
    assert _versions(admin, "travel_request") == [1, 2, 3]
    # What `make run` does next: deploying processes/ again finds everything unchanged.
    again = cli.invoke(args=["processes", "deploy"])
    assert again.exit_code == 0, again.output
    assert "travel_request               v3    unchanged" in again.output


def test_a_decision_table_deployed_alone_makes_new_versions_of_the_processes_using_it(api):
    admin = api("process_admin")
    users = sorted(d.key for d in deployment.latest_definitions() if TABLE in d.files)
    assert users and "shipment_approval" in users
    edited = AUTHORITY_DMN.replace(b"200000", b"100000")
    assert edited != AUTHORITY_DMN
    deployed = admin.ok("post", "/process-definitions", 201, **_upload((TABLE, edited)))
    assert sorted((d["key"], d["version"], d["created"]) for d in deployed) == [(key, 2, True) for key in users]
    latest = {d.key: d for d in deployment.latest_definitions()}
    for key in users:
        assert latest[key].files[TABLE] == edited.decode() and "100000" in latest[key].spec
    unchanged = admin.ok("post", "/process-definitions", 201, **_upload((TABLE, edited)))
    assert sorted((d["key"], d["version"], d["created"]) for d in unchanged) == [(key, 2, False) for key in users]
    reverted = admin.ok("post", "/process-definitions", 201, **_upload((TABLE, AUTHORITY_DMN)))
    assert sorted((d["key"], d["version"]) for d in reverted) == [(key, 3) for key in users]
    assert {deployment.find_definition(key).files[TABLE] for key in users} == {AUTHORITY_DMN.decode()}


def test_a_decision_table_no_process_uses_is_refused_with_the_reason(api):
    admin = api("process_admin")
    lonely = AUTHORITY_DMN.replace(b'id="shipment_approval_authority"', b'id="nobody_asks"')
    response = admin.post("/process-definitions", **_upload(("nobody_asks.dmn", lonely)))
    problems = error_of(response, 422, "invalid_deployment")["details"]["problems"]
    assert len(problems) == 1 and "Nothing to deploy" in problems[0]["message"]


def test_a_file_of_non_executable_processes_alone_is_refused_with_the_reason(api):
    admin = api("process_admin")
    documentation = TRAVEL_BPMN.replace(b'isExecutable="true"', b'isExecutable="false"')
    assert documentation != TRAVEL_BPMN
    response = admin.post("/process-definitions", **_upload(("travel_request.bpmn", documentation)))
    problems = error_of(response, 422, "invalid_deployment")["details"]["problems"]
    assert [p["element_id"] for p in problems] == ["travel_request"] and "isExecutable" in problems[0]["message"]
    assert _versions(admin, "travel_request") == [1]
