"""Rules every path shares: a token, auditors read only, one error body for
bad, oversized or malformed requests, and the published description."""
import re

import pytest

from tests.support.samples import TRIP
from tests.support.api_client import PREFIX, error_of

PUBLIC = {("post", "/api/v1/auth/token")}
# Ending one's own token or changing one's own password changes nothing but one's own access.
OWN_CREDENTIALS = {("delete", "/api/v1/auth/token"), ("post", "/api/v1/auth/password")}
# Re-executing an instance reads its log and changes nothing: auditors send it.
READING_POSTS = {("post", "/api/v1/audit/instances/{instance_id}/reexecution"),
                 ("post", "/api/v1/studio/processes/{key}/scenarios/{scenario_id}/run")}  # runs in memory
SAMPLE_PARAMS = {"key": "travel_request", "instance_id": "1", "task_id": "1", "ref": "user", "code": "D00001",
                 "kind": "invoice", "number": "IV202611-0001", "sha256": "0" * 64, "scenario_id": "1",
                 "request_id": "1", "name": "approval.json", "retry_id": "1", "element_id": "Timer_Overdue",
                 "message_id": "1", "batch_id": "1", "version": "1", "view_id": "1", "item_id": "1"}


def _operations(client):
    spec = client.get(PREFIX + "/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                yield method, path, re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PARAMS[m.group(1)], path)


def test_every_path_but_the_token_request_needs_a_token(client):
    operations = list(_operations(client))
    assert len(operations) >= 18
    for method, path, url in operations:
        if (method, path) in PUBLIC:
            continue
        response = getattr(client, method)(url, json={})
        assert error_of(response, 401, "unauthenticated")["message"], (method, path)


def test_auditors_may_write_nothing(api, client):
    auditor = api("auditor")
    writes = [(m, p, u) for m, p, u in _operations(client)
              if m != "get" and (m, p) not in PUBLIC | OWN_CREDENTIALS | READING_POSTS]
    # 9 engine (reassign among them), 7 ledger (receipts, reversal, contracts, customer changes, statements),
    # upload, message; studio: 3 process drafts (save, discard, check), 5 file drafts (save, discard, check,
    # evaluate, form preview), 3 scenarios (save, edit, delete), 4 publishing (publish, publish a file, approve,
    # reject), presence, restore, expression check, Camunda import; operate: incidents retry,
    # 4 corrections (ask, approve, reject, withdraw), fire a timer early, deliver a message by hand,
    # discard a message; migrations: dry run, plan, approve, run, advance, move back; report views: save, delete;
    # price master data: a list, an item, an item's change, a rule, a pricing strategy and its rate;
    # sales expense budgets: a new version of a line
    assert len(writes) == 60
    for method, path, url in writes:
        response = getattr(auditor.client, method)(url, headers=auditor.headers, json={})
        error_of(response, 403, "read_only")


def test_the_description_documents_our_error_body(client):
    spec = client.get(PREFIX + "/openapi.json").get_json()
    assert spec["components"]["schemas"]["Error"]["required"] == ["error"]
    complete = spec["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]
    assert complete["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []


def test_reference_page_needs_no_token_and_no_cdn(client):
    response = client.get(PREFIX + "/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for path in ("/api/v1/process-instances/{instance_id}/cancel", "/api/v1/tasks/{task_id}/complete",
                 "/api/v1/lookups/{ref}", "/api/v1/process-definitions/{key}/xml"):
        assert path in html
    assert 'id="schema-Instance"' in html and "per_page" in html
    assert "<td><code>instance_id</code></td><td>path</td>" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_oversized_body_is_413_in_our_error_shape(api, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = '{"process_key": "travel_request", "data": {"purpose": "' + "x" * limit + '"}}'
    response = api("rep_east1").post("/process-instances", data=body, content_type="application/json")
    error_of(response, 413, "request_entity_too_large")


def test_oversized_upload_is_413_in_our_error_shape(api, app):
    import io

    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    # Encoded here, in memory: the test client would spool so large a body to a file it never closes.
    big = io.BytesIO(b"<x/>" * (app.config["MAX_CONTENT_LENGTH"] // 4 + 1))
    boundary, body = encode_multipart({"files": FileStorage(big, "big.bpmn")})
    response = api("process_admin").post("/process-definitions", data=body,
                                         content_type=f"multipart/form-data; boundary={boundary}")
    error_of(response, 413, "request_entity_too_large")


@pytest.mark.parametrize("raw", [
    "{not json", '{"process_key": "travel_request", "data": ', b"\xff\xfe{}",
    '{"process_key": "travel_request", "data": {"estimated_cost": NaN}}',
    '{"process_key": "travel_request", "data": {"estimated_cost": Infinity}}',
    '{"process_key": "travel_request", "data": {"estimated_cost": 1e999}}',
    '{"process_key": "travel_request", "data": {"estimated_cost": ' + "9" * 5000 + "}}",
    '{"process_key": "travel_request", "data": ' + "[" * 100_000 + "]" * 100_000 + "}",
])
def test_malformed_json_is_400_in_our_error_shape(api, raw):
    response = api("rep_east1").post("/process-instances", data=raw, content_type="application/json")
    assert error_of(response, 400)["code"] == "bad_request"


def test_json_body_under_another_content_type_is_missing(api):
    response = api("rep_east1").post("/process-instances", data='{"process_key": "travel_request"}',
                                     content_type="text/plain")
    assert error_of(response, 422, "validation_failed")


def test_nul_in_a_path_is_422_not_a_database_error(api):
    error_of(api("rep_east1").get("/process-definitions/travel%00request"), 422, "validation_failed")
    error_of(api("rep_east1").get("/lookups/us%00er"), 422, "validation_failed")


def test_ids_beyond_32_bits_are_404(api):
    error_of(api("auditor").get("/process-instances/99999999999999999999999"), 404, "not_found")
    error_of(api("auditor").get("/tasks/-1"), 404, "not_found")


def test_deep_nesting_within_limits_is_refused_by_the_form(api):
    nested = {"purpose": "x"}
    for _ in range(200):
        nested = {"inner": nested}
    response = api("rep_east1").post("/process-instances", json={"process_key": "travel_request",
                                                                  "data": {**TRIP, "extra": nested}})
    assert "extra" in error_of(response, 422)["details"]["fields"]


def test_nul_in_credentials_is_422_not_a_database_error(client):
    response = client.post(PREFIX + "/auth/token", json={"username": "rm\x00east", "password": "x"})
    assert "username" in error_of(response, 422, "validation_failed")["details"]["fields"]
