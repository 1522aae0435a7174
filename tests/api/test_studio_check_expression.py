"""/studio/check-expression: a condition, script, timer or "shows" value
checked by the run time's restricted compiler for the studio's editors, with
the variables in play at the element; refused to auditors (every POST) and
to everyone but process admins."""
import pytest

from app.services.deployment import REPO_ROOT
from tests.support.api_client import PREFIX, error_of

TRAVEL = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")
MAIL = (REPO_ROOT / "processes" / "mail_order.bpmn").read_text(encoding="utf-8")


def _check(api, username="process_admin", **body):
    user = api(username)
    payload = {"key": "travel_request", "element_id": "Flow_ManagerApproved", "kind": "condition",
               "text": 'decision == "approve"', "xml": TRAVEL, **body}
    return user.client.post(PREFIX + "/studio/check-expression", headers=user.headers, json=payload)


def _ok(api, **body):
    response = _check(api, **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_variables_in_play_at_a_travel_request_gateway(api):
    checked = _ok(api)
    assert checked["problems"] == []
    names = {v["name"]: v for v in checked["variables"]}
    assert names["requester"]["origin"] == "requester" and "level" in names["requester"]["fields"]
    assert names["decision"]["origin"] == "form" and names["decision"]["element_id"] == "Task_ManagerApproval"
    assert "destination" in names  # the start form's, or the revision form's on the way back
    assert names["traveller_check"]["origin"] == "result"
    # Nearest writer first: the department head's decision reaches here only through a rejection loop.
    assert [v["name"] for v in checked["variables"]].count("decision") == 1


def test_the_first_gateway_sees_only_the_start_and_the_traveller_check(api):
    found = {v["name"]: v for v in _ok(api, element_id="Flow_Applicable", text='traveller_check["ok"]')["variables"]}
    assert found["destination"]["origin"] == "start_form" and found["traveller_check"]["origin"] == "result"
    assert "decision" not in found


def test_a_syntax_error_has_its_line_and_column(api):
    problems = _ok(api, kind="script", text='x = 1\ny = (decision ==\n', element_id="Flow_ManagerApproved")["problems"]
    assert len(problems) == 1 and problems[0]["severity"] == "error"
    assert problems[0]["message"].startswith("Syntax error") and problems[0]["line"] in (2, 3)
    assert problems[0]["column"] is not None
    cond = _ok(api, text='decision === "approve"')["problems"]
    assert cond[0]["line"] == 1 and cond[0]["column"] == 12


@pytest.mark.parametrize("text,kind,said", [
    ("import os", "script", "import statements are not allowed"),
    ("x = requester.__class__", "script", "__class__"),
    ("__import__('os').system('id')", "condition", "__import__"),
    ("open('/etc/passwd')", "condition", "open() is not available"),
    ("'{0.__class__}'.format(requester)", "condition", "format"),
    ("${amount > 1000}", "condition", "Camunda expression"),
])
def test_what_the_sandbox_refuses_is_an_error(api, text, kind, said):
    problems = _ok(api, kind=kind, text=text)["problems"]
    assert problems and all(p["severity"] == "error" for p in problems)
    assert any(said in p["message"] for p in problems), problems


def test_unknown_names_are_warned_not_refused(api):
    problems = _ok(api, text='decison == "approve" and amount > len(requester)')["problems"]
    assert [(p["severity"], p["line"], p["column"]) for p in problems] == [("warning", 1, 1), ("warning", 1, 26)]
    assert "'decison'" in problems[0]["message"] and "'amount'" in problems[1]["message"]
    # A name the script binds itself is its own.
    assert _ok(api, kind="script", text="total = 1\nok = total > 0")["problems"] == []


@pytest.mark.parametrize("kind,text,fine", [
    ("timer_duration", '"PT2H"', True), ("timer_duration", '"P3D"', True), ("timer_duration", "PT2H", False),
    ("timer_duration", '"2 hours"', False), ("timer_duration", "7200", False),
    ("timer_cycle", '"R3/PT1H"', True), ("timer_cycle", '"R/2026-01-01T01:00:00+08:00/P1M"', True),
    ("timer_cycle", '"R3/1H"', False), ("timer_cycle", "R3/PT1H", False),
    ("timer_date", '"2026-12-31T17:00:00+08:00"', True), ("timer_date", '"2026-13-31"', False),
    ("timer_date", "payment_due", True),  # not written upstream of this flow: only a warning
])
def test_timers_must_be_quoted_iso_of_their_kind(api, kind, text, fine):
    problems = _ok(api, kind=kind, text=text)["problems"]
    assert (not any(p["severity"] == "error" for p in problems)) is fine, problems


def test_a_timer_in_a_real_diagram(api):
    checked = _ok(api, key="mail_order", xml=MAIL, element_id="Timer_PaymentOverdue", kind="timer_date",
                  text="payment_due")
    assert checked["problems"] == [], checked


def test_shows_are_checked_as_the_deploy_lint_does(api):
    fine = _ok(api, kind="shows", element_id="Task_GMApproval", text="destination,traveller_check,requester.level")
    assert fine["problems"] == [] and "sales_order" in fine["document_kinds"]
    bad = _ok(api, kind="shows", element_id="Task_GMApproval", text="destination:nonsense,invented")["problems"]
    assert len(bad) == 2 and "no ledger document kind" in bad[0]["message"] and "'invented'" in bad[1]["message"]


def test_bad_input_names_the_field(api):
    assert "kind" in error_of(_check(api, kind="sql"), 422)["details"]["fields"]
    assert "element_id" in error_of(_check(api, element_id="Nope"), 422)["details"]["fields"]
    assert "xml" in error_of(_check(api, xml="<not xml"), 422)["details"]["fields"]
    assert "xml" in error_of(_check(api, xml='<!DOCTYPE x [<!ENTITY a "b">]><x/>'), 422)["details"]["fields"]
    error_of(_check(api, key="no_such_process"), 404)
    assert _check(api, text="(" * 500).status_code == 200


def test_only_process_admins_may_ask(api):
    error_of(_check(api, "auditor"), 403, "read_only")
    error_of(_check(api, "rep_east1"), 403)


def test_a_decision_tables_outputs_are_in_play_after_its_business_rule_task(api):
    checked = _ok(api, key="mail_order", xml=MAIL, element_id="Flow_ReviewRequired", text="order_review_required")
    assert checked["problems"] == []
    found = {v["name"]: v for v in checked["variables"]}
    assert found["payment_days"]["origin"] == "decision" and found["order_review_required"]["origin"] == "decision"
