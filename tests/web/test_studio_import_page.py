"""/studio/import: process admins upload a Camunda 7 model and read the
report; a passing result opens as a draft in the modeler; auditors look
without the form; everyone else gets the 403 page."""
import io
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "camunda7"
MAP = "staff=sales_rep\nStaff=sales_rep\nmanagers=regional_manager"


def _upload(user, bpmn: Path, dmns=(), mapping="", key=""):
    return user.post("/studio/import", {"bpmn": (io.BytesIO(bpmn.read_bytes()), bpmn.name),
                                        "dmn": [(io.BytesIO(p.read_bytes()), p.name) for p in dmns],
                                        "map": mapping, "key": key},
                     token_from="/studio/import", content_type="multipart/form-data")


def test_the_invoice_example_shows_its_report_and_makes_no_draft(web):
    admin = web("process_admin")
    assert 'id="import-form"' in admin.page("/studio/import")
    assert 'href="/studio/import"' in admin.page("/studio/")
    response = _upload(admin, CORPUS / "invoice" / "invoice.v2.bpmn", [CORPUS / "invoice" / "invoiceBusinessDecisions.dmn"],
                       "accounting=finance")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="import-no-draft"' in html and "从 Camunda 7 导入" in html
    assert "ArchiveInvoiceService" in html and "taskListener" in html and "invoice-assign-approver.dmn" in html
    assert 'id="import-problems"' in html


def test_a_passing_import_links_to_its_draft_in_the_modeler(web):
    admin = web("process_admin")
    html = _upload(admin, CORPUS / "handmade" / "leave_request.bpmn", mapping=MAP).get_data(as_text=True)
    assert 'href="/studio/import/drafts/leave_request"' in html and 'id="import-draft"' in html
    modeler = admin.page("/studio/import/drafts/leave_request")
    assert 'data-key="leave_request"' in modeler and 'data-draft-revision="1"' in modeler
    assert 'data-editable="true"' in modeler
    auditor = web("auditor")
    assert 'data-editable="false"' in auditor.page("/studio/import/drafts/leave_request")
    listing = auditor.page("/studio/import")
    assert 'id="import-form"' not in listing and "leave_request" in listing
    assert web("process_admin").get("/studio/import/drafts/travel_request").status_code == 404


def test_hostile_or_bad_files_are_refused_on_the_page(web):
    admin = web("process_admin")
    evil = CORPUS / "invoice" / "README.md"  # not XML at all
    response = _upload(admin, evil)
    assert response.status_code == 422 and 'id="import-errors"' in response.get_data(as_text=True)
    response = _upload(admin, CORPUS / "handmade" / "leave_request.bpmn", mapping="nonsense")
    assert response.status_code == 422 and "group=role_code" in response.get_data(as_text=True)


def test_auditors_cannot_import_and_others_get_the_403_page(web):
    response = _upload(web("auditor"), CORPUS / "handmade" / "leave_request.bpmn", mapping=MAP)
    assert response.status_code == 403
    rep = web("rep_east1")
    for url in ("/studio/import", "/studio/import/drafts/leave_request"):
        response = rep.get(url)
        assert response.status_code == 403 and "<html" in response.get_data(as_text=True), url
