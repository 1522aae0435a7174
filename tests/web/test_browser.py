"""Browser tests: Playwright drives Debian's chromium against a live server
(its own SQLite file, real commits, the demo organisation and the real
diagrams). Screenshots of the inbox, a task page and an instance page in
both languages go to test-artifacts/screenshots/ (not committed).

Without /usr/bin/chromium these tests skip, unless LANES_REQUIRE_BROWSER is
set (CI), where a missing browser is a failure."""
import re
from pathlib import Path

import flask_migrate
import pytest

from app import create_app
from app.extensions import db
from tests.web.browser_driving import PASSWORD, browser, serving, shot as picture  # noqa: F401  (browser: a fixture over this module's live_server)

# real_clock: the live server is its own app, serving on the system clock.
pytestmark = pytest.mark.real_clock
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


@pytest.fixture(scope="module")
def live_server(request, tmp_path_factory):
    """The app on 127.0.0.1:<free port>, serving from a thread."""
    if request.config.lanes_backend == "postgresql":
        pytest.skip("browser tests use their own SQLite server; they run in the SQLite pass")
    from app.services import deployment
    from app.demo.organisation import load_demo_organisation

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    folder = tmp_path_factory.mktemp("live")
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-test-secret",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lanes.db'}",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "ATTACHMENTS_DIR": str(folder / "attachments")})
    with app.app_context():
        flask_migrate.upgrade()
        load_demo_organisation()
        deployment.deploy(deployment.files_from_paths(list(deployment.DEFAULT_DIRS)))
        db.session.remove()
    yield from serving(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def person(browser, live_server):
    """Factory: ``person("rm_east")`` is a signed-in page in its own context."""
    contexts, errors = [], []

    def sign_in(username, width=1280, height=900, javascript=True):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                      java_script_enabled=javascript)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(live_server + "/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server + "/")
        return page

    yield sign_in
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors: {errors}"


def shot(page, name):
    picture(page, "screenshots", name)


def switch_language(page, label):
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def start_trip(page, base, reference, cost="2680.50"):
    page.goto(base + "/start")
    page.get_by_role("link", name=re.compile("出差申请")).click()
    page.get_by_label("业务编号（选填）").fill(reference)
    page.get_by_label("出差目的").fill("拜访华东区重点客户")
    page.get_by_label("出差事由").fill("客户新生产线验收")
    page.get_by_label("出差地点").fill("上海")
    page.get_by_label("出发日期").fill("2026-12-10")
    page.get_by_label("返回日期").fill("2026-12-12")
    page.get_by_label("交通方式").select_option("火车")
    page.get_by_label("预计费用（元）").fill(cost)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/instances/\d+$"))
    assert "已提交" in page.inner_text(".flash")


def open_task(page, reference):
    page.get_by_role("link", name="待办").first.click()
    row = page.locator("li.task", has_text=reference)
    row.get_by_role("link", name="办理").click()
    page.wait_for_url(re.compile(r"/tasks/\d+$"))


def wait_for_diagram(page):
    page.wait_for_selector("#diagram[data-highlighted]")


def test_travel_request_approved_and_completed_with_the_diagram_highlighted(person, live_server):
    rep = person("rep_east1")
    start_trip(rep, live_server, "TR-B1")
    wait_for_diagram(rep)
    assert rep.locator('.djs-element.lanes-active[data-element-id="Task_ManagerApproval"]').count() == 1

    manager = person("rm_east")
    assert manager.locator(".mainnav .count").first.inner_text() == "1"
    assert "TR-B1" in manager.inner_text("ul.tasks")
    shot(manager, "inbox-zh")
    open_task(manager, "TR-B1")
    assert "拜访华东区重点客户" in manager.inner_text(".about") and "¥2,680.50" in manager.inner_text(".about")
    shot(manager, "task-zh")
    switch_language(manager, "English")
    assert manager.get_by_role("button", name="Approve").is_visible()  # the options' English titles (x-title-en)
    assert "The request" in manager.inner_text("main")
    shot(manager, "task-en")
    manager.get_by_role("link", name="Inbox").first.click()
    shot(manager, "inbox-en")
    switch_language(manager, "中文")
    open_task(manager, "TR-B1")
    manager.get_by_label("审批说明").fill("同意，注意控制费用")
    manager.get_by_role("button", name="同意").click()
    manager.wait_for_url(live_server + "/")
    assert "已办理：直接主管审批" in manager.inner_text(".flash")

    director = person("director")
    open_task(director, "TR-B1")
    director.get_by_role("button", name="同意").click()
    director.wait_for_url(live_server + "/")

    rep.get_by_role("link", name="我的申请").first.click()
    row = rep.locator("table.list tr", has_text="TR-B1")
    assert "已完成" in row.inner_text()
    row.get_by_role("link", name="出差申请").click()
    wait_for_diagram(rep)
    for element in ("Task_ManagerApproval", "Task_DepartmentHeadApproval"):
        assert rep.locator(f'.djs-element.lanes-done[data-element-id="{element}"]').count() == 1
    for element in ("StartEvent_TravelRequested", "Flow_ToManagerApproval", "Gateway_ManagerDecision",
                    "Flow_ManagerApproved", "Flow_DepartmentHeadApproved", "EndEvent_Approved"):
        assert rep.locator(f'.djs-element.lanes-path[data-element-id="{element}"]').count() == 1, element
    assert rep.locator('.lanes-path[data-element-id="Task_ReviseRequest"]').count() == 0
    assert rep.locator(".lanes-active").count() == 0
    assert "同意，注意控制费用" in rep.inner_text(".timeline")
    shot(rep, "instance-zh")
    switch_language(rep, "English")
    wait_for_diagram(rep)
    assert "Completed" in rep.inner_text("h1")
    shot(rep, "instance-en")
    switch_language(rep, "中文")


def test_rejection_comes_back_to_the_requester(person, live_server):
    rep = person("rep_east2")
    start_trip(rep, live_server, "TR-B2", cost="9800")
    manager = person("rm_east")
    open_task(manager, "TR-B2")
    manager.get_by_role("button", name="驳回").click()
    # The comment is required for a rejection: said next to it, before any round trip.
    comment_error = manager.locator("#f-comment-err")
    assert comment_error.inner_text() == "此项必填。" and "/tasks/" in manager.url
    manager.get_by_label("审批说明").fill("费用过高，请改乘火车")
    manager.get_by_role("button", name="驳回").click()
    manager.wait_for_url(live_server + "/")

    rep.goto(live_server + "/")
    assert "修改出差申请" in rep.inner_text("ul.tasks")
    open_task(rep, "TR-B2")
    assert "费用过高，请改乘火车" in rep.inner_text(".steps")
    assert rep.get_by_label("出差地点").input_value() == "上海"
    rep.get_by_label("预计费用（元）").fill("3200")
    rep.get_by_role("button", name="重新提交").click()
    rep.wait_for_url(live_server + "/")

    manager.reload()
    assert "TR-B2" in manager.inner_text("ul.tasks")


def test_the_catalogue_offers_each_person_only_what_they_may_start(person, live_server):
    """Start rights as a person meets them: a representative is not offered
    the receipt write-off or the monthly report, finance is offered the
    write-off, and an auditor is offered nothing to start."""
    rep = person("rep_east3")
    rep.goto(live_server + "/start")
    offered = rep.inner_text("main")
    shot(rep, "catalogue-rep-zh")
    assert "合同发货" in offered and "出差申请" in offered
    assert "回款核销" not in offered and "月度报表" not in offered
    assert "售前方案" in offered  # F21: the rep opens the opportunity
    finance = person("finance")
    finance.goto(live_server + "/start")
    assert "回款核销" in finance.inner_text("main") and "售前方案" not in finance.inner_text("main")
    auditor = person("auditor")
    auditor.goto(live_server + "/start")
    shot(auditor, "catalogue-auditor-zh")
    assert auditor.locator("main a[href^='/start/']").count() == 0


def test_validation_errors_are_shown_next_to_their_field(person, live_server):
    # Server side (no JavaScript): the page comes back with the message in place.
    plain = person("rep_east3", javascript=False)
    plain.goto(live_server + "/start/travel_request")
    plain.get_by_label("出差目的").fill("培训")
    plain.get_by_label("出差事由").fill("新产品上市")
    plain.get_by_label("出差地点").fill("广州")
    plain.get_by_label("出发日期").fill("2026-12-10")
    plain.get_by_label("交通方式").select_option("飞机")
    plain.get_by_label("预计费用（元）").fill("1500.555")
    plain.get_by_role("button", name="提交申请").click()
    assert plain.locator("#f-end_date-err").inner_text() == "此项必填。"
    assert plain.locator("#f-estimated_cost-err").inner_text() == "最多保留两位小数（到分）。"
    assert plain.get_by_label("出差目的").input_value() == "培训"
    shot(plain, "validation-zh")

    # Client side: the same message without leaving the page.
    page = person("rep_east4")
    page.goto(live_server + "/start/travel_request")
    page.get_by_label("出差目的").fill("培训")
    page.get_by_label("出差事由").fill("新产品上市")
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("#f-destination-err").inner_text() == "此项必填。"
    assert page.evaluate("document.activeElement.id") == "f-destination"
    # A number too large for the browser to hold is not "missing".
    page.get_by_label("预计费用（元）").fill("1e309")
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("#f-estimated_cost-err").inner_text() == "请输入数字。"


def test_switching_language_is_remembered_and_works_on_a_phone(person, live_server):
    phone = person("rm_south", width=375, height=740)
    switch_language(phone, "English")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert phone.locator(".mainnav").get_by_role("link", name="My requests").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    shot(phone, "inbox-en-375px")
    phone.get_by_role("button", name="Sign out").click()
    phone.get_by_label("Username").fill("rm_south")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    assert "Start a request" in phone.inner_text("header")
    switch_language(phone, "中文")
    assert "发起申请" in phone.inner_text("header")
    phone.goto(live_server + "/start/travel_request")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "start-zh-375px")


