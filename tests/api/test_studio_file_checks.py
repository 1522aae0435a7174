"""The studio editors' questions about a file draft: the decision table run
by the engine on test rows (the draft's, not the deployed one's), the deploy
lint of a draft, and the form preview rendered by the task page's code."""
import json
import re

from app.services.deployment import REPO_ROOT
from tests.support.api_client import DEMO_PASSWORD, PREFIX, error_of

TABLE = "contract_approval_authority.dmn"
DMN = (REPO_ROOT / "processes" / TABLE).read_text(encoding="utf-8")
ROWS = [{"inputs": {"contract_amount": 450000, "payment_days": 30}, "expected": {"gm_approval_required": False}},
        {"inputs": {"contract_amount": 600000, "payment_days": 30}, "expected": {"gm_approval_required": True}},
        {"inputs": {"contract_amount": 100000, "payment_days": 90}, "expected": {}}]


def _call(api, username, method, path, **kwargs):
    user = api(username)
    return getattr(user.client, method)(PREFIX + path, headers=user.headers, **kwargs)


def _evaluate(api, rows=ROWS):
    response = _call(api, "process_admin", "post", f"/studio/files/{TABLE}/evaluate", json={"rows": rows})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_engine_decides_the_draft_and_a_threshold_edit_changes_the_outcome(api):
    deployed = _evaluate(api)
    assert [c["key"] for c in deployed["inputs"]] == ["contract_amount", "payment_days"]
    assert deployed["outputs"] == [{"key": "gm_approval_required", "label": "需总经理审批"}]
    assert [r["outputs"] for r in deployed["results"]] == [{"gm_approval_required": False},
                                                          {"gm_approval_required": True},
                                                          {"gm_approval_required": True}]
    assert [r["passed"] for r in deployed["results"]] == [True, True, None]
    assert deployed["results"][1]["rules"] == ["Rule_AmountAboveDirectorAuthority"]
    # Lower the director's authority to 400,000 in the draft: 450,000 now needs the general manager.
    edited = DMN.replace("&gt; 500000", "&gt; 400000").replace("&lt;= 500000", "&lt;= 400000")
    assert _call(api, "process_admin", "put", f"/studio/files/{TABLE}",
                 json={"content": edited, "revision": 0}).status_code == 200
    drafted = _evaluate(api)
    assert drafted["revision"] == 1
    assert drafted["results"][0]["outputs"] == {"gm_approval_required": True}
    assert [r["passed"] for r in drafted["results"]] == [False, True, None]


def test_an_input_the_cells_cannot_compare_is_the_engines_error_not_a_500(api):
    result = _evaluate(api, [{"inputs": {"contract_amount": "a lot", "payment_days": 30},
                              "expected": {"gm_approval_required": True}}])["results"][0]
    assert result["outputs"] is None and result["passed"] is False
    assert "TypeError" in result["error"]


def test_a_computed_input_expression_takes_the_rows_value(api):
    response = _call(api, "process_admin", "post", "/studio/files/mail_order_terms.dmn/evaluate",
                     json={"rows": [{"inputs": {'float(order_result["gross"])': 10000}}]})
    result = response.get_json()["results"][0]
    assert result["error"] is None and result["outputs"]["payment_days"] == 7


def test_a_broken_draft_is_named_by_the_lint_and_refused_by_evaluate(api):
    checked = api("process_admin").ok("post", f"/studio/files/{TABLE}/check")
    assert checked == {"revision": 0, "problems": [], "warnings": []}
    broken = DMN.replace("&gt; 60", "&gt; __import__('os')")
    _call(api, "process_admin", "put", f"/studio/files/{TABLE}", json={"content": broken, "revision": 0})
    problems = api("process_admin").ok("post", f"/studio/files/{TABLE}/check")["problems"]
    assert problems and problems[0]["element_id"] == "Rule_PaymentDaysAboveDirectorAuthority"
    _call(api, "process_admin", "put", f"/studio/files/{TABLE}", json={"content": "<x/>", "revision": 1})
    error_of(_call(api, "process_admin", "post", f"/studio/files/{TABLE}/evaluate", json={"rows": ROWS}), 422)
    error_of(_call(api, "process_admin", "post", "/studio/files/approval.json/evaluate", json={"rows": []}), 422)
    error_of(_call(api, "process_admin", "post", f"/studio/files/{TABLE}/evaluate", json={"rows": "x"}), 422)


