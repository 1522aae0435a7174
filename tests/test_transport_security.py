"""Every page refuses to be framed by another site and to be sniffed into
another type; a signed-in page is not kept in the browser's cache; the
session cookie is Secure when the page came over TLS."""
import pytest


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/api/v1/openapi.json", "/api/v1/me"])
def test_every_response_refuses_framing_and_sniffing(client, path):
    response = client.get(path)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_signed_in_inbox_cannot_be_framed(client, login, create_user):
    create_user("ann")
    login("ann")
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_a_signed_in_page_is_not_kept_by_the_browser_but_the_login_page_may_be(client, login, create_user):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    create_user("ann")
    login("ann")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    with client.get("/assets/style.css") as asset:
        assert "no-store" not in asset.headers.get("Cache-Control", "")


def _session_cookie_header(response):
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert cookies, response.headers
    return cookies[0]


def test_the_session_cookie_is_secure_over_tls(client):
    response = client.get("/login", base_url="https://lanes.example")
    assert "Secure" in _session_cookie_header(response)


def test_the_session_cookie_is_not_marked_secure_over_plain_http(client):
    response = client.get("/login")
    assert "Secure" not in _session_cookie_header(response)


def test_a_forwarded_proto_header_is_not_believed_unless_configured(client):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in _session_cookie_header(response)


def test_a_trusted_proxy_forwarding_https_makes_the_cookie_secure(tmp_path, monkeypatch):
    from app import create_app

    monkeypatch.setenv("TRUST_X_FORWARDED_PROTO", "1")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in _session_cookie_header(response)
