"""The export and sample pages as auditors use them: files download with a
byte-order mark and a Chinese header, their hash in the header equals the
hash of the bytes and finds the recorded export; a sample drawn without a
seed comes back with one in the address; a sales rep gets the error page."""
import csv
import hashlib
import io
import re

import pytest
from openpyxl import load_workbook

from tests.support.audit_population import add_population
from tests.support.logins import WebUser


@pytest.fixture
def population(org):
    return add_population(300, org("rep_east1").id)


@pytest.fixture
def auditor(app, org):
    return WebUser(app, "auditor")


def test_the_csv_downloads_with_a_bom_a_chinese_header_and_its_hash(auditor, population):
    response = auditor.get("/audit/exports/instances.csv?status=completed&process_key=contract", buffered=True)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=instances-")
    content = response.get_data()
    assert content.startswith("\ufeff实例,流程,版本,流程名称,状态,业务编号".encode())
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    rows = lines[1:lines.index([])]
    assert int(response.headers["X-Row-Count"]) == len(rows) == 25  # every 12th of 300: contract and completed
    record = auditor.get(f"/audit/exports/{response.headers['X-Content-SHA256']}.json", buffered=True).get_json()
    assert [export["totals"]["rows"] for export in record["exports"]] == [25]
    assert record["exports"][0]["filter"] == {"process_key": "contract", "status": "completed"}


def test_the_xlsx_downloads_with_its_about_sheet(auditor, population):
    response = auditor.get("/audit/exports/instances.xlsx?amount_max=5000", buffered=True)
    assert response.status_code == 200
    content = response.get_data()
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["实例", "说明"]
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about["筛选"] == '{"amount_max":"5000"}' and about["生成人"] == "auditor"
    assert about["行数"] == book["实例"].max_row - 1 > 0


def test_a_sample_without_a_seed_comes_back_with_one_and_repeats(auditor, population):
    response = auditor.get("/audit/samples?draw=1&size=5&method=process", buffered=True)
    assert response.status_code == 302
    seed = re.search(r"seed=(\d+)", response.headers["Location"]).group(1)
    page = auditor.page(response.headers["Location"])
    assert "审计抽样" in page and f'<code id="seed">{seed}</code>' in page
    ids = re.findall(r'href="/instances/(\d+)"', page)
    assert len(ids) == 5
    again = auditor.page(f"/audit/samples?draw=1&size=5&method=process&seed={seed}")
    assert re.findall(r'href="/instances/(\d+)"', again) == ids
    download = auditor.get(f"/audit/samples/sample.csv?size=5&method=process&seed={seed}", buffered=True)
    text = download.get_data().decode("utf-8-sig")
    assert download.status_code == 200 and text.startswith("分层,实例,")
    assert [line.split(",")[1] for line in text.splitlines()[1:6]] == ids


def test_the_samples_page_shows_the_form_first(auditor):
    page = auditor.page("/audit/samples")
    assert 'name="seed"' in page and "抽取样本" in page and 'id="sample-list"' not in page


@pytest.mark.parametrize("url", ["/audit/exports/instances.csv", "/audit/exports/instances.xlsx", "/audit/samples",
                                 "/audit/samples?draw=1&seed=4", "/audit/samples/sample.csv?seed=4",
                                 "/audit/exports/" + "0" * 64 + ".json"])
def test_a_sales_rep_is_refused(app, org, url):
    response = WebUser(app, "rep_east1").get(url, buffered=True)
    assert response.status_code == 403
    assert "text/html" in response.content_type or url.endswith(".json")


def test_a_bad_filter_is_a_400_naming_the_field(auditor):
    response = auditor.get("/audit/exports/instances.csv?started_from=yesterday", buffered=True)
    assert response.status_code == 400 and "started_from" in response.get_data(as_text=True)
    response = auditor.get("/audit/samples?draw=1&seed=1&size=999", buffered=True)
    assert response.status_code == 400 and "size" in response.get_data(as_text=True)
