"""The re-execution answer in chromium, as an auditor sees it after pressing
the button (the replay page posts the same form): VERIFIED for an untouched
travel request, DIVERGED naming the event for one whose stored data was
changed; in Chinese and in English. Screenshots in test-artifacts/reexec/."""
from sqlalchemy import update

from app.extensions import db
from app.models import ProcessInstance
from app.services import accounts
from tests.support.flow_driver import FlowDriver
from tests.web.browser_driving import browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)
TRIP = {"purpose": "拜访华东客户", "reason": "客户提出现场需求", "destination": "上海", "start_date": "2026-12-01",
        "end_date": "2026-12-03", "transport": "火车", "estimated_cost": 2500}


def _press(page, base, instance_id):
    """Post the re-execution form with the page's CSRF token, as the button does."""
    page.goto(base + "/")
    page.evaluate("""(url) => {
        const form = document.createElement('form');
        form.method = 'post'; form.action = url;
        const token = document.querySelector('input[name=csrf_token]').cloneNode();
        form.appendChild(token); document.body.appendChild(form); form.submit();
    }""", f"/audit/instances/{instance_id}/reexecute")
    page.wait_for_selector(".reexecution")


def _shot(page, name):
    shot(page, "reexec", name)


def test_an_auditor_sees_verified_and_diverged(live_app, live_server, person):
    with live_app.app_context():
        flow = FlowDriver(accounts.find_user)
        kept = flow.start("travel_request", TRIP, "rep_east1")
        flow.approve(kept, "Task_ManagerApproval", "rm_east")
        forged = flow.start("travel_request", {**TRIP, "destination": "杭州"}, "rep_east2")
        kept_id, forged_id = kept.id, forged.id
        db.session.execute(update(ProcessInstance).where(ProcessInstance.id == forged_id)
                           .values(data={**forged.data, "estimated_cost": 25}))
        db.session.commit()
        db.session.remove()
    page = person("auditor")
    _press(page, live_server, kept_id)
    assert page.locator(".reexecution").get_attribute("data-status") == "VERIFIED"
    assert "已验证" in page.inner_text(".reexecution")
    _shot(page, "verified-zh")
    _press(page, live_server, forged_id)
    verdict = page.locator(".reexecution")
    assert verdict.get_attribute("data-status") == "DIVERGED" and verdict.get_attribute("data-seq")
    assert "不一致" in page.inner_text(".reexecution") and "estimated_cost" in page.inner_text(".reexecution")
    _shot(page, "diverged-zh")
    page.get_by_role("button", name="English").click()
    _press(page, live_server, forged_id)
    assert "DIVERGED at event" in page.inner_text(".reexecution")
    _shot(page, "diverged-en")
    assert not person.errors
