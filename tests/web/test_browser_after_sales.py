"""F20 in the browser: each after-sales task (triage, technical support,
the quality investigation, the order clerk's service order, the follow-up call) reads in English but for
data, walked along the real flow in chromium (pictures in
test-artifacts/english/after_sales-*; the Chinese pages are the every-task
walk's, test-artifacts/every-task/after_sales-*); and the sales service
manager opens the monthly service report from /reports/, downloads its
XLSX, whose case count is the page's, reads the month's warranty cost and
billable work, and reads it on a phone."""
import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.web.browser_driving import (browser, live_app, live_server, person, shot, sign_in,  # noqa: F401  (fixtures)
                                       world)
from tests.web.every_task_walks import after_sales
from tests.web.test_browser_english_forms import english  # noqa: F401  (a fixture)

TASKS = {"Task_Triage", "Task_TechSupport", "Task_QualityInvestigation", "Task_ConfirmServiceOrder", "Task_FollowUpCall"}


def test_every_after_sales_task_reads_in_english(world, english):
    after_sales(world)
    seen = {element for process, element in english.seen if process == "after_sales"}
    assert seen == TASKS
    left = {element: texts for (process, element), texts in english.seen.items() if texts}
    assert left == {}


def test_the_service_manager_reads_and_downloads_the_service_report(world, person, live_server, browser):
    after_sales(world)
    page = person("service_mgr")
    page.goto(live_server + "/reports/")
    page.get_by_role("link", name="售后服务月报").click()
    page.locator("input[name=from]").fill("2026-12")
    page.locator("input[name=to]").fill("2026-12")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url("**to=2026-12*")
    by_kind = page.locator("#service-by-kind tbody tr")
    expect(by_kind).to_have_count(1)
    assert "报修" in by_kind.first.inner_text()  # the walk's repair (a module's walks add up)
    by_month = page.locator("#service-by-month tbody tr")
    expect(by_month.filter(has_text="2026-12")).to_have_count(1)
    month, warranty, net, gross = by_month.filter(has_text="2026-12").inner_text().split("\t")
    assert float(gross) > 0 and float(gross) % 680 == 0  # the walk's billable work, 680 with VAT (a module's walks add up)
    shot(page, "report_service", "service_manager_zh")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 XLSX").click()
    with open(download.value.path(), "rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).worksheets[0].iter_rows(values_only=True))
    assert len(rows) - 1 == page.locator("#service-cases tbody tr").count() >= 1
    assert person.errors == []
    for language, viewport, name in (("en", None, "service_manager_en"), ("zh", {"width": 375, "height": 812}, "phone_zh")):
        errors: list = []
        phone = sign_in(browser, live_server, "service_mgr", language=language, viewport=viewport,
                        phone=viewport is not None, errors=errors)
        phone.goto(live_server + "/reports/service?from=2026-12&to=2026-12")
        if language == "en":
            assert "After-sales service report" in phone.locator("main").inner_text()
            assert "Billable revenue (net of VAT)" in phone.locator("#service-by-month").inner_text()
        shot(phone, "report_service", name)
        assert errors == []
        phone.context.close()


def test_the_salesperson_opens_the_return_start_the_case_prefilled(world, person, live_server):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import ServiceCase
    from app.services.service_case_notices import return_start_path

    after_sales(world)
    case = db.session.scalars(select(ServiceCase).order_by(ServiceCase.id.desc())).first()
    link = return_start_path(case)  # what the salesperson's notice links to
    page = person("rep_east1")
    page.goto(live_server + link)
    expect(page.locator("input[name=service_case]")).to_have_value(case.number)
    expect(page.locator("input[name=order_no]")).to_have_value(link.split("order_no=")[1])
    assert page.locator("select[name=kind]").input_value() == ""  # a choice stays the salesperson's
    shot(page, "report_service", "return_start_prefilled_zh")
    assert person.errors == []
