"""An analyst opens the process list, a version's heatmap (the diagram
shaded per step with the instances that passed it), clicks a step on the
diagram, reads its instances and reaches an instance's page; in Chinese
and English, on a desktop and a phone."""
import re

import pytest

from app.extensions import db
from app.services.accounts import find_user
from tests.support.flow_driver import FlowDriver
from tests.support.travel_claims import run_travel_claims
from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import shot, sign_in


@pytest.fixture(scope="module")
def claims(live_app):
    with live_app.app_context():
        run_travel_claims(FlowDriver(find_user), live_app.extensions["lanes_clock"])
        db.session.commit()
        db.session.remove()


def _open_heatmap(page, base, version_text):
    page.goto(base + "/reports/")
    page.locator("a[href='/reports/processes']").click()
    page.wait_for_url(base + "/reports/processes")
    page.locator("#process-versions tr[data-key='travel_claim'] a").click()
    page.wait_for_url(re.compile(r"/reports/processes/travel_claim/v\d+$"))
    page.wait_for_selector("#diagram[data-heat='2']")
    assert version_text in page.locator("h1").inner_text()


def test_an_analyst_clicks_a_step_on_the_heatmap_and_reaches_an_instance(person, live_server, claims):
    analyst = person("process_admin")
    _open_heatmap(analyst, live_server, "差旅费报销")
    badge = analyst.locator(".heat-count[data-step='Task_FinanceReview']")
    assert badge.inner_text() == "4"
    assert analyst.locator("#steps tr[data-step='Task_FinanceReview']").inner_text().split("\t")[1:3] == ["4", "1"]
    shot(analyst, "process-heatmap", "zh-desktop-heatmap")
    analyst.locator(".djs-element[data-element-id='Task_FinanceReview']").first.click()
    analyst.wait_for_url(re.compile(r"step=Task_FinanceReview"))
    rows = analyst.locator("#step-instances tbody tr")
    assert rows.count() == 5 and "BX-3" in rows.first.inner_text() and "超时" in rows.first.inner_text()
    analyst.wait_for_selector("#diagram[data-heat='2']")
    shot(analyst, "process-heatmap", "zh-desktop-step")
    rows.first.get_by_role("link").click()
    analyst.wait_for_url(re.compile(r"/instances/\d+$"))
    assert "BX-3" in analyst.locator("h1").inner_text()
    assert not person.errors


@pytest.mark.parametrize("language, phone", [("en", False), ("zh", True), ("en", True)])
def test_the_heatmap_reads_in_english_and_on_a_phone(browser, live_server, claims, language, phone):
    errors = []
    viewport = {"width": 390, "height": 844} if phone else None
    page = sign_in(browser, live_server, "process_admin", language=language, viewport=viewport, phone=phone,
                   errors=errors)
    try:
        _open_heatmap(page, live_server, "Travel expense claim" if language == "en" else "差旅费报销")
        link = page.locator("#steps tr[data-step='Task_FinanceReview'] a")
        page.goto(live_server + link.get_attribute("href"))  # on a phone the pannable diagram takes taps near it
        page.wait_for_url(re.compile(r"step=Task_FinanceReview"))
        page.wait_for_selector("#diagram[data-heat='2']")
        if language == "en":
            assert "Finance reviews claim" in page.locator("#steps").inner_text()
            assert "Late" in page.locator("#step-instances").inner_text()
        shot(page, "process-heatmap", f"{language}-{'phone' if phone else 'desktop'}-step")
        assert not errors
    finally:
        page.context.close()
