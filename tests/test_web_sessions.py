"""A signed-in session ends when the person signs out, when the password
changes and when its lifetime is over: a copied session cookie opens nothing
after that."""
from tests.support.logins import csrf_token_from, forget_request_caches


def _copy_cookie(source, target):
    target.set_cookie("session", source.get_cookie("session").value)


def _sign_out(client):
    forget_request_caches()
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    forget_request_caches()
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def _inbox_status(client):
    forget_request_caches()
    return client.get("/").status_code


def test_a_cookie_copied_before_sign_out_no_longer_opens_the_inbox(app, client, login, create_user):
    create_user("ann")
    login("ann")
    thief = app.test_client()
    _copy_cookie(client, thief)
    assert _inbox_status(thief) == 200  # the copy works while the session lasts

    _sign_out(client)

    assert _inbox_status(thief) == 302
    assert thief.get("/").headers["Location"].startswith("/login")


def test_signing_out_ends_the_other_sessions_of_the_same_person(app, client, login, create_user):
    create_user("ann")
    login("ann")
    other_browser = app.test_client()
    forget_request_caches()
    token = csrf_token_from(other_browser.get("/login").get_data(as_text=True))
    other_browser.post("/login", data={"username": "ann", "password": "correct-horse", "csrf_token": token})
    assert _inbox_status(other_browser) == 200

    _sign_out(client)

    assert _inbox_status(other_browser) == 302


def test_signing_in_again_after_sign_out_works(client, login, create_user):
    create_user("ann")
    login("ann")
    _sign_out(client)
    forget_request_caches()
    assert login("ann").status_code == 302
    assert _inbox_status(client) == 200


def test_a_session_ends_when_its_lifetime_is_over(app, client, login, create_user, frozen_clock):
    create_user("ann")
    login("ann")
    frozen_clock.advance(hours=app.config["SESSION_LIFETIME_HOURS"] - 1)
    assert _inbox_status(client) == 200
    frozen_clock.advance(hours=2)
    assert _inbox_status(client) == 302


def test_a_cookie_naming_only_the_user_id_opens_nothing(app, client, create_user):
    """A cookie in the old shape (the bare id), signed with the right key,
    is not a session: it carries no version and no start."""
    user_id = create_user("ann")
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(user_id)
        cookie["_fresh"] = True
    assert _inbox_status(client) == 302


def test_a_session_stamped_in_the_future_opens_nothing(app, client, login, create_user, frozen_clock):
    create_user("ann")
    login("ann")
    with client.session_transaction() as cookie:
        cookie["signed_in_at"] = frozen_clock.now.timestamp() + 3600 * 24 * 365
    assert _inbox_status(client) == 302
