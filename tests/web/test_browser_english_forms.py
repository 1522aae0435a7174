"""In English, every user task form of F01 (contract_shipment) reads in
English: walked through the real flow in chromium at 1366 px, each task's
form and what it shows hold no Chinese but data (master data, what people
typed). Pictures in test-artifacts/english/, the first approval also at 375 px."""
import re

import pytest

from app.extensions import db
from tests.web.browser_driving import (PASSWORD, TIMEOUT_MS, _role_users, shot, browser, live_app,  # noqa: F401
                                       live_server, person, world)
from tests.web.test_browser_every_task import contract_shipment
from tests.web.untranslated import data_values, master_data_values, untranslated

FORM_AREA = "form[data-lanes-form], section.card.shows"


class EnglishChecker:
    """Opens each READY task's page once, in English, as someone who may work on it."""

    def __init__(self, browser, base: str):
        self.browser, self.base = browser, base
        self.pages: dict = {}
        self.seen: dict = {}  # (process, element id) → what is left in Chinese
        self.approval_shot = False

    def english_page(self, username):
        if username not in self.pages:
            context = self.browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-US")
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(self.base + "/login")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.wait_for_url(self.base + "/")
            page.get_by_role("button", name="English").click()
            page.wait_for_selector('html[lang="en"]')
            self.pages[username] = page
        return self.pages[username]

    def check(self, task) -> None:
        key = (task.instance.process_key, task.element_id)
        if key in self.seen:
            return
        db.session.commit()
        known = master_data_values() | data_values(task.instance.data or {})
        users = [task.assignee.username] if task.assignee else _role_users(task.candidate_role, task.candidate_org_id)
        for username in users:  # segregation of duties may stop some of the role
            page = self.english_page(username)
            assert page.goto(f"{self.base}/tasks/{task.id}").status == 200, key
            if page.locator("form[data-lanes-form]").count() == 1:
                break
        else:
            raise AssertionError(f"{key}: nobody of {users} may work on it")
        self.seen[key] = untranslated(page, FORM_AREA, known)
        shot(page, "english", f"{key[0]}-{key[1]}-1366")
        if task.is_approval and not self.approval_shot:
            self.approval_shot = True
            page.set_viewport_size({"width": 375, "height": 800})
            shot(page, "english", f"{key[0]}-{key[1]}-375")
            assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), key
            page.set_viewport_size({"width": 1366, "height": 900})

    def close(self):
        for page in self.pages.values():
            page.context.close()


@pytest.fixture
def english(world, browser, live_server):
    checker = EnglishChecker(browser, live_server)
    world.checker = checker
    yield checker
    checker.close()


def test_every_f01_task_form_reads_in_english(world, english):
    contract_shipment(world)
    assert len(english.seen) >= 10, sorted(english.seen)
    assert english.approval_shot
    left = {f"{process}/{element}": texts for (process, element), texts in english.seen.items() if texts}
    assert left == {}
