"""Attachments through the API: upload, reference from form data, download
by people who may see the instance; refusals name the field."""
import hashlib
import io
from pathlib import Path

import pytest

from tests.support.api_client import error_of
from app.services import deployment

WEB_DIAGRAMS = Path(__file__).parents[1] / "web" / "diagrams"
FORMS = Path(__file__).parents[2] / "forms"
PDF = b"%PDF-1.4 signed fax of the delivery note"


@pytest.fixture
def probe(api):
    deployment.deploy(deployment.files_from_paths(
        [WEB_DIAGRAMS / "web_probe.bpmn", WEB_DIAGRAMS / "web_probe_start.json", FORMS / "approval.json"]))
    return api


def _upload(user, content=PDF, filename="传真.pdf", kind="application/pdf"):
    return user.post("/attachments", data={"file": (io.BytesIO(content), filename, kind)},
                     content_type="multipart/form-data")


def _start_data(receipt):
    return {"subject": "退货凭证", "lines": [{"item": "水泵", "qty": 1, "unit_price": 980}], "receipt": receipt}


def test_upload_then_reference_then_download(probe):
    rep = probe("rep_east1")
    response = _upload(rep)
    assert response.status_code == 201, response.get_json()
    ref = response.get_json()
    assert ref == {"name": "传真.pdf", "type": "application/pdf", "size": len(PDF),
                   "sha256": hashlib.sha256(PDF).hexdigest()}
    instance = rep.start("web_probe", _start_data(ref))
    download = rep.get(f"/process-instances/{instance['id']}/attachments/{ref['sha256']}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    # the approver sees the request, so the file too; an outsider does not
    approver = probe("rm_east").get(f"/process-instances/{instance['id']}/attachments/{ref['sha256']}")
    assert approver.status_code == 200
    approver.close()
    outsider = probe("rep_north1").get(f"/process-instances/{instance['id']}/attachments/{ref['sha256']}")
    assert outsider.status_code in (403, 404)


def test_a_file_the_instance_does_not_name_is_not_served(probe):
    rep = probe("rep_east1")
    ref = _upload(rep).get_json()
    other = _upload(rep, content=b"another file", filename="other.txt", kind="text/plain").get_json()
    instance = rep.start("web_probe", _start_data(ref))
    error_of(rep.get(f"/process-instances/{instance['id']}/attachments/{other['sha256']}"), 404, "attachment_not_found")


def test_a_reference_to_a_file_never_uploaded_is_refused(probe):
    rep = probe("rep_east1")
    forged = {"name": "伪造.pdf", "type": "application/pdf", "size": 10, "sha256": "0" * 64}
    error = error_of(rep.post("/process-instances", json={"process_key": "web_probe", "data": _start_data(forged)}), 422)
    assert "receipt" in error["details"]["fields"]


HTML = b"<!doctype html><script>alert(document.cookie)</script>"


@pytest.mark.parametrize("filename, kind, content", [
    ("run.exe", "application/octet-stream", PDF), ("page.html", "text/html", HTML),
    ("fake.pdf", "application/pdf", HTML), ("fake.png", "image/png", PDF), ("fake.docx", "application/pdf", PDF),
    ("binary.txt", "text/plain", b"MZ\x90\x00\x03\x00\x00\x00")])
def test_uploads_of_other_types_or_with_other_content_are_refused(probe, filename, kind, content):
    error = error_of(_upload(probe("rep_east1"), filename=filename, kind=kind, content=content), 422)
    assert "file" in error["details"]["fields"]


def test_the_type_stored_and_served_is_the_servers_not_the_clients(probe):
    rep = probe("rep_east1")
    ref = _upload(rep, kind="text/html").get_json()
    assert ref["type"] == "application/pdf"
    ref["type"] = "text/html"  # re-labelled in the form data
    ref["name"] = "page.html"
    instance = rep.start("web_probe", _start_data(ref))
    assert instance["data"]["receipt"]["type"] == "application/pdf"
    assert instance["data"]["receipt"]["name"] == "传真.pdf"
    download = rep.get(f"/process-instances/{instance['id']}/attachments/{ref['sha256']}")
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_someone_elses_file_cannot_be_taken_by_its_hash(probe):
    """Knowing the sha256 and size of a file another person uploaded (from a
    shared link, a log or a guess) does not let you attach and download it."""
    owner, thief = probe("rep_east1"), probe("rep_east2")
    secret = b"%PDF-1.4 the customer's confidential price list"
    ref = _upload(owner, content=secret, filename="价格表.pdf").get_json()

    error = error_of(thief.post("/process-instances", json={"process_key": "web_probe", "data": _start_data(ref)}), 422)

    assert "receipt" in error["details"]["fields"]
    assert not thief.get("/process-instances?started_by=me").get_json()["items"]


def test_an_attachment_object_with_extra_keys_is_refused(probe):
    rep = probe("rep_east1")
    ref = {**_upload(rep).get_json(), "path": "../../etc/passwd"}
    error = error_of(rep.post("/process-instances", json={"process_key": "web_probe", "data": _start_data(ref)}), 422)
    assert any(field.startswith("receipt") for field in error["details"]["fields"])


def test_uploads_over_the_limit_are_refused(probe, monkeypatch):
    monkeypatch.setattr("app.services.attachments.MAX_ATTACHMENT_BYTES", 16)
    error = error_of(_upload(probe("rep_east1"), content=b"x" * 17, filename="big.txt", kind="text/plain"), 422)
    assert "file" in error["details"]["fields"]


def test_an_upload_without_a_file_names_the_field(probe):
    error = error_of(probe("rep_east1").post("/attachments", data={}, content_type="multipart/form-data"), 422)
    assert "file" in str(error["details"])


def test_auditors_cannot_upload(probe):
    error_of(_upload(probe("auditor")), 403, "read_only")
