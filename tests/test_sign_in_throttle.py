"""Guessing passwords: after a few failures per account, or more per address,
sign-ins pause with a growing back-off, 429 with Retry-After, whatever the
password; the failures are in the database and in the log."""
import logging
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LoginFailure
from tests.support.logins import csrf_token_from, forget_request_caches

TOKEN_URL = "/api/v1/auth/token"
GUESSERS = 20


def _web_sign_in(client, username, password, address="10.0.0.1"):
    forget_request_caches()
    environ = {"REMOTE_ADDR": address}
    token = csrf_token_from(client.get("/login", environ_base=environ).get_data(as_text=True))
    forget_request_caches()
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       environ_base=environ)


def _api_sign_in(client, username, password, address="10.0.0.1"):
    return client.post(TOKEN_URL, json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_forty_wrong_passwords_then_the_right_one_is_refused(client, create_user):
    create_user("gm")
    statuses = [_web_sign_in(client, "gm", f"guess-{n:04d}").status_code for n in range(40)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}

    response = _web_sign_in(client, "gm", "correct-horse")

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "登录失败次数过多" in page  # the user's language (Chinese by default)
    # Refused attempts are not looked at, so only the first five count: the first pause, in Shanghai time.
    assert response.headers["Retry-After"] == "30" and "17:00:30" in page
    forget_request_caches()
    assert client.get("/").status_code == 302  # not signed in


def test_after_the_pause_the_right_password_works_and_clears_the_count(client, create_user, frozen_clock):
    create_user("gm")
    for n in range(5):
        assert _web_sign_in(client, "gm", f"guess-{n}").status_code == 401
    refused = _web_sign_in(client, "gm", "correct-horse")
    assert refused.status_code == 429

    frozen_clock.advance(seconds=int(refused.headers["Retry-After"]))

    assert _web_sign_in(client, "gm", "correct-horse").status_code == 302
    assert _api_sign_in(client, "gm", "wrong-again").status_code == 401  # a fresh allowance


def test_the_pause_doubles_with_every_further_failure(client, create_user, frozen_clock):
    create_user("gm")
    for n in range(5):
        _api_sign_in(client, "gm", f"guess-{n}")
    first = int(_api_sign_in(client, "gm", "x").headers["Retry-After"])
    frozen_clock.advance(seconds=first)
    assert _api_sign_in(client, "gm", "guess-5").status_code == 401
    second = int(_api_sign_in(client, "gm", "x").headers["Retry-After"])
    assert first == 30 and second == 60


def test_the_api_answers_429_json_with_retry_after(client, create_user):
    create_user("gm")
    for n in range(5):
        assert _api_sign_in(client, "gm", f"guess-{n}").status_code == 401

    response = _api_sign_in(client, "gm", "correct-horse")

    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "too_many_attempts"
    assert error["details"]["retry_after"] == int(response.headers["Retry-After"]) > 0


def test_one_address_guessing_many_accounts_is_paused(client, create_user):
    create_user("victim")
    for n in range(20):
        assert _api_sign_in(client, f"someone{n}", "guess-guess", address="10.6.6.6").status_code == 401

    assert _api_sign_in(client, "victim", "correct-horse", address="10.6.6.6").status_code == 429
    assert _api_sign_in(client, "victim", "correct-horse", address="10.0.0.7").status_code == 201


def test_failures_are_kept_in_the_database_and_logged(ctx, client, create_user, caplog):
    from app.extensions import db
    from app.models import LoginFailure

    create_user("gm")
    with caplog.at_level(logging.WARNING, logger="lanes.sign_in"):
        _api_sign_in(client, "gm", "guess-guess", address="10.1.2.3")
    rows = db.session.scalars(db.select(LoginFailure)).all()
    assert [(row.username, row.address) for row in rows] == [("gm", "10.1.2.3")]
    assert "sign-in failed for 'gm' from 10.1.2.3" in caplog.text
    assert "guess-guess" not in caplog.text


def test_failures_older_than_the_window_no_longer_count(client, create_user, frozen_clock):
    create_user("gm")
    for n in range(5):
        _api_sign_in(client, "gm", f"guess-{n}")
    frozen_clock.advance(hours=1, seconds=1)
    assert _api_sign_in(client, "gm", "correct-horse").status_code == 201


@pytest.mark.postgresql_only
def test_wrong_passwords_sent_at_the_same_moment_get_no_more_than_the_allowance(committed_app):
    """Checking the count and recording a failure are one turn per account:
    twenty guesses sent at once still get only five looks at the password."""
    from app.services import accounts

    with committed_app.app_context():
        accounts.create_user("gm", "correct-horse")
        db.session.remove()
    barrier, statuses = threading.Barrier(GUESSERS), []

    def guess(n):
        client = committed_app.test_client()
        barrier.wait(timeout=30)
        statuses.append(_api_sign_in(client, "gm", f"guess-{n:04d}", address=f"10.9.0.{n}").status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [401] * 5 + [429] * (GUESSERS - 5), statuses
    with committed_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 5
        db.session.remove()
