"""Driving the sales flows in chromium: a live server over the demo
organisation, master data and every diagram (its own SQLite file, real
commits, the clock frozen on 2026-12-01), one headless chromium, and what a
person does on the pages (sign in, open a task from the inbox, take a
picture of the page).

Test modules import the fixtures (``live_app``, ``live_server``,
``browser``, ``person``, and ``world``: a flow driver that opens each task's
page in chromium the first time the task is READY). Browser tests run in the SQLite pass; without
/usr/bin/chromium they skip unless LANES_REQUIRE_BROWSER is set (CI)."""
import os
import re
import shutil
import socket
import threading
from pathlib import Path

import pytest
from flask import has_app_context
from werkzeug.serving import make_server

from app import clock, create_app
from app.extensions import db
from tests.support.flow_driver import FlowDriver
from tests.support.frozen_clock import FROZEN_AT, FrozenClock  # the flow tests' business date
from tests.support.logins import DEMO_PASSWORD as PASSWORD
from tests.support.refusals import refuse_once as install_refusal

CHROMIUM = os.environ.get("LANES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 30_000  # two cores shared with the rest of the suite
# Pictures are for a person to look at; LANES_SCREENSHOTS=0 (CI's faketime pass, whose
# pages the SQLite pass pictured) takes none: a picture is a third of a page check's time.
SCREENSHOTS = os.environ.get("LANES_SCREENSHOTS", "1") != "0"


def _unavailable(reason: str):
    if os.environ.get("LANES_REQUIRE_BROWSER"):
        pytest.fail(f"LANES_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason)


_LIVE_CONFIG = {"TESTING": False, "SECRET_KEY": "browser-test-secret", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                # the scenarios move the clock by weeks while each person stays signed in
                "SESSION_LIFETIME_HOURS": 24 * 365}


def _live_config(folder: Path) -> dict:
    return {**_LIVE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lanes.db'}",
            "ATTACHMENTS_DIR": str(folder / "attachments")}


@pytest.fixture(scope="module")
def live_app(live_template, tmp_path_factory):
    """The app over its own SQLite file, a copy of ``live_template``
    (migrated, the demo organisation and master data loaded, processes/
    deployed), the clock frozen."""
    folder = tmp_path_factory.mktemp("live")
    shutil.copyfile(live_template / "lanes.db", folder / "lanes.db")
    if (live_template / "attachments").is_dir():
        shutil.copytree(live_template / "attachments", folder / "attachments")
    app = create_app(_live_config(folder))
    clock.set_clock(app, FrozenClock(FROZEN_AT))  # app.extensions["lanes_clock"].advance(days=3) moves it
    yield app
    with app.app_context():
        db.engine.dispose()


def serving(app):
    """Serve ``app`` on 127.0.0.1:<free port> from a thread; yield its URL, then stop it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(5)
    server.server_close()


@pytest.fixture(scope="module")
def live_server(live_app):
    """``live_app`` on 127.0.0.1:<free port>, serving from a thread."""
    yield from serving(live_app)


@pytest.fixture(scope="module")
def browser(live_server, _chromium):
    """The run's headless chromium (``_chromium`` in tests/web/conftest.py),
    once this module's server is up. Every context the module opened in it
    is closed at the module's end, as closing a browser of its own did."""
    before = set(_chromium.contexts)
    yield _chromium
    for context in _chromium.contexts:
        if context not in before:
            context.close()


def sign_in(browser, base: str, username: str, *, language: str = "zh", viewport=None, phone: bool = False,
            errors: list | None = None):
    """A page in a new browser context signed in as demo user ``username``
    at ``viewport`` (1280 × 900 unless given; ``phone``: a touch screen that
    fits the page to its width as phones do), switched to English when
    ``language`` is "en". JavaScript errors on its pages go to ``errors``."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, is_mobile=phone,
                                  has_touch=phone, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    if errors is not None:
        page.on("pageerror", lambda error: errors.append(f"{username} on {page.url}: {error}"))
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    if language == "en":
        with page.expect_navigation():
            page.get_by_role("button", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
    return page


@pytest.fixture(scope="module")
def person(browser, live_server):
    """Factory: ``person("rm_east")`` is a page signed in as that demo user,
    in its own browser context (one per user, kept for the module).
    JavaScript errors on any page fail the test that caused them."""
    pages: dict = {}
    errors: list[str] = []

    def signed_in(username):
        if username in pages:
            return pages[username]
        pages[username] = page = sign_in(browser, live_server, username, errors=errors)
        return page

    signed_in.errors = errors
    yield signed_in
    for page in pages.values():
        page.context.close()


def shot(page, folder: str, name: str) -> None:
    """A full-page picture into test-artifacts/<folder>/ (not committed),
    unless LANES_SCREENSHOTS=0."""
    if not SCREENSHOTS:
        return
    target = ARTIFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"{name}.png"), full_page=True)


def open_task(page, base: str, reference: str, task_name: str):
    """From the inbox, open the task ``task_name`` of request ``reference``."""
    page.goto(base + "/")
    row = page.locator("li.task", has_text=reference).filter(has=page.get_by_role("link", name=task_name, exact=True))
    row.get_by_role("link", name="办理").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))
    assert page.locator("h1").inner_text() == task_name


def submit(page, base: str, button: str, done: str):
    """Click ``button``; the inbox confirms step ``done``; the test reads afresh."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()
    except Timeout:  # stopped in the page: say what it says, not only that it stayed
        invalid = page.evaluate("""() => Array.from(document.querySelectorAll("form[data-lanes-form] [name]"))
            .filter(e => e.willValidate && !e.checkValidity()).map(e => e.name + ": " + e.validationMessage)""")
        raise AssertionError(f"{done}: not sent: {page.locator('.error:visible').all_inner_texts()} {invalid}") from None
    if page.url != base + "/":  # refused by the server
        raise AssertionError(f"{done}: refused: {page.locator('.error:visible, .flash').all_inner_texts()}")
    assert f"已办理：{done}" in page.inner_text(".flash"), page.inner_text("main")
    if has_app_context():  # the server committed apart: a row the test read before would come back stale
        db.session.commit()
        db.session.expire_all()


def labelled(page, label: str):
    """The input labelled exactly ``label`` (a required field's label ends
    with an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def cell(page, lines: str, row: int, column: str):
    """The input in column ``column`` of row ``row`` (from 0) of the table
    of lines ``lines`` (a row added in the page is labelled without its
    number, so it is found by place)."""
    return page.locator(f'[data-lines="{lines}"] tbody tr').nth(row).locator(
        f'[data-column="{column}"] input, [data-column="{column}"] select')


def lookup(page, label, typed: str) -> str:
    """Type into a master-data field (its label, or the input itself), wait
    for the type-ahead, and take the code of the first suggestion (as a
    person picks from the list)."""
    field = labelled(page, label) if isinstance(label, str) else label
    field.fill(typed)
    # the list is refilled on focus and again after typing: wait for a suggestion that matches
    code = page.wait_for_function("""([id, typed]) => {
        const hit = Array.from(document.getElementById(id).options)
            .find(o => o.value.includes(typed) || o.label.includes(typed));
        return hit ? hit.value : null;
    }""", arg=[field.get_attribute("list"), typed]).json_value()
    field.fill(code)
    return code


def fill_contract(page, reference: str, *, tap: bool = False) -> None:
    """Fill F01's contract form as a representative does: 浙江泵阀's
    contract ``reference`` of ¥100,000 on standard terms, two lines (MTR001
    × 2, PRT001 × 3); ``tap`` adds the second line by touch (a phone)."""
    labelled(page, "业务编号（选填）").fill(reference)
    assert lookup(page, "客户", "浙江泵阀") != "浙江泵阀"
    labelled(page, "合同编号").fill(reference)
    labelled(page, "合同金额（元）").fill("100000")
    labelled(page, "账期（天）").fill("30")
    labelled(page, "价格条款").fill("执行公司标准价")
    labelled(page, "付款条款").fill("货到30天付款")
    labelled(page, "生效日期").fill("2026-11-01")
    labelled(page, "截止日期").fill("2027-11-01")
    for row, (material, qty) in enumerate((("MTR001", "2"), ("PRT001", "3"))):
        if row:
            add = page.get_by_role("button", name="添加一行")
            add.tap() if tap else add.click()
        lookup(page, cell(page, "lines", row, "material"), material)
        cell(page, "lines", row, "qty").fill(qty)


def text_of(page, selector: str) -> str:
    """The visible text of ``selector`` with runs of white space made one."""
    return re.sub(r"\s+", " ", page.inner_text(selector))


def shown(page, key: str) -> str:
    """The text of the section showing instance-data ``key`` (a task's ``shows``)."""
    return text_of(page, f'section.card.shows[data-shows="{key}"]')


# --- every task page, reached through the real flows -------------------------------------------------------

def declared_tasks() -> dict:
    """(process key, element id) → the user task's description, for the
    latest deployed version of every process (a new task is covered as soon
    as it is deployed)."""
    from app.services import deployment

    return {(d.key, t["element_id"]): t for d in deployment.latest_definitions() for t in d.user_tasks or []}


def shown_keys(description: dict) -> list[str]:
    """The instance-data keys the task declares it shows (its ``shows``)."""
    return [item["key"] for item in description.get("shows") or []]


def _role_users(role: str, org_id: int | None) -> list[str]:
    """The usernames offered a role task: its role's holders in its organisation."""
    from app.services.role_scope import holders

    return sorted(user.username for user in holders(role, org_id))


# What a task page shows, read in one round trip to the browser: the main
# text, error flashes, headings, whether it offers its form, whether it fits
# the screen, and per declared item the sections showing it and their text
# without the heading (the heading's first occurrence taken out).
_PAGE_FACTS = """(keys) => {
  const root = document.documentElement;
  const sections = {};
  for (const key of keys) {
    const found = document.querySelectorAll(`section.card.shows[data-shows="${CSS.escape(key)}"]`);
    const heading = found.length === 1 ? found[0].querySelector("h2, h3") : null;
    sections[key] = {count: found.length,
                     content: found.length === 1 ? found[0].innerText.replace(heading ? heading.innerText : "", "") : ""};
  }
  return {main: (document.querySelector("main") || {innerText: ""}).innerText,
          errors: document.querySelectorAll(".flash.error").length,
          headings: [...document.querySelectorAll("h1")].map((h1) => h1.innerText),
          forms: document.querySelectorAll("form[data-lanes-form]").length,
          fits: root.scrollWidth <= root.clientWidth, sections};
}"""


class TaskPageChecker:
    """Opens a READY task's page in chromium as someone who may work on it
    and checks it renders its form and every item it declares it shows."""

    def __init__(self, person, base: str, declared: dict):
        self.person, self.base, self.declared = person, base, declared
        self.seen: dict = {}  # (key, element id) → the username that opened it

    def check(self, task) -> None:
        key = (task.instance.process_key, task.element_id)
        if key in self.seen:
            return
        description = self.declared[key]
        db.session.commit()  # nothing of the driver's held open while the server reads
        users = [task.assignee.username] if task.assignee else _role_users(task.candidate_role, task.candidate_org_id)
        refused = []
        for username in users:  # segregation of duties may stop some of the role: the next one works on it
            page = self.person(username)
            response = page.goto(f"{self.base}/tasks/{task.id}")
            assert response.status == 200, (key, username, response.status)
            facts = page.evaluate(_PAGE_FACTS, shown_keys(description))
            assert "Traceback" not in facts["main"] and facts["errors"] == 0, (key, facts["main"][:500])
            assert facts["headings"] == [description["name"]], key
            if facts["forms"] == 1:
                break
            refused.append(username)
        else:
            raise AssertionError(f"{key}: nobody of {users} may work on it ({refused})")
        for shown in shown_keys(description):
            section = facts["sections"][shown]
            if shown.endswith(".error") and section["count"] == 0:
                continue  # the ledger's reason for a refusal, shown only after one
            assert section["count"] == 1, f"{key}: no section shows {shown!r}"
            assert section["content"].strip(), f"{key}: the section for {shown!r} is empty"
        assert facts["fits"], f"{key}: the page is wider than the screen"
        shot(page, "every-task", f"{key[0]}-{key[1]}")
        self.seen[key] = username


# who approves for each role when a path only needs the approval done
APPROVERS = {"sales_director": "director", "general_manager": "gm", "sales_admin": "sales_admin", "finance": "finance",
             "quality": "quality", "order_clerk": "order_clerk", "regional_manager": "rm_east"}


class VisitingDriver(FlowDriver):
    """The flow driver, opening the page of each task the first time it is READY."""

    def __init__(self, find_user, checker):
        super().__init__(find_user)
        self.checker = checker

    def look(self, instance):
        db.session.refresh(instance)
        for task in self.ready(instance):
            self.checker.check(task)
        return instance

    def start(self, key, data, as_user, business_key=None):
        return self.look(super().start(key, data, as_user, business_key))

    def approve_until(self, instance, element_id, limit=8):
        """Approve whatever approval is READY until ``element_id`` is: the
        path does not depend on how many approval stages a diagram has."""
        for _ in range(limit):
            ready = self.ready(instance)
            if any(task.element_id == element_id for task in ready):
                return instance
            approvals = [task for task in ready if task.is_approval]
            assert approvals, f"{element_id} not reached; ready: {[task.element_id for task in ready]}"
            task = approvals[0]
            self.approve(instance, task.element_id, task.assignee.username if task.assignee else APPROVERS[task.candidate_role])
        raise AssertionError(f"{element_id} not reached after {limit} approvals")

    def complete(self, instance, element_id, as_user, data):
        result = super().complete(instance, element_id, as_user, data)
        self.look(instance)
        return result


@pytest.fixture
def world(live_app, live_server, person, monkeypatch):
    """The driver, the ledger, refusals and the clock of the live app."""
    from app.services.accounts import find_user
    from app.actions import run_action
    from tests.support.ledger_harness import new_call

    with live_app.app_context():
        driver = VisitingDriver(find_user, TaskPageChecker(person, live_server, declared_tasks()))

        def act(operation, **params):
            result = run_action(new_call(operation), params)
            db.session.commit()
            return result

        def refuse_once(operation, code="period_closed", message="The period is being closed; try again later."):
            install_refusal(monkeypatch, operation, code, message)

        def customer(name):
            from app.models import Customer

            return db.session.scalar(db.select(Customer.code).where(Customer.name == name))

        def attachment(name, content=b"%PDF-1.4 scan"):
            from app.services.attachments import save_bytes

            kind = "image/jpeg" if name.endswith(".jpg") else "application/pdf"
            return save_bytes(name, kind, content)

        driver.act, driver.refuse_once, driver.customer, driver.attachment = act, refuse_once, customer, attachment
        driver.clock = live_app.extensions["lanes_clock"]
        yield driver
