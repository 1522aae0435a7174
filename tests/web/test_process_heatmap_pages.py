"""The process heatmap's pages, downloads and API: an analyst reads the
versions, a version's steps and a step's instances and downloads each
table; a rep is refused at every door (page, diagram, export, API); bad
input gets a 4xx naming the field."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessDefinition
from tests.support.logins import DEMO_PASSWORD
from tests.support.travel_claims import run_travel_claims


def _download(client, url):
    """The body of a download, its response closed (the file behind it too)."""
    response = client.get(url)
    try:
        return response.status_code, response.data
    finally:
        response.close()


@pytest.fixture
def version(sales, frozen_clock):
    run_travel_claims(sales, frozen_clock)
    db.session.commit()
    return db.session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.key == "travel_claim"))


def test_an_analyst_reads_the_versions_the_steps_and_a_steps_instances(web, version):
    analyst = web("process_admin")
    listing = analyst.get("/reports/processes").get_data(as_text=True)
    assert f'href="/reports/processes/travel_claim/v{version}"' in listing
    page = analyst.get(f"/reports/processes/travel_claim/v{version}?step=Task_FinanceReview")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="heatmap-steps"' in text and 'id="step-instances"' in text
    assert "BX-3" in text and "/instances/" in text and "财务审核报销" in text
    diagram = analyst.get(f"/reports/processes/travel_claim/v{version}/diagram.bpmn?lang=en")
    assert diagram.status_code == 200 and b"Task_FinanceReview" in diagram.data
    assert "reports/processes" in analyst.get("/reports/").get_data(as_text=True)


def test_each_table_downloads_as_xlsx_and_csv(web, version):
    analyst = web("process_admin")
    base = f"/reports/processes/travel_claim/v{version}"
    workbook = load_workbook(io.BytesIO(_download(analyst, f"{base}/steps.xlsx")[1]))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    review = next(row for row in rows if row[1] == "Task_FinanceReview")
    assert review[2:5] == (4, 5, 1)  # passed, visits, open
    assert review[9:11] == (2, 1)  # breaches, rework
    for table in ("months", "waits"):
        status, body = _download(analyst, f"{base}/{table}.csv")
        assert status == 200 and body.startswith(b"\xef\xbb\xbf")
    listed = list(csv.reader(io.StringIO(_download(analyst, f"{base}/instances.csv?step=Task_FinanceReview")[1].decode("utf-8-sig"))))
    assert {row[1] for row in listed[1:6]} >= {"BX-1", "BX-2", "BX-3", "BX-4"}


def test_bad_input_is_answered_naming_the_field(web, api_token, client, version):
    analyst = web("process_admin")
    base = f"/reports/processes/travel_claim/v{version}"
    assert analyst.get(f"{base}/steps.pdf").status_code == 422
    assert analyst.get(f"{base}/nothing.csv").status_code == 422
    assert analyst.get(f"{base}/instances.csv").status_code == 422
    assert analyst.get(f"{base}?step=Task_Nothing").status_code == 404
    assert analyst.get("/reports/processes/travel_claim/v99").status_code == 404
    headers = {"Authorization": f"Bearer {api_token('process_admin', DEMO_PASSWORD)}"}
    refused = client.get("/api/v1/reports/processes/travel_claim/x/steps", headers=headers)
    assert refused.status_code == 422 and "version" in str(refused.get_json())
    answered = client.get(f"/api/v1/reports/processes/travel_claim/{version}/steps", headers=headers).get_json()
    review = next(step for step in answered["steps"] if step["element_id"] == "Task_FinanceReview")
    assert (review["passed"], review["rework"], review["breached"], review["waiting_p50"]) == (4, 1, 2, 2 * 3600)


def test_a_rep_is_refused_at_every_door(web, api_token, client, version):
    rep = web("rep_east1")
    base = f"/reports/processes/travel_claim/v{version}"
    for url in ("/reports/processes", base, f"{base}?step=Task_FinanceReview", f"{base}/diagram.bpmn",
                f"{base}/steps.xlsx", f"{base}/instances.csv?step=Task_FinanceReview", f"{base}/months.csv"):
        assert _download(rep, url)[0] == 403, url
    headers = {"Authorization": f"Bearer {api_token('rep_east1', DEMO_PASSWORD)}"}
    assert client.get(f"/api/v1/reports/processes/travel_claim/{version}/steps", headers=headers).status_code == 403
