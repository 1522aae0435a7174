"""In the browser: v1 and v2 of travel_request compared side by side, the
steps coloured (added green on v2, removed red on v1, changed amber, moved
only dashed) with the requests still waiting on a changed step; then two
analysts on one draft see each other, and the one whose save came second
gets a banner, keeps a download of their diagram and loads the other's.
Pictures go to test-artifacts/studio-compare/ and, when STUDIO_SHOTS names a
folder, there too."""
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import StudioDraft, User
from tests.support.logins import DEMO_PASSWORD
from tests.support.samples import TRIP
from tests.support.studio_versions import deploy_v2
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock


def _picture(page, name):
    shot(page, "studio-compare", name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / "studio-compare" / f"{name}.png", os.environ["STUDIO_SHOTS"])


def _marked(page, side, element_id, marker):
    return page.locator(f'#compare-canvas-{side} .djs-element.{marker}[data-element-id="{element_id}"]').count() == 1


def _viewbox(page, index):
    return page.evaluate("i => { const v = window.lanesCompare.viewers[i].get('canvas').viewbox();"
                         " return [Math.round(v.x), Math.round(v.y), Math.round(v.width)]; }", index)


def test_compare_v1_and_v2_coloured_with_waiting_requests(person, live_server, live_app):
    from app.services import instances

    with live_app.app_context():
        rep = db.session.query(User).filter_by(username="rep_east1").one()
        for number in range(2):
            instances.start_instance("travel_request", TRIP, rep, business_key=f"TR-C{number}")
        deploy_v2()
        db.session.remove()
    page = person("process_admin")
    page.goto(live_server + "/studio/")
    page.locator("#process-travel_request").get_by_role("link", name="比较").click()
    page.wait_for_selector("#compare[data-ready='true']")
    assert "v1 → v2" in page.locator("h1").inner_text()
    assert _marked(page, "b", "Task_AmendRequest", "compare-added")
    assert _marked(page, "a", "Task_ReviseRequest", "compare-removed")
    assert _marked(page, "a", "Task_ManagerApproval", "compare-changed")
    assert _marked(page, "b", "Task_GMApproval", "compare-changed")  # an extension property only
    assert _marked(page, "b", "Flow_ToGMApproval", "compare-changed")
    assert _marked(page, "b", "Gateway_Applicable", "compare-layout")
    assert not _marked(page, "b", "Task_CheckTraveller", "compare-changed")
    badge = page.locator('#compare-canvas-a .compare-waiting')
    assert badge.count() == 1 and badge.inner_text() == "2"
    assert page.locator('#compare-canvas-b .compare-waiting').count() == 0
    stroke = page.evaluate("""() => getComputedStyle(document.querySelector(
        '#compare-canvas-b [data-element-id="Task_AmendRequest"] .djs-visual > :first-child')).stroke""")
    assert stroke == "rgb(18, 128, 92)"
    # Zooming one diagram zooms the other.
    page.evaluate("() => window.lanesCompare.viewers[0].get('canvas').zoom(1.3)")
    assert _viewbox(page, 0) == _viewbox(page, 1)
    page.evaluate("() => window.lanesCompare.viewers[1].get('canvas').scroll({dx: -120, dy: 40})")
    assert _viewbox(page, 0) == _viewbox(page, 1)
    page.evaluate("() => window.lanesCompare.viewers[0].get('canvas').zoom('fit-viewport')")
    row = page.locator('#changed tr[data-element-id="Task_ManagerApproval"]')
    assert "v1: 2" in row.inner_text() and "直接主管审核" in row.inner_text()
    _picture(page, "compare-zh")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_selector("#compare[data-ready='true']")
    assert "in production" in page.locator(".compare-view").nth(1).inner_text()
    _picture(page, "compare-en")
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []


def _rename(page, element_id, name):
    page.evaluate("([id, name]) => { const m = window.lanesStudio;"
                  " m.get('modeling').updateLabel(m.get('elementRegistry').get(id), name); }", [element_id, name])