def test_a_form_title_without_english_is_a_warning_not_a_problem(api):
    """Imported forms deploy without English; the check names what English readers would see in Chinese."""
    assert api("process_admin").ok("post", "/studio/files/approval.json/check")["warnings"] == []
    form = json.loads((REPO_ROOT / "forms" / "approval.json").read_text(encoding="utf-8"))
    del form["properties"]["decision"]["oneOf"][1]["x-title-en"]
    del form["properties"]["comment"]["x-title-en"]
    _call(api, "process_admin", "put", "/studio/files/approval.json", json={"content": json.dumps(form), "revision": 0})
    checked = api("process_admin").ok("post", "/studio/files/approval.json/check")
    assert checked["problems"] == []
    assert [(w["element_id"], w["message"]) for w in checked["warnings"]] == [
        ("decision=reject", "The title '驳回' has no English (x-title-en): English readers see it in Chinese."),
        ("comment", "The title '审批说明' has no English (x-title-en): English readers see it in Chinese.")]
    form["properties"]["comment"]["x-title-en"] = 7
    _call(api, "process_admin", "put", "/studio/files/approval.json", json={"content": json.dumps(form), "revision": 1})
    problems = api("process_admin").ok("post", "/studio/files/approval.json/check")["problems"]
    assert [p["element_id"] for p in problems] == ["comment"]  # English that is no text is a problem


def _fields_of_start_page(html: str) -> str:
    inside = html.split("data-lanes-form>", 1)[1]
    return inside.split('<div class="actions">', 1)[0]


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_the_preview_is_the_markup_the_start_page_renders(api, client, login):
    # Sent as text, as the editor sends it: the test client's JSON would sort the fields' keys.
    schema = (REPO_ROOT / "forms" / "travel_request.json").read_text(encoding="utf-8")
    preview = api("process_admin").ok("post", "/studio/forms/preview", json={"schema": schema})["html"]
    login("rep_east1", DEMO_PASSWORD)
    page = client.get("/start/travel_request").get_data(as_text=True)
    fields = _fields_of_start_page(page)
    assert 'name="destination"' in preview
    assert _squeezed(preview) in _squeezed(fields)


def test_a_money_field_previews_as_money(api):
    schema = {"type": "object", "required": ["amount"],
              "properties": {"amount": {"type": "number", "title": "金额（元）", "x-money": True, "minimum": 0}}}
    html = api("process_admin").ok("post", "/studio/forms/preview", json={"schema": json.dumps(schema)})["html"]
    assert '<span class="money">' in html and 'name="amount"' in html and "required" in html


def test_a_bad_schema_is_422_naming_the_field(api):
    bad = {"type": "object", "properties": {"amount": {"type": "number", "title": "金额（元）"},
                                            "customer": {"type": "string", "x-ref": "planet"},
                                            "note": {"type": "string", "x-widgt": "textarea"}}}
    fields = error_of(_call(api, "process_admin", "post", "/studio/forms/preview", json={"schema": bad}),
                      422)["details"]["fields"]
    assert set(fields) == {"amount", "customer", "note"}
    assert "x-money" in fields["amount"][0] and "planet" in fields["customer"][0]
    fields = error_of(_call(api, "process_admin", "post", "/studio/forms/preview",
                            json={"schema": {"type": "object", "properties": {"n": {"type": "numbr"}}}}),
                      422)["details"]["fields"]
    assert list(fields) == ["n.type"] or "n" in next(iter(fields))
    error_of(_call(api, "process_admin", "post", "/studio/forms/preview", json={"schema": "{not json"}), 422)
    error_of(_call(api, "process_admin", "post", "/studio/forms/preview", json={}), 422)


def test_lookups_and_who_may_ask(api):
    assert {"customer", "user", "role", "region", "material"} <= set(
        api("auditor").ok("get", "/studio/forms/lookups")["lookups"])
    error_of(_call(api, "rep_east1", "get", "/studio/forms/lookups"), 403)
    for path, body in [(f"/studio/files/{TABLE}/evaluate", {"rows": ROWS}), (f"/studio/files/{TABLE}/check", None),
                       ("/studio/forms/preview", {"schema": {"type": "object"}})]:
        error_of(_call(api, "rep_east1", "post", path, json=body), 403)
        error_of(_call(api, "auditor", "post", path, json=body), 403, "read_only")
