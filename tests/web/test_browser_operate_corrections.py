"""In chromium: a process admin asks to correct a field of a running travel
request; it does not apply; a second process admin approves it and it
applies; the auditor's replay shows the admin action with before and after,
in Chinese and in English."""
import re

import pytest

from app.extensions import db
from app.services.accounts import find_user
from tests.support.flow_driver import FlowDriver
from tests.support.samples import TRIP
from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, shot


@pytest.fixture(scope="module")
def trip(live_app):
    with live_app.app_context():
        instance_id = FlowDriver(find_user).start("travel_request", TRIP, "rep_east1", business_key="TR-COR").id
        db.session.remove()
    return instance_id


def _value(page, field: str) -> str:
    return page.locator(f'table.instance-data tr[data-field="{field}"] td.value').inner_text()


def test_a_data_correction_applies_only_after_a_second_admin_approves(person, live_server, trip):
    before = str(TRIP["estimated_cost"])
    admin = person("process_admin")
    admin.goto(live_server + f"/operate/instances/{trip}")
    assert admin.locator("h1").inner_text().startswith("出差申请")
    form = admin.locator("#form-data")
    form.get_by_label("字段").select_option("estimated_cost")
    form.get_by_label("新值").fill("1800")
    form.get_by_label("原因").fill("预计费用录入有误，按审批单更正")
    form.get_by_role("button", name="更正数据").click()
    admin.wait_for_url(live_server + f"/operate/instances/{trip}")
    assert "更正等待另一位流程管理员批准" in admin.inner_text("main")
    assert _value(admin, "estimated_cost") == before  # not applied without the second approval
    row = admin.locator("table.correction-requests tbody tr").first
    assert "等待审批" in row.inner_text() and "由另一位流程管理员批准" in row.inner_text()
    assert row.get_by_role("button", name="批准并执行").count() == 0  # never one's own
    shot(admin, "cor", "01-requested-zh")

    second = person("process_admin2")
    second.goto(live_server + "/operate/corrections")
    assert second.locator("h1").inner_text() == "更正"
    pending = second.locator("table.correction-requests tbody tr").first
    assert "预计费用录入有误" in pending.inner_text() and "estimated_cost" in pending.inner_text()
    shot(second, "cor", "02-pending-zh")
    pending.get_by_role("button", name="批准并执行").click()
    second.wait_for_url(live_server + "/operate/corrections")
    assert "更正已生效" in second.inner_text("main")
    second.goto(live_server + f"/operate/instances/{trip}")
    assert _value(second, "estimated_cost") in ("1800", "1800.00")
    second.get_by_role("button", name="English").click()
    second.wait_for_load_state()
    assert "Correct data" in second.inner_text("main") and "Applied" in second.inner_text("table.correction-requests")
    shot(second, "cor", "03-applied-en")
    second.get_by_role("button", name="中文").click()
    second.wait_for_load_state()

    auditor = person("auditor")
    auditor.goto(live_server + f"/audit/instances/{trip}/replay")
    auditor.get_by_role("link", name=re.compile("管理员更正数据")).click()
    auditor.wait_for_selector('section.moment[data-kind="data_corrected"]')  # the page swaps the moment in
    moment = auditor.inner_text("section.moment")
    assert "管理员操作" in moment and "何运维" in moment and "预计费用录入有误" in moment
    assert auditor.locator("dd.before-after .before").inner_text() == before
    assert auditor.locator("dd.before-after .after").inner_text() in ("1800", "1800.00")
    shot(auditor, "cor", "04-replay-zh")
    auditor.get_by_role("button", name="English").click()
    auditor.wait_for_load_state()
    auditor.wait_for_selector('section.moment[data-kind="data_corrected"]')
    assert "Data corrected by an admin" in auditor.inner_text("section.moment")
    assert "Before → after" in auditor.inner_text("section.moment")
    shot(auditor, "cor", "05-replay-en")
    auditor.get_by_role("button", name="中文").click()
    auditor.wait_for_load_state()
    assert not person.errors, person.errors
