"""In the browser, as the process admin: the studio's "import from Camunda 7"
page with Camunda's invoice example (the report, the deploy check, no
draft), then a hand-made Camunda model that passes and opens as a draft in
the modeler, in Chinese and in English. Pictures go to
test-artifacts/studio-import/ and, when STUDIO_SHOTS names a folder, there too."""
import os
import shutil
from pathlib import Path

import pytest

from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "camunda7"


def _picture(page, name):
    shot(page, "studio-import", name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / "studio-import" / f"{name}.png", os.environ["STUDIO_SHOTS"])


def test_import_the_invoice_example_then_open_a_passing_import_as_a_draft(person, live_server):
    page = person("process_admin")
    page.goto(live_server + "/studio/")
    page.get_by_role("link", name="从 Camunda 7 导入").click()
    page.wait_for_url(live_server + "/studio/import")
    page.set_input_files("#import-bpmn", str(CORPUS / "invoice" / "invoice.v2.bpmn"))
    page.set_input_files("#import-dmn", str(CORPUS / "invoice" / "invoiceBusinessDecisions.dmn"))
    page.fill("#import-map", "accounting=finance\nTeam Assistant=sales_admin\nApprover=sales_director")
    with page.expect_navigation():
        page.get_by_role("button", name="导入", exact=True).click()
    assert page.locator("#import-no-draft").is_visible()
    report = page.locator("#import-report").inner_text()
    assert "ArchiveInvoiceService" in report and "taskListener" in report and "became 'clarified'" in report
    assert page.locator("#import-problems li").count() >= 3
    _picture(page, "invoice-report-zh")

    page.set_input_files("#import-bpmn", str(CORPUS / "handmade" / "leave_request.bpmn"))
    page.fill("#import-map", "staff=sales_rep\nStaff=sales_rep\nmanagers=regional_manager")
    with page.expect_navigation():
        page.get_by_role("button", name="导入", exact=True).click()
    assert page.locator("#import-draft").is_visible()
    _picture(page, "leave-passes-zh")
    page.get_by_role("link", name="打开草稿").click()
    page.wait_for_url(live_server + "/studio/import/drafts/leave_request")
    page.wait_for_selector('.djs-element[data-element-id="Task_Approve"]')
    page.wait_for_selector('.djs-element[data-element-id="Lane_regional_manager"]')
    page.wait_for_selector("#studio-problems[data-checked-revision='1']", state="attached")
    assert page.locator("#studio-problems li").count() == 0  # the forms came with the draft
    _picture(page, "leave-draft-zh")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_selector('.djs-element[data-element-id="Task_Approve"]')
    _picture(page, "leave-draft-en")
    page.goto(live_server + "/studio/import")
    assert "Import from Camunda 7" in page.locator("h1").inner_text()
    assert "leave_request" in page.locator("#imported-drafts").inner_text()
    _picture(page, "import-page-en")
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []
