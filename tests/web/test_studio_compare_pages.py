"""The studio's compare page (two real versions, the changed properties,
the instances waiting on a changed step, links from the list and the
modeler) and restoring a discarded draft from the pages, for process admins;
auditors read; everyone else gets the 403 page."""
import json
import re

from app.extensions import db
from app.services import studio
from app.models import User
from tests.support.studio_versions import TRAVEL, deploy_v2, travel_v2


def _data(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="compare-data">(.*?)</script>', html, re.S).group(1))


def test_compare_two_versions_with_properties_and_waiting_instances(web, sales):
    for number in range(2):
        sales.start("travel_request", {"purpose": "拜访客户", "reason": "验收", "destination": "上海",
                                       "start_date": "2026-12-01", "end_date": "2026-12-02", "transport": "火车",
                                       "estimated_cost": 800}, "rep_east1", business_key=f"TR-{number}")
    deploy_v2()
    html = web("process_admin").page("/studio/processes/travel_request/compare?a=1&b=2")
    assert "v1 → v2" in html and "生产中" in html and "vendor/studio/compare.js" in html
    data = _data(html)
    assert data["xml"]["a"] == TRAVEL and data["xml"]["b"] == travel_v2()
    assert data["added"] == ["Task_AmendRequest"] and data["removed"] == ["Task_ReviseRequest"]
    assert data["layout"] == ["Gateway_Applicable"] and data["waiting"]["a"] == {"Task_ManagerApproval": 2}
    row = re.search(r'<tr data-element-id="Task_ManagerApproval">(.*?)</tr>', html, re.S).group(1)
    assert "v1: 2" in row and "直接主管审批" in row and "直接主管审核" in row
    assert "property:shows" in html and "仅移动（布局变化，行为不变）" in html
    assert "<script>" not in data["xml"]["a"]  # the diagrams travel as JSON text, never as markup
    assert 'href="/studio/processes/travel_request/compare"' in web("process_admin").page("/studio/")
    assert 'href="/studio/processes/travel_request/compare"' in web("process_admin").page("/studio/processes/travel_request")
    auditor = web("auditor").page("/studio/processes/travel_request/compare?a=2&b=1")
    assert _data(auditor)["added"] == ["Task_ReviseRequest"]


def test_bad_sides_and_strangers(web):
    admin = web("process_admin")
    assert admin.get("/studio/processes/travel_request/compare?a=zz").status_code == 422
    assert admin.get("/studio/processes/travel_request/compare?a=1&b=5").status_code == 404
    assert admin.get("/studio/processes/travel_request/compare?b=draft").status_code == 404
    for url in ("/studio/processes/travel_request/compare", "/studio/processes/travel_request/compare?a=1&b=1"):
        response = web("rep_east1").get(url)
        assert response.status_code == 403 and "<html" in response.get_data(as_text=True)


def test_restore_a_discarded_draft_from_the_pages(web):
    admin_user = db.session.query(User).filter_by(username="process_admin").one()
    studio.save_draft("travel_request", TRAVEL.replace("总经理审批", "总经理批准"), 0, admin_user)
    studio.discard_draft("travel_request", admin_user)
    listing = web("process_admin").page("/studio/")
    row = re.search(r'<tr id="process-travel_request">(.*?)</tr>', listing, re.S).group(1)
    assert "恢复草稿" in row and "放弃" in row
    modeler = web("process_admin").page("/studio/processes/travel_request")
    action = re.search(r'action="(/studio/processes/travel_request/discarded/\d+/restore)"', modeler).group(1)
    auditor_page = web("auditor").page("/studio/processes/travel_request")
    assert "已放弃的草稿" in auditor_page and "恢复草稿" not in auditor_page
    assert web("auditor").post(action, token_from="/studio/").status_code == 403
    studio.save_draft("travel_request", TRAVEL, 0, admin_user)  # someone has a draft now: refused, theirs kept
    refused = web("process_admin").post(action, token_from="/studio/", follow_redirects=True)
    assert "该流程现在已有草稿" in refused.get_data(as_text=True)
    assert studio.get_draft("travel_request", admin_user).xml == TRAVEL
    studio.discard_draft("travel_request", admin_user)
    restored = web("process_admin").post(action, token_from="/studio/", follow_redirects=True)
    assert "已放弃的草稿已恢复为当前草稿" in restored.get_data(as_text=True)
    assert "总经理批准" in studio.get_draft("travel_request", admin_user).xml
