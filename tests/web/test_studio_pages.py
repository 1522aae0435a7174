"""The studio's pages: the process list and the modeler page, for process
admins and (read only) auditors; the 403 page for everyone else; the page's
own session may call /api/v1/studio/ only with its CSRF token on writes."""
import re

from app.extensions import db
from app.services.deployment import REPO_ROOT
from tests.support.logins import forget_request_caches

TRAVEL = (REPO_ROOT / "processes" / "travel_request.bpmn").read_text(encoding="utf-8")


def _csrf(html: str) -> str:
    return re.search(r'data-csrf="([^"]+)"', html).group(1)


def test_the_process_list_shows_versions_deployers_and_running_instances(web, sales):
    sales.start("travel_request", {"purpose": "拜访客户", "reason": "验收", "destination": "上海",
                                   "start_date": "2026-12-01", "end_date": "2026-12-02", "transport": "火车",
                                   "estimated_cost": 800}, "rep_east1")
    db.session.commit()
    html = web("process_admin").page("/studio/")
    row = re.search(r'<tr id="process-travel_request">(.*?)</tr>', html, re.S).group(1)
    assert "出差申请" in row and "v1" in row and "1 个运行中" in row
    assert 'href="/studio/processes/travel_request"' in row
    assert 'id="process-dealer_onboarding"' in html
    assert "0 个运行中" in re.search(r'<tr id="process-dealer_onboarding">(.*?)</tr>', html, re.S).group(1)


def test_the_modeler_page_for_an_admin_and_for_an_auditor(web):
    admin = web("process_admin").page("/studio/processes/travel_request")
    assert 'data-editable="true"' in admin and "vendor/studio/studio.js" in admin
    assert 'data-draft-revision="0"' in admin
    auditor = web("auditor").page("/studio/processes/travel_request")
    assert 'data-editable="false"' in auditor and "放弃草稿" not in auditor
    xml = web("auditor").get("/studio/processes/travel_request/diagram.bpmn")
    assert xml.status_code == 200 and xml.get_data(as_text=True) == TRAVEL
    assert web("process_admin").get("/studio/processes/no_such_key").status_code == 404


def test_everyone_else_gets_the_403_page(web):
    for url in ("/studio/", "/studio/processes/travel_request", "/studio/processes/travel_request/diagram.bpmn"):
        response = web("rep_east1").get(url)
        assert response.status_code == 403, url
        assert "<html" in response.get_data(as_text=True)


def test_the_page_session_saves_a_draft_only_with_its_csrf_token(web):
    admin = web("process_admin")
    token = _csrf(admin.page("/studio/processes/travel_request"))
    forget_request_caches()
    bare = admin.client.put("/api/v1/studio/drafts/travel_request", json={"xml": TRAVEL, "revision": 0})
    assert bare.status_code == 403 and bare.get_json()["error"]["code"] == "csrf"
    forget_request_caches()
    saved = admin.client.put("/api/v1/studio/drafts/travel_request", json={"xml": TRAVEL, "revision": 0},
                             headers={"X-CSRFToken": token})
    assert saved.status_code == 200, saved.get_json()
    page = admin.page("/studio/processes/travel_request")
    assert 'data-draft-revision="1"' in page and "草稿，基于 v1" in page and "放弃草稿" in page
    assert "草稿，基于 v1" in admin.page("/studio/")
    forget_request_caches()
    assert admin.client.get("/api/v1/studio/choices").status_code == 200
    forget_request_caches()
    rep = web("rep_east1")
    forget_request_caches()
    assert rep.client.get("/api/v1/studio/choices").status_code == 403
    forget_request_caches()
    anonymous = admin.client.application.test_client().get("/api/v1/studio/choices")
    assert anonymous.status_code == 401
