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


@pytest.mark.parametrize("filename, kind", [("run.exe", "application/octet-stream"), ("page.html", "text/html"),
                                            ("fake.pdf", "text/html")])
def test_uploads_of_other_types_are_refused(probe, filename, kind):
    error = error_of(_upload(probe("rep_east1"), filename=filename, kind=kind), 422)
    assert "file" in error["details"]["fields"]


def test_uploads_over_the_limit_are_refused(probe, monkeypatch):
    monkeypatch.setattr("app.services.attachments.MAX_ATTACHMENT_BYTES", 16)
    error = error_of(_upload(probe("rep_east1"), content=b"x" * 17, filename="big.txt", kind="text/plain"), 422)
    assert "file" in error["details"]["fields"]


def test_an_upload_without_a_file_names_the_field(probe):
    error = error_of(probe("rep_east1").post("/attachments", data={}, content_type="multipart/form-data"), 422)
    assert "file" in str(error["details"])


def test_auditors_cannot_upload(probe):
    error_of(_upload(probe("auditor")), 403, "read_only")
