"""In the browser: the account pages and what happens when a session ends.
The change-password page (a success and a refusal), the sign-in pause after
too many wrong passwords (429, when to retry, in Chinese), a form sent after
the session ended coming back filled in after signing in again, and a
refusal of the platform's bounds shown beside its field. Each is
photographed into test-artifacts/screenshots/."""
import re

import pytest

from tests.web.test_browser import (PASSWORD, TIMEOUT_MS, browser, live_server, person,  # noqa: F401  (fixtures)
                                    shot)

pytestmark = pytest.mark.real_clock
CLOCK_READING = re.compile(r"请在 \d\d:\d\d:\d\d 之后再试")


@pytest.fixture
def stranger(browser, live_server):
    """A page in its own browser context, signed in as nobody."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def _sign_in(page, username, password=PASSWORD):
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _fill_trip(page, reference):
    page.get_by_label("业务编号（选填）").fill(reference)
    page.get_by_label("出差目的").fill("年度合同续签")
    page.get_by_label("出差事由").fill("拜访华东区重点客户")
    page.get_by_label("出差地点").fill("上海")
    page.get_by_label("出发日期").fill("2026-12-10")
    page.get_by_label("返回日期").fill("2026-12-12")
    page.get_by_label("交通方式").select_option("火车")
    page.get_by_label("预计费用（元）").fill("1280.50")


def test_changing_the_password_and_a_refusal(person, live_server):
    page = person("rep_east2")
    page.get_by_role("link", name="修改密码").click()
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("12345678")
    page.get_by_label("再次输入新密码").fill("12345678")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_load_state()
    assert page.locator("#new_password-err").inner_text() == "不要使用连续的字符。"
    assert page.get_by_label("当前密码").input_value() == ""  # passwords are never sent back
    shot(page, "password-refused-zh")

    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Blue-kettle-42")
    page.get_by_label("再次输入新密码").fill("Blue-kettle-42")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(live_server + "/")
    assert "密码已修改" in page.inner_text(".flash")
    shot(page, "password-changed-zh")


def test_too_many_wrong_passwords_pause_signing_in(stranger, live_server):
    stranger.goto(live_server + "/login")
    for attempt in range(5):
        _sign_in(stranger, "finance", f"guess-{attempt:04d}")
        assert "用户名或密码错误" in stranger.inner_text("main")

    _sign_in(stranger, "finance")

    assert CLOCK_READING.search(stranger.inner_text("#password-err")), stranger.inner_text("main")
    assert "登录失败次数过多" in stranger.inner_text("main")
    assert stranger.locator("html").get_attribute("lang") == "zh-CN"
    shot(stranger, "sign-in-paused-zh")


def test_a_form_sent_after_the_session_ended_comes_back_after_signing_in(person, live_server):
    page = person("rep_east1")
    page.goto(live_server + "/start/travel_request")
    _fill_trip(page, "TR-KEPT")
    page.context.clear_cookies()  # the browser dropped the session while the form was open

    page.get_by_role("button", name="提交申请").click()

    page.wait_for_url(re.compile(r"/login\?next="))
    assert "会话已结束，请重新登录后继续；您填写的内容已保留。" in page.inner_text(".flash")
    shot(page, "session-ended-sign-in-zh")
    _sign_in(page, "rep_east1")
    page.wait_for_url(live_server + "/start/travel_request")
    assert "您填写的内容已恢复，尚未提交" in page.inner_text(".flash")
    assert page.get_by_label("出差事由").input_value() == "拜访华东区重点客户"
    assert page.get_by_label("业务编号（选填）").input_value() == "TR-KEPT"
    assert page.get_by_label("交通方式").input_value() == "火车"
    shot(page, "session-ended-form-back-zh")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/instances/\d+$"))
    assert "已提交" in page.inner_text(".flash")


def test_a_form_sent_after_signing_out_in_another_tab_comes_back(person, live_server):
    page = person("rep_south1")
    page.goto(live_server + "/start/travel_request")
    _fill_trip(page, "TR-OTHER-TAB")
    other_tab = page.context.new_page()
    other_tab.goto(live_server + "/")
    other_tab.get_by_role("button", name="退出").click()
    other_tab.wait_for_url(re.compile(r"/login"))
    other_tab.close()

    page.get_by_role("button", name="提交申请").click()

    page.wait_for_url(re.compile(r"/login\?next="))
    _sign_in(page, "rep_south1")
    page.wait_for_url(live_server + "/start/travel_request")
    assert page.get_by_label("业务编号（选填）").input_value() == "TR-OTHER-TAB"


def test_a_bound_refusal_is_shown_beside_its_field(person, live_server):
    page = person("rep_east1")
    page.goto(live_server + "/start/travel_request")
    _fill_trip(page, "TR-BOUNDS")
    page.get_by_label("出发日期").fill("2026-12-12")
    page.get_by_label("返回日期").fill("2026-12-10")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()

    assert page.locator("#f-end_date-err").inner_text() == "不能早于它之前的日期。"
    assert page.get_by_label("出差事由").input_value() == "拜访华东区重点客户"  # what was typed is kept
    shot(page, "bound-refusal-zh")


def test_an_error_page_speaks_chinese(stranger, live_server):
    response = stranger.goto(live_server + "/no/such/page")
    assert response.status == 404
    assert stranger.locator("h1").inner_text() == "404 · 页面不存在。"
    assert "请检查地址" in stranger.inner_text("main")
    shot(stranger, "not-found-zh")
