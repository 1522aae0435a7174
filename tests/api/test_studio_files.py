"""/studio/files: shared drafts of decision tables and forms (load the
deployed content, save, stale save 409, discard), for process admins;
auditors read only; everyone else is refused."""
from app.services.deployment import REPO_ROOT
from tests.support.api_client import PREFIX, error_of

TABLE = "contract_approval_authority.dmn"
DMN = (REPO_ROOT / "processes" / TABLE).read_text(encoding="utf-8")
ROWS = [{"inputs": {"contract_amount": 600000, "payment_days": 30}, "expected": {"gm_approval_required": True}}]


def _call(api, username, method, path, **kwargs):
    user = api(username)
    return getattr(user.client, method)(PREFIX + path, headers=user.headers, **kwargs)


def test_without_a_draft_the_deployed_content_opens_at_revision_0(api):
    opened = api("process_admin").ok("get", f"/studio/files/{TABLE}")
    assert (opened["kind"], opened["revision"], opened["draft"], opened["test_rows"]) == ("dmn", 0, False, [])
    assert opened["content"] == DMN and opened["base_hash"] == opened["deployed_hash"]
    form = api("auditor").ok("get", "/studio/files/approval.json")
    assert form["kind"] == "form" and '"properties"' in form["content"]
    error_of(_call(api, "process_admin", "get", "/studio/files/no_such_table.dmn"), 404)
    error_of(_call(api, "process_admin", "get", "/studio/files/travel_request.bpmn"), 404)


def test_save_reload_stale_save_and_discard(api):
    admin = api("process_admin")
    edited = DMN.replace("&gt; 500000", "&gt; 400000")
    first = _call(api, "process_admin", "put", f"/studio/files/{TABLE}",
                  json={"content": edited, "revision": 0, "test_rows": ROWS})
    assert first.status_code == 200, first.get_json()
    saved = first.get_json()
    assert (saved["revision"], saved["draft"], saved["updated_by"]) == (1, True, "process_admin")
    assert saved["test_rows"] == ROWS and saved["base_hash"] == saved["deployed_hash"]
    # Saving without test rows keeps them.
    second = _call(api, "process_admin", "put", f"/studio/files/{TABLE}", json={"content": DMN, "revision": 1})
    assert second.get_json()["revision"] == 2 and second.get_json()["test_rows"] == ROWS
    stale = error_of(_call(api, "process_admin", "put", f"/studio/files/{TABLE}",
                           json={"content": edited, "revision": 1}), 409, "stale_draft")
    assert stale["details"]["updated_by"] == "process_admin" and stale["details"]["revision"] == 2
    assert admin.ok("get", f"/studio/files/{TABLE}")["content"] == DMN
    assert api("auditor").ok("get", f"/studio/files/{TABLE}")["revision"] == 2
    assert _call(api, "process_admin", "delete", f"/studio/files/{TABLE}").status_code == 204
    assert admin.ok("get", f"/studio/files/{TABLE}")["revision"] == 0
    error_of(_call(api, "process_admin", "delete", f"/studio/files/{TABLE}"), 404)
    error_of(_call(api, "process_admin", "put", f"/studio/files/{TABLE}", json={"content": edited, "revision": 2}),
             409, "stale_draft")


def test_a_new_form_file_starts_as_a_draft(api):
    response = _call(api, "process_admin", "put", "/studio/files/new_form.json",
                     json={"content": '{"type": "object", "properties": {}}', "revision": 0})
    saved = response.get_json()
    assert (saved["revision"], saved["base_hash"], saved["deployed_hash"]) == (1, None, None)


def test_auditors_may_not_write(api):
    error_of(_call(api, "auditor", "put", f"/studio/files/{TABLE}", json={"content": DMN, "revision": 0}),
             403, "read_only")
    assert _call(api, "process_admin", "put", f"/studio/files/{TABLE}",
                 json={"content": DMN, "revision": 0}).status_code == 200
    error_of(_call(api, "auditor", "delete", f"/studio/files/{TABLE}"), 403, "read_only")
    assert api("process_admin").ok("get", f"/studio/files/{TABLE}")["revision"] == 1


def test_a_sales_rep_is_refused_everywhere(api):
    for method, kwargs in [("get", {}), ("put", {"json": {"content": DMN, "revision": 0}}), ("delete", {})]:
        error_of(_call(api, "rep_east1", method, f"/studio/files/{TABLE}", **kwargs), 403)


def test_bad_input_is_named(api):
    fields = error_of(_call(api, "process_admin", "put", f"/studio/files/{TABLE}", json={"content": DMN}),
                      422)["details"]["fields"]
    assert "revision" in str(fields)
    error_of(_call(api, "process_admin", "put", f"/studio/files/{TABLE}",
                   json={"content": DMN, "revision": 0, "test_rows": [{"inputs": []}]}), 422)
    error_of(_call(api, "process_admin", "put", "/studio/files/..%2Fetc.json",
                   json={"content": "{}", "revision": 0}), 404)
    error_of(_call(api, "process_admin", "put", "/studio/files/x.bpmn", json={"content": "<x/>", "revision": 0}), 404)
    error_of(_call(api, "process_admin", "put", f"/studio/files/{TABLE}",
                   json={"content": "a\x00b", "revision": 0}), 422)
