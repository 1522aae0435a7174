"""A form sent after its session ended is not lost: the person is sent to
the sign-in page, and after signing in the form's page shows what they
typed, not yet sent. Passwords and files are never kept; another site
cannot plant values; someone else signing in on that browser gets nothing."""
from urllib.parse import quote

from sqlalchemy import func, select

from app.extensions import db
from app.models import KeptForm, ProcessInstance
from app.services import sessions
from tests.support.flow_driver import ready_task_id
from tests.support.logins import DEMO_PASSWORD, csrf_token_from, forget_request_caches
from tests.web.forms import TRIP_FORM

START = "/start/travel_request"
THIS_SITE = {"Origin": "http://localhost"}


def _token(user, path):
    return csrf_token_from(user.page(path))


def _post(client, path, data, headers=None, **kwargs):
    forget_request_caches()
    return client.post(path, data=data, headers=headers or {}, **kwargs)


def _sign_in(client, username, next_path):
    """Through the sign-in page the refusal sent the person to."""
    forget_request_caches()
    url = "/login?next=" + quote(next_path, safe="")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    forget_request_caches()
    response = client.post(url, data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _page(client, path):
    forget_request_caches()
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _kept_rows():
    return db.session.scalar(select(func.count()).select_from(KeptForm))


def test_a_start_form_sent_after_the_session_ended_comes_back_after_signing_in(web, org):
    rep = web("rep_east1")
    token = _token(rep, START)
    sessions.end_sessions(org("rep_east1"))  # signed out in another tab

    refused = _post(rep.client, START, {**TRIP_FORM, "business_key": "TR-9", "csrf_token": token})

    assert refused.status_code == 303
    assert refused.headers["Location"] == "/login?next=%2Fstart%2Ftravel_request"
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
    assert "会话已结束，请重新登录后继续；您填写的内容已保留。" in _page(rep.client, refused.headers["Location"])
    assert _sign_in(rep.client, "rep_east1", START) == START
    page = _page(rep.client, START)
    assert "您填写的内容已恢复，尚未提交" in page
    assert ">拜访客户</textarea>" in page and 'value="TR-9"' in page and 'value="2026-12-10"' in page
    assert "拜访客户" not in _page(rep.client, START)  # given back once
    assert _kept_rows() == 0


def test_a_task_form_sent_after_the_browser_dropped_its_cookie_comes_back(app, web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    token = _token(web("rm_east"), f"/tasks/{task_id}")
    browser = app.test_client()  # the same browser, its session cookie gone

    refused = _post(browser, f"/tasks/{task_id}", {"comment": "请补充拜访计划", "decision": "reject",
                                                   "csrf_token": token}, THIS_SITE)

    assert refused.status_code == 303 and refused.headers["Location"].startswith("/login?next=")
    assert ready_task_id(trip, "Task_ManagerApproval") == task_id  # nothing was sent
    assert _sign_in(browser, "rm_east", f"/tasks/{task_id}") == f"/tasks/{task_id}"
    assert "请补充拜访计划</textarea>" in _page(browser, f"/tasks/{task_id}")


def test_a_form_posted_from_another_site_is_not_kept(app, web, trip):
    task_id = ready_task_id(trip, "Task_ManagerApproval")
    browser = app.test_client()
    for headers in ({}, {"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}):
        refused = _post(browser, f"/tasks/{task_id}", {"comment": "planted", "decision": "approve"}, headers)
        assert refused.status_code == 400
        assert "表单已过期" in refused.get_data(as_text=True)
    assert _kept_rows() == 0


def test_someone_else_signing_in_on_that_browser_gets_nothing(web, org):
    rep = web("rep_east1")
    token = _token(rep, START)
    sessions.end_sessions(org("rep_east1"))
    assert _post(rep.client, START, {**TRIP_FORM, "csrf_token": token}).status_code == 303

    _sign_in(rep.client, "rep_east2", START)

    assert "拜访客户" not in _page(rep.client, START)
    assert _kept_rows() == 0


def test_a_page_left_open_while_still_signed_in_comes_back_filled(web):
    rep = web("rep_east1")
    rep.page(START)

    refused = _post(rep.client, START, {**TRIP_FORM, "csrf_token": "expired-token"}, THIS_SITE)

    assert refused.status_code == 303 and refused.headers["Location"] == START
    page = _page(rep.client, START)
    assert "页面打开时间过长，未能提交。" in page and ">拜访客户</textarea>" in page
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_passwords_are_never_kept(web, org):
    rep = web("rep_east1")
    token = _token(rep, "/account/password")
    sessions.end_sessions(org("rep_east1"))

    refused = _post(rep.client, "/account/password", {"current_password": DEMO_PASSWORD, "new_password": "Blue-kettle-42",
                                                      "confirm": "Blue-kettle-42", "csrf_token": token})

    assert refused.status_code == 303
    assert "密码不会被保留" in _page(rep.client, refused.headers["Location"])
    assert _kept_rows() == 0


def test_files_are_not_kept_and_the_page_says_so(app, web, org):
    import io

    rep = web("rep_east1")
    token = _token(rep, "/start/dealer_onboarding")
    sessions.end_sessions(org("rep_east1"))

    refused = _post(rep.client, "/start/dealer_onboarding",
                    {"csrf_token": token, "business_key": "DL-1", "licence": (io.BytesIO(b"%PDF-1.4"), "licence.pdf")},
                    content_type="multipart/form-data")

    page = _page(rep.client, refused.headers["Location"])
    assert "附件不会被保留，请重新添加。" in page
    stored = db.session.scalars(select(KeptForm.fields)).all()
    assert len(stored) == 1 and "licence.pdf" not in stored[0] and "DL-1" in stored[0]


def test_kept_values_are_forgotten_after_an_hour(web, org, frozen_clock):
    rep = web("rep_east1")
    token = _token(rep, START)
    sessions.end_sessions(org("rep_east1"))
    _post(rep.client, START, {**TRIP_FORM, "csrf_token": token})
    frozen_clock.advance(hours=1, seconds=1)

    _sign_in(rep.client, "rep_east1", START)

    assert "拜访客户" not in _page(rep.client, START)
