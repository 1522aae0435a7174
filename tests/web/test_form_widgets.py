"""Every widget of the form renderer, on a test-only diagram: line items
with computed amounts, booleans, type-ahead, and file attachments."""
import io
import json
from pathlib import Path

import pytest

from app.extensions import db
from app.models import ProcessInstance
from app.services import deployment

from tests.web.forms import field_error

DIAGRAMS = Path(__file__).parent / "diagrams"
FORMS = Path(__file__).resolve().parents[2] / "forms"
PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
def probe(web, app, tmp_path):
    app.config["ATTACHMENTS_DIR"] = str(tmp_path / "attachments")
    files = deployment.files_from_paths([DIAGRAMS / "web_probe.bpmn", DIAGRAMS / "web_probe_start.json", FORMS / "approval.json"])
    deployment.deploy(files)
    yield web("rep_east1")
    app.config.pop("ATTACHMENTS_DIR", None)


def _start(user, data, files=None):
    payload = dict(data)
    for name, (content, filename, kind) in (files or {}).items():
        payload[name] = (io.BytesIO(content), filename, kind)
    return user.post("/start/web_probe", payload, token_from="/start/web_probe", content_type="multipart/form-data")


def test_widgets_are_rendered(probe):
    page = probe.page("/start/web_probe")
    assert 'type="checkbox" id="f-urgent" name="urgent"' in page
    assert 'data-lookup="customer"' in page and 'list="f-customer-options"' in page
    assert 'name="lines-0-item"' in page and 'name="lines-__index__-qty"' in page  # a row and the blank template
    assert 'data-formula="qty * unit_price"' in page and "data-add-row" in page and "data-remove-row" in page
    assert 'type="file" id="f-receipt" name="receipt"' in page
    assert 'enctype="multipart/form-data"' in page


def test_rows_booleans_and_an_attachment_are_converted(probe, app):
    data = {"subject": "样品", "urgent": "on", "lines-0-item": "阀门", "lines-0-qty": "2", "lines-0-unit_price": "1,200.5",
            "lines-3-item": "法兰", "lines-3-qty": "1", "lines-3-unit_price": "10", "lines-5-item": "", "lines-5-qty": ""}
    response = _start(probe, data, {"receipt": (PDF, "发票.pdf", "application/pdf")})
    assert response.status_code == 302, response.get_data(as_text=True)
    instance = db.session.scalar(db.select(ProcessInstance).where(ProcessInstance.process_key == "web_probe"))
    assert instance.data["urgent"] is True
    assert instance.data["lines"] == [{"item": "阀门", "qty": 2, "unit_price": 1200.5, "amount": 2401.0},
                                      {"item": "法兰", "qty": 1, "unit_price": 10, "amount": 10.0}]
    receipt = instance.data["receipt"]
    assert receipt["name"] == "发票.pdf" and receipt["size"] == len(PDF) and receipt["type"] == "application/pdf"
    stored = Path(app.config["ATTACHMENTS_DIR"]) / receipt["sha256"]
    assert stored.read_bytes() == PDF
    with probe.get(f"/instances/{instance.id}/attachments/{receipt['sha256']}") as download:
        assert download.status_code == 200 and download.data == PDF
        assert "attachment;" in download.headers["Content-Disposition"]
    assert probe.get(f"/instances/{instance.id}/attachments/{'0' * 64}").status_code == 404
    assert "发票.pdf" in probe.page(f"/instances/{instance.id}")


def test_a_list_of_files_is_a_list_of_file_inputs(probe):
    page = probe.page("/start/web_probe")
    assert 'type="file"' in page and 'name="proofs-__index__"' in page and 'name="proofs-0-name"' not in page
    data = {"subject": "退货凭证", "lines-0-item": "阀门", "lines-0-qty": "1", "lines-0-unit_price": "10"}
    response = _start(probe, data, {"proofs-0": (PDF, "照片.pdf", "application/pdf"),
                                    "proofs-2": (b"second file", "说明.txt", "text/plain")})
    assert response.status_code == 302, response.get_data(as_text=True)
    instance = db.session.scalar(db.select(ProcessInstance).where(ProcessInstance.process_key == "web_probe"))
    assert [(ref["name"], ref["size"]) for ref in instance.data["proofs"]] == [("照片.pdf", len(PDF)), ("说明.txt", 11)]


def test_unchecked_box_is_false_and_row_errors_sit_in_their_cell(probe):
    response = _start(probe, {"subject": "样品", "lines-0-item": "阀门", "lines-0-qty": "0", "lines-0-unit_price": "1.001"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "f-lines-0-qty") == "不能小于 1。"
    assert field_error(page, "f-lines-0-unit_price") == "最多保留两位小数（到分）。"


def test_attachment_type_and_size_limits(probe, monkeypatch):
    response = _start(probe, {"subject": "样品", "lines-0-item": "阀门", "lines-0-qty": "1", "lines-0-unit_price": "1"},
                      {"receipt": (b"MZ", "tool.exe", "application/octet-stream")})
    assert response.status_code == 422
    assert "不接受此文件类型" in field_error(response.get_data(as_text=True), "f-receipt")
    monkeypatch.setattr("app.services.attachments.MAX_ATTACHMENT_BYTES", 10)
    response = _start(probe, {"subject": "样品", "lines-0-item": "阀门", "lines-0-qty": "1", "lines-0-unit_price": "1"},
                      {"receipt": (PDF, "big.pdf", "application/pdf")})
    assert response.status_code == 422
    assert "文件超过" in field_error(response.get_data(as_text=True), "f-receipt")


def test_type_ahead_lookup_returns_json(probe):
    response = probe.get("/lookups/user?q=rm_ea")
    assert response.status_code == 200
    assert {"value": "rm_east"}.items() <= response.get_json()[0].items()
    assert json.loads(probe.get("/lookups/region?q=华").data)
    assert probe.get("/lookups/no_such_ref").status_code == 404


def test_lookup_needs_login(client):
    from tests.support.logins import forget_request_caches

    forget_request_caches()
    assert client.get("/lookups/user?q=a").status_code == 302