def _revision(app):
    with app.app_context():
        revision = db.session.scalar(select(StudioDraft.revision).where(StudioDraft.process_key == "travel_request"))
        db.session.remove()
    return revision


def _wait_for_revision(page, app, revision):
    for _ in range(120):  # autosave waits a second after the last change
        if _revision(app) == revision:
            break
        page.wait_for_timeout(250)
    assert _revision(app) == revision


def _open(page, url):
    page.goto(url)
    page.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')


def test_two_analysts_see_each_other_and_the_second_save_gets_a_banner(person, live_server, live_app):
    from app.services import accounts

    with live_app.app_context():
        accounts.create_user("wang_analyst", DEMO_PASSWORD, roles=["process_admin"], display_name="王分析师")
        db.session.commit()
        db.session.remove()
    url = live_server + "/studio/processes/travel_request"
    fang, wang = person("process_admin"), person("wang_analyst")
    _open(fang, url)
    _open(wang, url)
    presence = wang.locator("#studio-presence")
    presence.wait_for()
    assert presence.inner_text() == "方流程管理员 也在编辑"
    fang.locator("#studio-presence").wait_for(timeout=25000)  # the next heartbeat, within 15 s
    assert fang.locator("#studio-presence").inner_text() == "王分析师 也在编辑"

    _rename(fang, "Task_GMApproval", "总经理审批（方）")
    fang.wait_for_function("() => document.getElementById('studio-save-state').textContent === '草稿已保存'")
    _rename(wang, "Task_GMApproval", "总经理审批（王）")  # started from no draft: refused, not overwritten
    banner = wang.locator("#studio-conflict")
    banner.wait_for()
    assert "process_admin 在此期间保存了草稿（修订 1）" in banner.inner_text()
    download = wang.locator("#studio-conflict-download")
    assert download.get_attribute("href").startswith("blob:")
    with wang.expect_download() as kept:
        download.click()
    assert "总经理审批（王）" in Path(kept.value.path()).read_text(encoding="utf-8")
    _picture(wang, "conflict-zh")
    wang.get_by_role("button", name="载入对方版本").click()
    banner.wait_for(state="hidden")
    assert wang.evaluate("() => window.lanesStudio.get('elementRegistry').get('Task_GMApproval')"
                         ".businessObject.name") == "总经理审批（方）"
    _rename(wang, "Task_GMApproval", "总经理审批（王）")  # autosaving again, from revision 1
    _wait_for_revision(wang, live_app, 2)
    with wang.expect_navigation():
        wang.get_by_role("button", name="English").click()
    wang.wait_for_selector("#studio-presence:not([hidden])")
    assert wang.locator("#studio-presence").inner_text() == "方流程管理员 is also editing"
    _rename(fang, "Task_GMApproval", "GM (Fang)")  # fang is now the stale one
    fang.locator("#studio-conflict").wait_for()
    _rename(wang, "Task_GMApproval", "GM (Wang)")
    _wait_for_revision(wang, live_app, 3)
    _picture(wang, "presence-en")
    with wang.expect_navigation():
        wang.get_by_role("button", name="中文").click()
    # Discarded, then restored from the modeler: the work comes back.
    wang.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')
    wang.once("dialog", lambda dialog: dialog.accept())
    with wang.expect_navigation():
        wang.get_by_role("button", name="放弃草稿").click()
    kept = wang.locator(".studio-discarded li").first
    kept.wait_for()
    assert "王分析师 于" in kept.inner_text() and "修订 3" in kept.inner_text()
    wang.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')
    assert wang.get_by_role("button", name="放弃草稿").is_hidden()
    _picture(wang, "restore-zh")
    with wang.expect_navigation():
        kept.get_by_role("button", name="恢复草稿").click()
    wang.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')
    assert "已放弃的草稿已恢复为当前草稿" in wang.locator(".flash").inner_text()
    assert wang.evaluate("() => window.lanesStudio.get('elementRegistry').get('Task_GMApproval')"
                         ".businessObject.name") == "GM (Wang)"
    assert person.errors == []
