"""Every error page speaks the reader's language: the CSRF refusal, 404,
405, 413, 429 and 500 render a readable page in Chinese by default and in
English for a reader who chose it, never the framework's English text;
under /api/ the same errors stay JSON."""
import pytest

from app.errors import TooManyAttempts

# The framework's English descriptions, which must not reach a page.
ENGLISH_DESCRIPTIONS = ("CSRF", "The requested URL", "The method is not allowed", "Request Entity Too Large",
                        "The data value transmitted exceeds", "Internal Server Error", "The server encountered",
                        "Too many failed sign-ins;")


def _boom():
    raise RuntimeError("a bug")


def _paused():
    raise TooManyAttempts(30)


def _request(app, client, monkeypatch, case):
    if case == "csrf":
        return client.post("/language", data={"locale": "en", "next": "/"})
    if case == "not_found":
        return client.get("/no/such/page")
    if case == "method":
        return client.get("/logout")
    if case == "too_large":
        monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
        return client.post("/login", data={"username": "ann", "password": "x" * (3 * 1024 * 1024)})
    if case == "paused":
        monkeypatch.setitem(app.view_functions, "web.catalogue", _paused)
        return client.get("/start")
    monkeypatch.setitem(app.view_functions, "web.catalogue", _boom)
    return client.get("/start")


CASES = [
    # case, status, Chinese, English
    ("csrf", 400, "表单已过期", "This form has expired."),
    ("not_found", 404, "页面不存在", "This page does not exist."),
    ("method", 405, "不能以这种方式打开此页面", "This page cannot be opened this way."),
    ("too_large", 413, "提交的内容过大", "What you sent is too large."),
    ("paused", 429, "请在 17:00:30 之后再试", "Please try again after 17:00:30."),
    ("internal", 500, "系统出错", "Something went wrong on our side"),
]


@pytest.mark.parametrize("case, status, chinese, english", CASES, ids=[c[0] for c in CASES])
def test_error_pages_are_in_chinese_by_default(app, client, monkeypatch, case, status, chinese, english):
    response = _request(app, client, monkeypatch, case)

    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and chinese in page
    assert not [text for text in ENGLISH_DESCRIPTIONS if text in page]
    assert english not in page


@pytest.mark.parametrize("case, status, chinese, english", CASES, ids=[c[0] for c in CASES])
def test_error_pages_are_in_english_for_an_english_reader(app, client, monkeypatch, case, status, chinese, english):
    with client.session_transaction() as session:
        session["locale"] = "en"

    response = _request(app, client, monkeypatch, case)

    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page and english in page and chinese not in page


def test_a_405_page_says_which_methods_the_address_takes(client):
    assert "POST" in client.get("/logout").headers["Allow"]


@pytest.mark.parametrize("method, path, status", [("get", "/api/v1/no/such/thing", 404),
                                                  ("delete", "/api/v1/me", 405)])
def test_api_errors_stay_json(client, create_user, api_token, method, path, status):
    create_user("ann")
    response = getattr(client, method)(path, headers={"Authorization": f"Bearer {api_token('ann')}"})
    assert response.status_code == status
    assert response.get_json()["error"]["code"]
