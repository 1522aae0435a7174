"""The inbox past fifty tasks, in the browser: the first page holds fifty,
`下一页` opens the rest, `回到第一页` comes back; each page pictured in
test-artifacts/inbox-pages/ (Chinese, and English on a phone)."""
from playwright.sync_api import expect

from app.extensions import db
from tests.support.extra_tasks import extra_tasks
from tests.support.samples import TRIP
from tests.web.browser_driving import browser, live_app, live_server, person, world  # noqa: F401  (fixtures)
from tests.web.browser_driving import shot, sign_in


def test_a_long_inbox_pages_forward_and_back(world, person, live_server, browser):
    instance = world.start("travel_request", TRIP, "rep_east1")
    extra_tasks(instance, 57)
    db.session.commit()
    director = person("director")
    director.goto(live_server + "/")
    assert director.locator("li.task").count() == 50
    assert director.locator(".tabs a[aria-current] .count").inner_text() == "57"
    shot(director, "inbox-pages", "01-first-page-zh")
    director.get_by_role("link", name="下一页").click()
    director.wait_for_url("**after=*")
    expect(director.locator("li.task")).to_have_count(7)
    assert director.get_by_role("link", name="下一页").count() == 0
    shot(director, "inbox-pages", "02-second-page-zh")
    director.get_by_role("link", name="回到第一页").click()
    director.wait_for_url(live_server + "/?box=all")
    expect(director.locator("li.task")).to_have_count(50)
    phone = sign_in(browser, live_server, "director", language="en", viewport={"width": 375, "height": 800},
                    phone=True)
    phone.get_by_role("link", name="Next page").click()
    phone.wait_for_url("**after=*")
    expect(phone.locator("li.task")).to_have_count(7)
    shot(phone, "inbox-pages", "03-second-page-en-phone")
    phone.context.close()
