"""POST /api/v1/studio/import/camunda7: a process admin converts a Camunda 7
model and gets files, report and deploy check; a passing result becomes a
studio draft; auditors and everyone else are refused; bad uploads are 4xx."""
import io
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import StudioDraft, StudioDraftFile
from tests.support.api_client import PREFIX, error_of

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "camunda7"
INVOICE = CORPUS / "invoice"
LEAVE = (CORPUS / "handmade" / "leave_request.bpmn").read_bytes()
MAP = "staff=sales_rep\nStaff=sales_rep\nmanagers=regional_manager"
PATH = PREFIX + "/studio/import/camunda7"


def _post(api, username, data):
    user = api(username)
    return user.client.post(PATH, headers=user.headers, data=data, content_type="multipart/form-data")


def test_the_invoice_example_returns_files_report_and_the_deploy_check(api):
    response = _post(api, "process_admin", {
        "bpmn": (io.BytesIO((INVOICE / "invoice.v2.bpmn").read_bytes()), "invoice.v2.bpmn"),
        "dmn": [(io.BytesIO((INVOICE / "invoiceBusinessDecisions.dmn").read_bytes()), "invoiceBusinessDecisions.dmn")],
        "map": "accounting=finance\nTeam Assistant=sales_admin\nApprover=sales_director"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["key"] == "invoice" and body["draft_revision"] is None
    assert {"invoice.bpmn", "invoiceClassification.dmn", "invoice-assign-approver.dmn"} == set(body["files"])
    assert any("ArchiveInvoiceService" in item["message"] and item["severity"] == "error" for item in body["report"])
    assert any(problem["element_id"] == "ServiceTask_1" for problem in body["problems"])
    error_of(api("process_admin").client.get(PREFIX + "/studio/drafts/invoice", headers=api("process_admin").headers), 404)


def test_a_passing_import_becomes_a_draft_and_a_second_one_conflicts(api):
    response = _post(api, "process_admin", {"bpmn": (io.BytesIO(LEAVE), "leave_request.bpmn"), "map": MAP})
    body = response.get_json()
    assert response.status_code == 200 and body["problems"] == [] and body["draft_revision"] == 1, body
    assert "leave_request_task_approve.json" in body["files"]
    admin = api("process_admin")
    draft = admin.ok("get", "/studio/drafts/leave_request")
    assert draft["base_version"] is None and draft["xml"] == body["files"]["leave_request.bpmn"]
    # The imported draft saves and checks like any other.
    saved = admin.client.put(PREFIX + "/studio/drafts/leave_request", headers=admin.headers,
                             json={"xml": draft["xml"].replace("Approve leave", "Approve the leave"), "revision": 1})
    assert saved.status_code == 200 and saved.get_json()["revision"] == 2, saved.get_json()
    check = admin.client.post(PREFIX + "/studio/drafts/leave_request/check", headers=admin.headers)
    assert check.status_code == 200, check.get_json()
    assert check.get_json()["problems"] == []  # the draft's check sees the forms imported with it
    forms_gone = _post(api, "process_admin", {"bpmn": (io.BytesIO(LEAVE), "leave_request.bpmn"), "map": MAP,
                                              "key": "leave_two"})
    assert forms_gone.get_json()["draft_revision"] == 1
    discarded = admin.client.delete(PREFIX + "/studio/drafts/leave_two", headers=admin.headers)
    assert discarded.status_code == 204  # the draft goes, and its files with it
    kept = db.session.scalars(select(StudioDraftFile.name).join(StudioDraftFile.draft)
                              .where(StudioDraft.process_key.in_(("leave_request", "leave_two")))).all()
    assert sorted(kept) == ["leave_request_start_event_requested.json", "leave_request_task_approve.json",
                            "leave_request_task_confirm.json"]
    again = _post(api, "process_admin", {"bpmn": (io.BytesIO(LEAVE), "leave_request.bpmn"), "map": MAP})
    error_of(again, 409, "draft_exists")


def test_a_deployed_key_is_not_taken_over(api):
    response = _post(api, "process_admin", {"bpmn": (io.BytesIO(LEAVE), "leave_request.bpmn"), "map": MAP,
                                            "key": "travel_request"})
    error_of(response, 409, "key_taken")


def test_auditors_and_sales_reps_are_refused(api):
    error_of(_post(api, "auditor", {"bpmn": (io.BytesIO(LEAVE), "leave_request.bpmn")}), 403, "read_only")
    error_of(_post(api, "rep_east1", {"bpmn": (io.BytesIO(LEAVE), "leave_request.bpmn")}), 403)


def test_bad_uploads_are_refused_naming_the_field(api):
    assert "bpmn" in error_of(_post(api, "process_admin", {}), 422)["details"]["fields"]
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    assert "bpmn" in error_of(_post(api, "process_admin", {"bpmn": (io.BytesIO(xxe), "x.bpmn")}), 422)["details"]["fields"]
    assert "dmn" in error_of(_post(api, "process_admin", {"bpmn": (io.BytesIO(LEAVE), "l.bpmn"),
                                                          "dmn": [(io.BytesIO(xxe), "x.dmn")]}), 422)["details"]["fields"]
    assert "map" in error_of(_post(api, "process_admin", {"bpmn": (io.BytesIO(LEAVE), "l.bpmn"),
                                                          "map": "no equals sign"}), 422)["details"]["fields"]
    assert "bpmn" in error_of(_post(api, "process_admin", {"bpmn": (io.BytesIO(LEAVE), "l.bpmn"), "key": "a b"}),
                              422)["details"]["fields"]
    assert "bpmn" in error_of(_post(api, "process_admin", {"bpmn": (io.BytesIO(b"\x00" * 10), "l.bpmn")}),
                              422)["details"]["fields"]
