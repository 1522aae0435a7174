"""In the browser, as the process admin: the decision table of the contract
flow opened from the studio's list, a threshold cell edited in dmn-js, test
rows added and run by the server's engine (actual against expected); the
form editor, where a money field is added from the palette and appears in
the live preview. Then English, and an auditor's read-only look. Pictures go
to test-artifacts/studio_files/ and, when STUDIO_SHOTS names a folder, there
too."""
import json
import os
import shutil

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import StudioFileDraft
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person, shot  # noqa: F401  (fixtures)

pytestmark = pytest.mark.real_clock
TABLE = "contract_approval_authority.dmn"


def _picture(page, name):
    shot(page, "studio_files", name)
    if os.environ.get("STUDIO_SHOTS"):
        os.makedirs(os.environ["STUDIO_SHOTS"], exist_ok=True)
        shutil.copy(ARTIFACTS / "studio_files" / f"{name}.png", os.environ["STUDIO_SHOTS"])


def _draft(app, name):
    with app.app_context():
        draft = db.session.scalar(select(StudioFileDraft).where(StudioFileDraft.name == name))
        found = (draft.content, json.loads(draft.test_rows or "[]"), draft.revision) if draft else None
        db.session.remove()
    return found


def _draft_once(page, app, name, holds, tries=100):
    """The draft as soon as ``holds(content)``: an autosave sent before the
    last keystroke may have said 草稿已保存 while a later one is on its way."""
    for _ in range(tries):
        found = _draft(app, name)
        if found and holds(found[0]):
            return found
        page.wait_for_timeout(100)
    return _draft(app, name)


def _saved(page, text="草稿已保存"):
    page.wait_for_function("t => document.getElementById('studio-save-state').textContent === t", arg=text)


def _add_test_row(page, number, amount, days, expected):
    page.get_by_role("button", name="添加一行").click()
    page.get_by_label(f"输入 contract_amount {number}").fill(str(amount))
    page.get_by_label(f"输入 payment_days {number}").fill(str(days))
    page.get_by_label(f"期望 gm_approval_required {number}").fill(expected)


def _verdicts(page):
    return page.locator("#test-body td.verdict").all_inner_texts()


def test_edit_a_threshold_cell_and_run_the_test_table(person, live_server, live_app):
    page = person("process_admin")
    page.goto(live_server + "/studio/")
    row = page.locator("#process-contract_shipment")
    row.get_by_role("link", name=f"决策表 {TABLE}").click()
    page.wait_for_url(live_server + f"/studio/decisions/{TABLE}")
    page.wait_for_selector(".tjs-table")
    page.wait_for_selector("#test-head th")
    assert page.locator("#studio-draft-notice").is_hidden()

    _add_test_row(page, 1, 450000, 30, "False")
    _add_test_row(page, 2, 600000, 30, "True")
    page.get_by_role("button", name="运行测试").click()
    page.wait_for_function("() => document.getElementById('test-summary').textContent === '2 行中 2 行通过。'")
    assert _verdicts(page) == ["通过", "通过"]
    assert page.locator("#test-head th").first.inner_text() == "输入：合同金额（元）"

    # The director's authority drops to 400,000: edit the first rule's amount cell in the table.
    cell = page.locator(".tjs-table tbody tr").first.locator("td.input-cell").first
    assert cell.inner_text().strip() == "> 500000"
    cell.locator("[contenteditable]").click()
    page.keyboard.press("Control+A")
    page.keyboard.type("> 400000")
    page.locator("h1").click()  # leave the cell: dmn-js commits the edit
    _saved(page)
    page.wait_for_function("() => document.getElementById('test-summary').textContent === '2 行中 1 行通过。'")
    assert _verdicts(page) == ["不通过", "通过"]
    assert "gm_approval_required = true" in page.locator("#test-body tr").first.locator("td.actual").inner_text()
    content, rows, _ = _draft(live_app, TABLE)
    assert "&gt; 400000" in content and "&gt; 500000" not in content
    assert rows[0] == {"inputs": {"contract_amount": 450000, "payment_days": 30},
                       "expected": {"gm_approval_required": False}}
    # Only one cell changed: the deploy lint sees the rules overlap between 400,000 and 500,000.
    page.locator("#studio-problems li", has_text="Rule_PaymentDaysAboveDirectorAuthority").wait_for()
    assert page.locator("#decision-editor").get_by_text("命中策略：").is_visible()
    _picture(page, "decision-zh")

    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_selector("#test-head th")
    page.wait_for_function("() => document.getElementById('test-summary').textContent === '1 of 2 rows pass.'")
    assert page.get_by_role("button", name="Run tests").is_visible()
    _picture(page, "decision-en")
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    page.wait_for_selector("#test-head th")


def test_add_a_money_field_and_see_it_in_the_preview(person, live_server, live_app):
    page = person("process_admin")
    page.goto(live_server + "/studio/forms/travel_request.json")
    page.wait_for_selector('#form-preview [name="destination"]')
    previewed = int(page.locator("#studio-file").get_attribute("data-previewed"))
    page.locator('#form-palette button[data-kind="money"]').click()
    page.wait_for_function("n => Number(document.getElementById('studio-file').dataset.previewed) > n", arg=previewed)
    money = page.locator('#form-preview .money input[type="number"]')
    key = page.locator("#form-fields li").last.get_attribute("data-key")
    assert money.last.get_attribute("name") == key
    title = page.locator("#form-fields li").last.get_by_label("标题", exact=True)
    title.fill("报销金额（元）")
    page.locator("#form-fields li").last.get_by_label("英文标题", exact=True).fill("Amount claimed (CNY)")
    page.wait_for_function("() => [...document.querySelectorAll('#form-preview label')].some(l => l.textContent.includes('报销金额（元）'))")
    _saved(page)
    content, _, _ = _draft_once(page, live_app, "travel_request.json", lambda text: "Amount claimed (CNY)" in text)
    assert json.loads(content)["properties"][key] == {"title": "报销金额（元）", "x-title-en": "Amount claimed (CNY)",
                                                      "type": "number", "x-money": True, "minimum": 0, "multipleOf": 0.01}
    _picture(page, "form-zh")

    # A bad keyword typed in the raw JSON is named in the preview's problems.
    page.get_by_role("tab", name="原始 JSON").click()
    raw = page.locator("#form-json")
    raw.fill(raw.input_value().replace('"x-money": true', '"x-mony": true'))
    page.wait_for_function(f"() => document.getElementById('preview-problems').textContent.includes('{key}')")
    _picture(page, "form-problem-zh")
    for _ in range(120):  # autosaved a moment after the typing
        if '"x-mony"' in _draft(live_app, "travel_request.json")[0]:
            break
        page.wait_for_timeout(250)
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    page.wait_for_selector("#preview-problems li")
    page.get_by_role("tab", name="Fields").click()
    _picture(page, "form-en")
    with page.expect_navigation():
        page.get_by_role("button", name="中文").click()
    page.wait_for_selector("#form-fields li")


def test_an_auditor_reads_only(person, live_server):
    page = person("auditor")
    page.goto(live_server + f"/studio/decisions/{TABLE}")
    page.wait_for_selector(".tjs-table")
    assert page.get_by_role("button", name="运行测试").count() == 0
    assert page.locator("#studio-save-state").inner_text() == "只读：审计人员可以查看，不能修改。"
    page.goto(live_server + "/studio/forms/approval.json")
    page.wait_for_selector("#form-fields li")
    assert page.locator("#form-palette").count() == 0
    assert page.locator("#form-fields input").first.is_disabled()
    _picture(page, "form-auditor-zh")
    assert not person.errors
