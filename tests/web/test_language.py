"""Chinese by default, English on request, remembered per user."""
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests.support.logins import csrf_token_from

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"


def test_chinese_is_the_default(web):
    page = web("rep_east1").page("/")
    assert '<html lang="zh-CN">' in page and "待办" in page and "发起申请" in page


def test_switching_to_english_and_back(web, trip):
    rep = web("rep_east1")
    response = rep.post("/language", {"locale": "en", "next": "/requests"})
    assert response.status_code == 302 and response.headers["Location"] == "/requests"
    page = rep.page("/requests")
    assert '<html lang="en">' in page and "My requests" in page and "In progress" in page
    assert "¥1,280.50" in rep.page(f"/instances/{trip}")
    rep.post("/language", {"locale": "zh_CN", "next": "/"})
    assert "我的申请" in rep.page("/")


def test_the_choice_is_remembered_for_the_user_after_signing_in_again(app, web):
    rep = web("rep_east1")
    rep.post("/language", {"locale": "en"})
    rep.post("/logout", token_from="/")
    with rep.client.session_transaction() as session:
        session.pop("locale", None)  # a new session: only the cookie remembers
    token = csrf_token_from(rep.page("/login"))
    rep.client.post("/login", data={"username": "rep_east1", "password": "lanes-demo", "csrf_token": token})
    assert "Start a request" in rep.page("/")
    # Another user in the same browser keeps the default.
    rep.post("/logout", token_from="/")
    with rep.client.session_transaction() as session:
        session.pop("locale", None)
    token = csrf_token_from(rep.page("/login"))
    rep.client.post("/login", data={"username": "rm_east", "password": "lanes-demo", "csrf_token": token})
    assert "发起申请" in rep.page("/")


def test_a_request_sent_before_the_switch_does_not_undo_it(web):
    """A page's autosave or heartbeat can be in flight when its user switches language; its
    response must not carry the old session back into the browser."""
    rep = web("rep_east1")
    rep.post("/language", {"locale": "en"})
    rep.page("/")
    response = rep.client.get("/requests")  # stands for any request sent with the English cookie
    assert response.status_code == 200
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    rep.post("/language", {"locale": "zh_CN"})
    assert "我的申请" in rep.page("/")


def test_language_switch_needs_csrf_and_a_known_locale(web):
    rep = web("rep_east1")
    assert rep.client.post("/language", data={"locale": "en"}).status_code == 400
    assert rep.post("/language", {"locale": "fr"}).status_code == 400
    assert rep.post("/language", {"locale": "en", "next": "//evil.example/"}).headers["Location"] == "/"


def test_a_forged_cookie_is_ignored(web):
    rep = web("rep_east1")
    rep.client.set_cookie("lanes_locale", '{"1": "en"}')
    assert "发起申请" in rep.page("/")


def test_compiled_catalogue_matches_its_source():
    """The .mo is committed (pages must be Chinese without a build step);
    it must say what the .po says. Refresh both with `make translations`."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as po_file, po_path.with_suffix(".mo").open("rb") as mo_file:
            source, compiled = read_po(po_file), read_mo(mo_file)
        expected = {m.id: m.string for m in source if m.id and m.string and not m.fuzzy}
        actual = {m.id: m.string for m in compiled if m.id}
        assert actual == expected, f"{po_path}: run `make translations`"
        assert all(m.string for m in source if m.id), f"{po_path} has untranslated messages"
