"""The studio's publish pages: the modeler's publish button and dialog for
process admins only, the change note on the process list, and the publish
requests page where a second admin (never the requester) approves or
rejects; auditors look, everyone else gets the 403 page."""
import re

import pytest

from app.extensions import db
from app.models import ProcessDefinition
from app.services import studio, studio_publish
from app.models import User
from tests.support.logins import DEMO_PASSWORD, WebUser
from tests.support.studio_publish import travel_with_desk

KEY = "travel_request"


def _user(name):
    return db.session.scalar(db.select(User).where(User.username == name))


@pytest.fixture
def approval(app):
    app.config["STUDIO_PUBLISH_APPROVAL"] = True
    yield
    app.config["STUDIO_PUBLISH_APPROVAL"] = False


def test_the_publish_dialog_is_for_process_admins_only(web):
    admin = web("process_admin").page(f"/studio/processes/{KEY}")
    assert 'id="studio-publish"' in admin and 'id="studio-publish-dialog"' in admin and "变更说明" in admin
    assert 'id="studio-publish"' not in web("auditor").page(f"/studio/processes/{KEY}")


def test_the_process_list_shows_each_versions_change_note(web):
    studio.save_draft(KEY, travel_with_desk(), 0, _user("process_admin"))
    studio_publish.publish_draft(KEY, "加差旅预订步骤", _user("process_admin"))
    html = web("auditor").page("/studio/")
    row = re.search(r'<tr id="process-travel_request">(.*?)</tr>', html, re.S).group(1)
    assert "v2" in row and '<q class="change-note">加差旅预订步骤</q>' in row
    assert 'href="/studio/publish-requests"' in html


def test_a_second_admin_approves_on_the_requests_page_never_the_requester(app, web, create_user, approval):
    create_user("admin2", roles=["process_admin"], password=DEMO_PASSWORD)
    studio.save_draft(KEY, travel_with_desk(), 0, _user("process_admin"))
    request_id = studio_publish.publish_draft(KEY, "加差旅预订步骤", _user("process_admin")).request.id
    page = "/studio/publish-requests"
    own = web("process_admin").post(f"{page}/{request_id}/approve", token_from=page, follow_redirects=True)
    assert "申请人不能自己审批" in own.get_data(as_text=True)
    assert db.session.get(studio_publish.StudioPublishRequest, request_id).status == "pending"
    listed = web("auditor").page(page)
    assert "等待审批" in listed and "批准并发布" not in listed
    second = WebUser(app, "admin2")
    done = second.post(f"{page}/{request_id}/approve", token_from=page, follow_redirects=True)
    assert "已发布 travel_request v2" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(db.select(ProcessDefinition.version).where(ProcessDefinition.key == KEY)
                             .order_by(ProcessDefinition.version.desc()).limit(1)) == 2
    assert "admin2 已批准：v2" in second.page(page)


def test_a_rejection_needs_a_reason_and_auditors_and_reps_are_refused(app, web, create_user, approval):
    create_user("admin2", roles=["process_admin"], password=DEMO_PASSWORD)
    studio.save_draft(KEY, travel_with_desk(), 0, _user("process_admin"))
    request_id = studio_publish.publish_draft(KEY, "加差旅预订步骤", _user("process_admin")).request.id
    page = "/studio/publish-requests"
    assert web("rep_east1").get(page).status_code == 403
    assert web("auditor").post(f"{page}/{request_id}/approve", token_from=page).status_code == 403
    second = WebUser(app, "admin2")
    empty = second.post(f"{page}/{request_id}/reject", {"reason": " "}, token_from=page, follow_redirects=True)
    assert "请说明驳回发布的原因" in empty.get_data(as_text=True)
    rejected = second.post(f"{page}/{request_id}/reject", {"reason": "先跑场景"}, token_from=page,
                           follow_redirects=True).get_data(as_text=True)
    assert "已驳回" in rejected and "先跑场景" in rejected
