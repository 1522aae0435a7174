"""The returns and advances reports in chromium, with a saved view: the
director filters the returns report and saves the view for the regional
managers; rm_east finds it on /reports/ and opens the filtered page, which
shows only 华东's figures; the advances page's XLSX opens with openpyxl and
carries the page's total. Pictures in Chinese and English, desktop and a
375 px phone, go to test-artifacts/reports/."""
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.extensions import db
from tests.support.report_documents import act, customer_of, returned, sold
from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import shot, sign_in
from tests.web.untranslated import master_data_values, untranslated

PHONE = {"width": 375, "height": 812}
_WIDE = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture(scope="module")
def documents(live_app):
    """Returns in November (华东 quality and wrong goods, 华南 quality) and three open advances, committed."""
    with live_app.app_context():
        east, south = customer_of("rep_east1"), customer_of("rep_south1")
        first = sold(east, [("PCF001", 10), ("VGT001", 4)], "2026-11-03")
        returned(first, 2, "2026-11-10", "quality_defect")
        returned(first, 1, "2026-11-20", "wrong_goods", line_no=2)
        returned(sold(south, [("PMS001", 5)], "2026-11-04"), 1, "2026-11-14", "quality_defect")
        act("ledger.pay_advance", employee="rep_east1", amount="5000", purpose="展会推广", date="2026-08-01")
        act("ledger.pay_advance", employee="rep_east2", amount="800", purpose="客户拜访", date="2026-10-20")
        act("ledger.pay_advance", employee="rep_south1", amount="2000", purpose="区域推广", date="2026-11-15")
        db.session.commit()
        known = master_data_values() | {"展会推广", "客户拜访", "区域推广", "十一月质量退货"}  # what people typed
        db.session.remove()
    return known


def _returns_listed(page) -> list[str]:
    return page.locator("#return-list tbody tr").all_inner_texts()


def test_a_view_saved_by_the_director_opens_for_a_regional_manager_within_their_region(person, live_server, documents):
    director = person("director")
    director.goto(live_server + "/reports/returns")
    director.get_by_label("起始月份").fill("2026-11")
    director.get_by_label("截止月份").fill("2026-11")
    director.locator("select[name=reason]").select_option("quality_defect")
    with director.expect_navigation():
        director.get_by_role("button", name="显示").click()
    assert "reason=quality_defect" in director.url
    assert len(_returns_listed(director)) == 2 and all("质量问题" in row for row in _returns_listed(director))
    director.locator(".chart svg").first.wait_for()
    shot(director, "reports", "returns-director-zh")
    director.locator("details.saved-views summary").click()
    director.get_by_label("视图名称").fill("十一月质量退货")
    director.get_by_label("共享给").select_option("role")
    director.locator("select[name=share_role]").select_option("regional_manager")
    with director.expect_navigation():
        director.get_by_role("button", name="保存此视图").click()
    assert director.locator(".saved-view-list").get_by_role("link", name="十一月质量退货").is_visible()

    manager = person("rm_east")
    manager.goto(live_server + "/reports/")
    shot(manager, "reports", "home-rm-east-zh")
    with manager.expect_navigation():
        manager.get_by_role("link", name="十一月质量退货").click()
    assert "reason=quality_defect" in manager.url and "from=2026-11" in manager.url
    rows = _returns_listed(manager)
    assert len(rows) == 1 and "浙江泵阀总经销有限公司" in rows[0]  # the 华南 return is not theirs to read
    assert manager.locator("select[name=reason]").input_value() == "quality_defect"
    shot(manager, "reports", "returns-rm-east-view-zh")


def test_the_advances_page_and_its_xlsx(person, live_server, documents, tmp_path):
    director = person("director")
    director.goto(live_server + "/reports/advances?as_of=2026-11-30")
    assert director.locator("#advance-list tbody tr").count() == 3
    footer = director.locator("table.figures tfoot").first.inner_text()
    assert "¥7,800.00" in footer
    shot(director, "reports", "advances-director-zh")
    with director.expect_download() as caught:
        director.get_by_role("link", name="下载 XLSX").click()
    target = tmp_path / "advances.xlsx"
    caught.value.save_as(target)
    workbook = load_workbook(target)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    outstanding = rows[0].index("未还余额")
    assert sum(Decimal(str(row[outstanding])) for row in rows[1:]) == Decimal("7800.00")
    assert workbook.worksheets[1]["B1"].value == "借支余额"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_report_pages_on_a_phone_and_in_english(browser, live_server, documents, language):
    for screen, tag in ((PHONE, "phone"), (None, "desktop")):
        page = sign_in(browser, live_server, "rm_east", language=language, viewport=screen, phone=screen is PHONE)
        for url, name in (("/reports/returns?from=2026-11&to=2026-11", "returns"),
                          ("/reports/advances?as_of=2026-11-30", "advances"), ("/reports/", "home")):
            page.goto(live_server + url)
            if screen is PHONE:
                assert page.evaluate(_WIDE) <= 1, f"{url} is wider than the phone"
            if language == "en":
                assert untranslated(page, "main", documents) == [], url
            shot(page, "reports", f"{name}-rm-east-{language}-{tag}")
        page.context.close()