PROCESSES = Path(__file__).resolve().parents[2] / "processes"
_DRAWN = ("participant", "lane", "startEvent", "endEvent", "userTask", "serviceTask", "scriptTask", "manualTask",
          "businessRuleTask", "sendTask", "receiveTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
          "eventBasedGateway", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "subProcess",
          "callActivity")
_RENDER = """async (xml) => {
  const viewer = new BpmnJS({container: '#canvas'});
  const {warnings} = await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport');
  const registry = viewer.get('elementRegistry');
  const shapes = registry.filter(e => e.type !== 'label' && !e.waypoints && e.type !== 'bpmn:Process'
                                      && e.type !== 'bpmn:Collaboration');
  const overlaps = [];
  const nodes = shapes.filter(e => e.type !== 'bpmn:Lane' && e.type !== 'bpmn:Participant' && !e.host);
  for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {
    const a = nodes[i], b = nodes[j];
    if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
      overlaps.push(a.id + '/' + b.id);
  }
  return {warnings: warnings.map(w => w.message), shapes: shapes.length,
          edges: registry.filter(e => !!e.waypoints).length, overlaps};
}"""


@pytest.mark.parametrize("diagram", sorted(p.name for p in PROCESSES.glob("*.bpmn")))
def test_every_diagram_opens_in_the_viewer_without_warnings(browser, live_server, diagram):
    """What an analyst sees in bpmn.io: every node, lane and flow drawn from
    the diagram interchange, nothing imported with a warning, no two nodes
    on top of each other. A picture of each goes to test-artifacts/."""
    from lxml import etree

    xml = (PROCESSES / diagram).read_text(encoding="utf-8")
    tree = etree.fromstring(xml.encode())
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "di": "http://www.omg.org/spec/BPMN/20100524/DI"}
    flows = len(tree.findall(".//bpmn:sequenceFlow", ns))
    nodes = sum(len(tree.findall(f".//bpmn:{kind}", ns)) for kind in _DRAWN)
    context = browser.new_context(viewport={"width": 1800, "height": 900})
    page = context.new_page()
    page.set_content('<div id="canvas" style="width:1800px;height:900px"></div>')
    page.add_script_tag(url=live_server + "/assets/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js")
    rendered = page.evaluate(_RENDER, xml)
    page.screenshot(path=str(SCREENSHOTS / f"diagram-{diagram.removesuffix('.bpmn')}.png"))
    context.close()
    assert rendered["warnings"] == []
    assert rendered["edges"] >= flows and rendered["shapes"] == nodes
    assert rendered["overlaps"] == []
