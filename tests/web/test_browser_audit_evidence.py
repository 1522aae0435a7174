"""In the browser: a process admin signs a checkpoint on the checkpoints
page; the auditor sees it named on the instance page and opens the evidence
pack (screen and print), in Chinese and in English; pictured for review."""
from playwright.sync_api import expect

from tests.web.browser_driving import (browser, live_app, live_server, person, shot,  # noqa: F401  (fixtures)
                                       world)

TRIP = {"purpose": "培训", "reason": "客户提出现场需求", "destination": "北京", "start_date": "2026-12-01", "end_date": "2026-12-02",
        "transport": "火车", "estimated_cost": 900}


def _english(page):
    page.locator("form.lang button[value=en]").click()
    page.wait_for_load_state()


def _chinese(page):
    page.locator("form.lang button[value=zh_CN]").click()
    page.wait_for_load_state()


def test_checkpoint_then_evidence_pack(world, person, live_server):
    instance = world.start("travel_request", TRIP, "rep_north1", business_key="TR-AUDIT-1")
    world.approve(instance, "Task_ManagerApproval", "rm_north")
    world.approve(instance, "Task_DepartmentHeadApproval", "director")

    auditor = person("auditor")
    auditor.goto(f"{live_server}/instances/{instance.id}")
    assert "尚未被签名检查点覆盖" in auditor.locator("section.tamper").inner_text()

    admin = person("process_admin")
    admin.goto(f"{live_server}/audit/checkpoints")
    admin.get_by_role("button", name="立即生成检查点").click()
    admin.wait_for_url(f"{live_server}/audit/checkpoints")
    assert "已签名" in admin.locator("main").inner_text()
    shot(admin, "seal", "checkpoints_zh")
    _english(admin)
    assert "Make a checkpoint now" in admin.locator("main").inner_text()
    shot(admin, "seal", "checkpoints_en")
    _chinese(admin)

    auditor.goto(f"{live_server}/instances/{instance.id}")
    line = auditor.locator("section.tamper").inner_text()
    assert "覆盖此实例的最新检查点：#1" in line
    assert auditor.locator("ol.timeline a", has_text="任务 #").count() >= 4
    shot(auditor, "seal", "instance_checkpoint_line_zh")
    auditor.get_by_role("link", name="证据包", exact=True).click()
    auditor.wait_for_url(f"{live_server}/audit/instances/{instance.id}/evidence")
    # the pack is long: read it once its last section (the service calls) has arrived
    expect(auditor.locator("main")).to_contain_text("系统调用")
    main = auditor.locator("main").inner_text()
    for text in ("证据包", "签名检查点", "包含证明", "TR-AUDIT-1", "系统调用", "附件"):
        assert text in main, text
    shot(auditor, "seal", "evidence_zh")
    auditor.emulate_media(media="print")
    shot(auditor, "seal", "evidence_zh_print")
    auditor.emulate_media(media="screen")
    _english(auditor)
    assert "Inclusion proof" in auditor.locator("main").inner_text()
    shot(auditor, "seal", "evidence_en")
    _chinese(auditor)
    assert person.errors == []
