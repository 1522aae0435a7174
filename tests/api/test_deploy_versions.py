"""Deploying through the API: a revert is a new version with the old content."""
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
