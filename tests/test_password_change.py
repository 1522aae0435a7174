"""The password policy refuses what guessers try first, and a person can
change their password (page and API); a change ends every other way in."""
import pytest

from tests.support.logins import csrf_token_from, forget_request_caches

PASSWORD_URL = "/api/v1/auth/password"


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("password", ["12345678", "aaaaaaaa", "abcdefgh", "87654321", "password", "Passw0rd",
                                      "ann-the-user", "short"])
def test_weak_passwords_are_refused_when_creating_a_user(ctx, password):
    from app.errors import ValidationFailed
    from app.services import accounts

    with pytest.raises(ValidationFailed) as refused:
        accounts.create_user("ann-the-user", password)
    assert list(refused.value.details["fields"]) == ["password"]


@pytest.mark.parametrize("password", ["12345678", "aaaaaaaa", "ann", "ANN-secret-9", "qwertyuiop"])
def test_weak_new_passwords_are_refused_naming_the_field(client, create_user, api_token, password):
    create_user("ann")
    token = api_token("ann")
    response = client.post(PASSWORD_URL, json={"current_password": "correct-horse", "new_password": password},
                           headers=_bearer(token))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["new_password"]
    assert api_token("ann")  # the old password still works


def test_a_wrong_current_password_changes_nothing(client, create_user, api_token):
    create_user("ann")
    token = api_token("ann")
    response = client.post(PASSWORD_URL, json={"current_password": "guess-guess", "new_password": "Blue-kettle-42"},
                           headers=_bearer(token))
    assert response.status_code == 422
    assert list(response.get_json()["error"]["details"]["fields"]) == ["current_password"]
    assert api_token("ann")


def test_changing_the_password_through_the_api(app, client, create_user, api_token, login):
    create_user("ann")
    login("ann")  # a web session elsewhere
    browser_cookie = client.get_cookie("session").value
    stolen, current = api_token("ann"), api_token("ann")

    response = client.post(PASSWORD_URL, json={"current_password": "correct-horse", "new_password": "Blue-kettle-42"},
                           headers=_bearer(current))

    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(current)).status_code == 200  # the asking token goes on
    assert client.get("/api/v1/me", headers=_bearer(stolen)).status_code == 401
    browser = app.test_client()
    browser.set_cookie("session", browser_cookie)
    forget_request_caches()
    assert browser.get("/").status_code == 302
    assert client.post("/api/v1/auth/token", json={"username": "ann", "password": "correct-horse"}).status_code == 401
    assert api_token("ann", "Blue-kettle-42")


def test_an_auditor_may_change_their_own_password(client, create_user, api_token):
    create_user("aud", roles=["auditor"])
    token = api_token("aud")
    response = client.post(PASSWORD_URL, json={"current_password": "correct-horse", "new_password": "Blue-kettle-42"},
                           headers=_bearer(token))
    assert response.status_code == 204


def _password_page(client):
    forget_request_caches()
    page = client.get("/account/password")
    assert page.status_code == 200
    return csrf_token_from(page.get_data(as_text=True))


def test_the_change_password_page_keeps_this_browser_signed_in_and_ends_the_others(app, client, login, create_user):
    create_user("ann")
    login("ann")
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    token = _password_page(client)
    forget_request_caches()
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": "correct-horse",
        "new_password": "Blue-kettle-42", "confirm": "Blue-kettle-42"})
    assert response.status_code == 302
    forget_request_caches()
    assert "密码已修改" in client.get("/").get_data(as_text=True)
    forget_request_caches()
    assert copied.get("/").status_code == 302


def test_the_page_names_a_weak_password_in_the_users_language(client, login, create_user):
    create_user("ann")
    login("ann")
    token = _password_page(client)
    forget_request_caches()
    response = client.post("/account/password", data={
        "csrf_token": token, "current_password": "correct-horse", "new_password": "12345678", "confirm": "12345678"})
    assert response.status_code == 422
    assert "不要使用连续的字符" in response.get_data(as_text=True)


def test_the_page_needs_a_sign_in(client):
    assert client.get("/account/password").status_code == 302


def _post_password_page(client, current, new="Blue-kettle-42"):
    token = _password_page(client)
    forget_request_caches()
    return client.post("/account/password", data={"csrf_token": token, "current_password": current,
                                                  "new_password": new, "confirm": new})


def test_guessing_the_current_password_on_the_page_pauses_like_the_sign_in_page(client, login, create_user):
    """A stolen session cannot brute-force the current password: wrong ones
    count as failed sign-ins of the account, and once paused the page refuses
    even the right one, saying when to retry."""
    create_user("ann")
    login("ann")
    statuses = [_post_password_page(client, f"guess-{n:04d}").status_code for n in range(5)]
    assert statuses == [422] * 5

    refused = _post_password_page(client, "correct-horse")

    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert "登录失败次数过多" in refused.get_data(as_text=True)
    assert "17:00:30" in refused.get_data(as_text=True)  # Shanghai time
    forget_request_caches()
    other = client.application.test_client()
    assert other.post("/api/v1/auth/token", json={"username": "ann", "password": "correct-horse"}).status_code == 429


def test_guessing_the_current_password_through_the_api_is_paused_too(client, create_user, api_token):
    create_user("ann")
    token = api_token("ann")
    for n in range(5):
        response = client.post(PASSWORD_URL, json={"current_password": f"guess-{n}", "new_password": "Blue-kettle-42"},
                               headers=_bearer(token))
        assert response.status_code == 422
    response = client.post(PASSWORD_URL, json={"current_password": "correct-horse", "new_password": "Blue-kettle-42"},
                           headers=_bearer(token))
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "too_many_attempts"
    assert int(response.headers["Retry-After"]) > 0
