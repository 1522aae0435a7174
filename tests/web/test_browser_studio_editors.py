"""In the browser, as the process admin: the canvas lint (bpmnlint) marks a
dangling element and lists it in the one problems list beside the deploy
check, a condition with a syntax error shows the error with its position and
the variables in play, the timer builder writes "PT2H" for two hours, the
"shows" picker, and the "?" shortcuts overlay; in Chinese and in English.
Pictures go to test-artifacts/studio_editors/ and, when STUDIO_SHOTS names a
folder, there too."""
import os
import shutil

import pytest

from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
EDITORS = '[data-group-id="group-lanes-editors"]'


def _picture(page, name):
    shot(page, "studio_editors", name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / "studio_editors" / f"{name}.png", os.environ["STUDIO_SHOTS"])


def _open(page, base, key, first_element):
    page.goto(f"{base}/studio/processes/{key}")
    page.wait_for_selector(f'.djs-element[data-element-id="{first_element}"]')


def _select(page, element_id):
    page.evaluate("id => { const s = window.lanesStudio; s.get('selection').select(s.get('elementRegistry').get(id)); }",
                  element_id)
    page.wait_for_selector(EDITORS)


def test_canvas_lint_and_a_condition_with_a_syntax_error(person, live_server):
    page = person("process_admin")
    _open(page, live_server, "travel_request", "Task_GMApproval")
    assert page.locator("#studio-problems li").count() == 0  # the shipped diagram passes the canvas lint
    page.evaluate("""() => {
      const s = window.lanesStudio, registry = s.get('elementRegistry');
      const pool = registry.filter(e => e.type === 'bpmn:Participant')[0] || s.get('canvas').getRootElement();
      const businessObject = s.get('bpmnFactory').create('bpmn:Task', { id: 'Task_Dangling' });
      const shape = s.get('elementFactory').createShape({ type: 'bpmn:Task', businessObject });
      s.get('modeling').createShape(shape, { x: pool.x + pool.width - 120, y: pool.y + 40 }, pool);
    }""")
    row = page.locator('#studio-problems li[data-source="canvas"] button[data-element-id="Task_Dangling"]',
                       has_text="no-disconnected")
    row.wait_for()
    assert "画布检查" in row.inner_text()
    assert int(page.locator("#studio-problem-count").inner_text()) >= 1
    assert page.locator('.djs-element.lanes-problem[data-element-id="Task_Dangling"]').count() == 1
    page.locator("#studio-canvas").click(position={"x": 5, "y": 5})
    row.click()
    assert page.evaluate("() => window.lanesStudio.get('selection').get().map(e => e.id)") == ["Task_Dangling"]
    deploy = page.locator('#studio-problems li[data-source="deploy"] button[data-element-id="Task_Dangling"]')
    deploy.wait_for()  # the saved draft's deploy check joins the same list: a plain task runs nothing
    assert "部署检查" in deploy.inner_text() and "plain bpmn:task" in deploy.inner_text()
    assert row.is_visible()
    _picture(page, "canvas-lint-zh")

    _select(page, "Flow_ManagerApproved")
    editor = page.locator(f"{EDITORS} textarea.lanes-code")
    assert editor.input_value() == 'decision == "approve"'
    page.locator(f"{EDITORS} .lanes-findings-ok").wait_for()
    assert page.locator(f"{EDITORS} .lanes-variable", has_text="traveller_check").count() == 1
    editor.fill('decision === "approve"')
    error = page.locator(f"{EDITORS} .lanes-finding-error")
    error.wait_for()
    assert "第 1 行第 12 列" in error.inner_text() and "Syntax error" in error.inner_text()
    editor.fill("")
    page.locator(f"{EDITORS} .lanes-variable", has_text="decision").click()  # click to insert
    assert editor.input_value() == "decision"
    page.locator(f"{EDITORS} .lanes-findings-ok").wait_for()
    assert page.evaluate("() => window.lanesStudio.get('elementRegistry').get('Flow_ManagerApproved')"
                         ".businessObject.conditionExpression.body") == "decision"
    editor.fill('decision === "approve"')
    error.wait_for()
    _picture(page, "condition-error-zh")

    _select(page, "Task_GMApproval")
    picker = page.locator(f"{EDITORS} .lanes-shows")
    picker.locator('input[name="lanes-shows-destination"]').wait_for()
    assert picker.locator('input[name="lanes-shows-destination"]').is_checked()
    picker.locator('input[name="lanes-shows-traveller_check"]').check()
    shows = "() => window.lanesStudio.get('elementRegistry').get('Task_GMApproval').businessObject.extensionElements" \
            ".values.find(v => v.$type === 'spiffworkflow:Properties').values.find(p => p.name === 'shows').value"
    assert page.evaluate(shows).endswith(",companions,traveller_check")
    _picture(page, "shows-picker-zh")

    page.locator("#studio-canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    overlay = page.locator("#studio-shortcuts")
    overlay.wait_for()
    assert "键盘快捷键" in overlay.inner_text() and "撤销" in overlay.inner_text()
    _picture(page, "shortcuts-zh")
    page.keyboard.press("Escape")
    assert overlay.is_hidden()

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_selector('.djs-element[data-element-id="Task_GMApproval"]')
    _select(page, "Flow_ManagerApproved")
    page.locator(f"{EDITORS} .lanes-finding-error", has_text="Line 1, column 12").wait_for()
    assert page.locator('#studio-problems li[data-source="canvas"]', has_text="Canvas check").count() >= 1
    _picture(page, "condition-error-en")
    page.keyboard.press("?")
    page.locator("#studio-shortcuts", has_text="Keyboard shortcuts").wait_for()
    _picture(page, "shortcuts-en")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    assert person.errors == []


def test_the_timer_builder_writes_two_hours_as_pt2h(person, live_server):
    page = person("process_admin")
    _open(page, live_server, "mail_order", "Timer_PaymentOverdue")
    _select(page, "Timer_PaymentOverdue")
    builder = page.locator(f"{EDITORS} .lanes-timer")
    assert builder.locator('select[name="lanes-timer-kind"]').input_value() == "expression"  # payment_due, kept
    assert builder.locator('input[name="lanes-timer-text"]').input_value() == "payment_due"
    builder.locator(".lanes-findings-ok").wait_for()
    builder.locator('select[name="lanes-timer-kind"]').select_option("duration")
    builder.locator('input[name="lanes-timer-amount"]').fill("2")
    builder.locator('select[name="lanes-timer-unit"]').select_option("hours")
    assert builder.locator(".lanes-timer-written code").inner_text() == '"PT2H"'
    timer = "() => window.lanesStudio.get('elementRegistry').get('Timer_PaymentOverdue').businessObject.eventDefinitions[0]"
    assert page.evaluate(f"() => ({timer})().timeDuration.body") == '"PT2H"'
    assert page.evaluate(f"() => !({timer})().timeDate")
    builder.locator(".lanes-findings-ok").wait_for()
    _picture(page, "timer-builder-zh")
    # Read back: selecting the timer again fills the builder from the diagram.
    _select(page, "Task_ConfirmPayment")
    _select(page, "Timer_PaymentOverdue")
    assert builder.locator('select[name="lanes-timer-kind"]').input_value() == "duration"
    assert builder.locator('input[name="lanes-timer-amount"]').input_value() == "2"
    assert builder.locator('select[name="lanes-timer-unit"]').input_value() == "hours"
    # bpmn-js's keyboard bindings are on: on the focused canvas Ctrl+A selects everything, Ctrl+Z undoes.
    page.locator("#studio-canvas svg").first.focus()
    page.keyboard.press("Control+a")
    assert page.evaluate("() => window.lanesStudio.get('selection').get().length") > 20
    done = "() => window.lanesStudio.get('commandStack')._stackIdx"
    before = page.evaluate(done)
    page.keyboard.press("Control+z")
    assert page.evaluate(done) == before - 1
    assert person.errors == []
