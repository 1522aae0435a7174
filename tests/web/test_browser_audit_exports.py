"""In the browser, as the auditor: export the population as CSV and XLSX
from the samples page (the files' hashes are found among the recorded
exports), draw a sample stratified by process, repeat it by its seed,
download it, and see the page in Chinese and in English."""
import hashlib
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from app.extensions import db
from tests.support.flow_driver import FlowDriver
from tests.support.samples import TRIP
from tests.web.browser_driving import browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

DEALER = "浙江泵阀总经销有限公司"


def _requests(live_app):
    """Four travel requests (two approved through) and two promotion claims."""
    from app.models import Customer
    from app.services.accounts import find_user

    with live_app.app_context():
        driver = FlowDriver(find_user)
        dealer = db.session.scalar(db.select(Customer.code).where(Customer.name == DEALER))
        for index, traveller in enumerate(("rep_east1", "rep_east2", "rep_east3", "rep_east4")):
            trip = driver.start("travel_request", {**TRIP, "estimated_cost": 1500 + 1000 * index}, traveller)
            if index < 2:
                driver.approve(trip, "Task_ManagerApproval", "rm_east")
                driver.approve(trip, "Task_DepartmentHeadApproval", "director")
        for applicant in ("rep_south1", "rep_south2"):
            driver.start("promotion_expense", {"expense_type": "exhibition", "amount": 5000, "customer": dealer,
                                               "purpose": "展会展位及资料"}, applicant)
        db.session.commit()
        db.session.remove()


def _download(page, link_id: str) -> bytes:
    with page.expect_download() as caught:
        page.click(f"#{link_id}")
    return Path(caught.value.path()).read_bytes()


def _recorded(page, base: str, content: bytes) -> list:
    response = page.request.get(f"{base}/audit/exports/{hashlib.sha256(content).hexdigest()}.json")
    assert response.status == 200
    return response.json()["exports"]


def test_the_auditor_exports_the_population_and_draws_a_sample(live_app, live_server, person):
    _requests(live_app)
    page = person("auditor")
    page.goto(live_server + "/audit/samples")
    assert page.locator("h1").inner_text() == "审计抽样"

    population_csv = _download(page, "population-csv")
    assert population_csv.startswith("\ufeff实例,流程,版本,流程名称,状态".encode())
    [record] = _recorded(page, live_server, population_csv)
    assert record["totals"]["rows"] == 6 and record["totals"]["by_process"] == {"promotion_expense": 2, "travel_request": 4}
    population_xlsx = _download(page, "population-xlsx")
    book = load_workbook(io.BytesIO(population_xlsx))
    assert book.sheetnames == ["实例", "说明"] and book["实例"].max_row == 7
    assert _recorded(page, live_server, population_xlsx)[0]["format"] == "xlsx"

    page.get_by_label("样本量").fill("2")
    page.get_by_label("抽样方法").select_option("process")
    page.get_by_role("button", name="抽取样本").click()
    page.wait_for_selector("#sample-list")
    seed = page.inner_text("#seed")
    assert re.fullmatch(r"\d+", seed) and f"seed={seed}" in page.url
    assert "样本 2 个，总体 6 个" in page.inner_text("#sample-summary")
    drawn = page.locator("#sample-list tbody tr").all_inner_texts()
    assert len(drawn) == 2 and sum("差旅" in row or "出差" in row for row in drawn) == 1
    assert "审计记录完整（哈希链校验通过）" in drawn[0] and "待核对" in drawn[0]
    shot(page, "audit_exports", "sample_zh")

    sample_csv = _download(page, "sample-csv")
    assert sample_csv.decode("utf-8-sig").startswith("分层,实例,")
    assert _recorded(page, live_server, sample_csv)[0]["seed"] == seed

    page.goto(f"{live_server}/audit/samples?draw=1&size=2&method=process&seed={seed}")
    assert page.locator("#sample-list tbody tr").all_inner_texts() == drawn  # the same seed, the same sample

    page.get_by_role("button", name="English").click()
    page.wait_for_selector("#sample-list")
    assert page.locator("h1").inner_text() == "Audit samples"
    assert "Sample of 2 from a population of 6" in page.inner_text("#sample-summary")
    shot(page, "audit_exports", "sample_en")
    page.get_by_role("button", name="中文").click()
    page.wait_for_selector("#sample-list")
    assert person.errors == []
