"""The replay page in chromium, as ``auditor``: a completed F01 contract
(with its signed contract PDF) is opened from its instance page, stepped
back with the arrow keys to the director's approval, where the page shows
the amount and price terms he approved, his decision, his role at that
moment and the contract file with its SHA-256; the event list moves the
diagram's marks too; re-execution answers VERIFIED in place. Pictures (Chinese and English) go to
test-artifacts/replay/."""
import hashlib
import re
from pathlib import Path

import pytest

from app.extensions import db
from tests.support.flow_driver import FlowDriver
from tests.web.browser_driving import ARTIFACTS, browser, live_app, live_server, person  # noqa: F401  (fixtures)

SHOTS = ARTIFACTS / "replay"
CONTRACT_PDF = b"%PDF-1.4\n% signed contract HT-REPLAY-9\n%%EOF\n"


@pytest.fixture(scope="module")
def shipped(live_app):
    """A completed F01 contract shipment, driven through the services of the live app; its id."""
    from app.models import Customer
    from app.services.accounts import find_user
    from app.services.attachments import save_bytes
    from tests.support.contract_shipment import DEALER, REP, approve_contract, make_order, ship_after_order_review

    with live_app.app_context():
        sales = FlowDriver(find_user)
        customer = db.session.scalar(db.select(Customer.code).where(Customer.name == DEALER))
        data = {"customer": customer, "contract_no": "HT-REPLAY-9", "contract_amount": 100000.0, "payment_days": 30,
                "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
                "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
                "contract_file": save_bytes("contract.pdf", "application/pdf", CONTRACT_PDF)}
        instance = sales.start("contract_shipment", data, REP, business_key="HT-REPLAY-9")
        approve_contract(sales, instance)
        make_order(sales, instance)
        sales.approve(instance, "Task_OrderReview", "sales_admin")
        ship_after_order_review(sales, instance)
        assert instance.status.value == "completed"
        instance_id = instance.id
        db.session.remove()
    return instance_id


def _moment(page) -> str:
    return page.inner_text("#replay-moment")


def test_auditor_steps_back_to_the_directors_approval(person, live_server, shipped):
    SHOTS.mkdir(parents=True, exist_ok=True)
    auditor = person("auditor")
    auditor.goto(f"{live_server}/instances/{shipped}")
    auditor.get_by_role("link", name="逐步回放").click()
    auditor.wait_for_url(re.compile(rf"/audit/instances/{shipped}/replay$"))
    auditor.wait_for_selector("#replay-scrubber[data-live=true]")
    auditor.wait_for_selector("#replay-diagram[data-marked]")
    last = int(auditor.get_attribute("#replay-scrubber", "data-seq"))
    assert "申请已办结" in _moment(auditor)

    auditor.focus("#replay-seq")
    for _ in range(last):  # back with ←, one event at a time, to the director's decision
        moment = auditor.locator("#replay-moment section.moment")
        if moment.get_attribute("data-kind") == "task_completed" and "销售总监审批" in moment.inner_text():
            break
        seq = int(auditor.get_attribute("#replay-scrubber", "data-seq"))
        auditor.keyboard.press("ArrowLeft")
        auditor.wait_for_function(f"document.querySelector('#replay-moment section.moment').dataset.seq == '{seq - 1}'")
    else:
        pytest.fail("no director's approval in the replay")
    seq = int(auditor.get_attribute("#replay-scrubber", "data-seq"))
    assert auditor.url.endswith(f"?seq={seq}")  # a link to this moment
    assert auditor.get_attribute("#replay-diagram", "data-seq") == str(seq)
    assert int(auditor.get_attribute("#replay-diagram", "data-marked")) > 2
    assert auditor.locator("#replay-diagram .djs-element.lanes-event[data-element-id=Task_DirectorApproval]").count() == 1
    panel = _moment(auditor)
    for expected in ("刘营销总监", "销售总监", "本人权限", "¥100,000.00", "执行公司标准价", "MTR001", "PRT001",
                     "contract.pdf", hashlib.sha256(CONTRACT_PDF).hexdigest(), "与哈希一致"):
        assert expected in panel, (expected, panel)
    assert auditor.get_attribute("fieldset.as-seen p.decision", "data-decision") == "approve"
    auditor.screenshot(path=str(SHOTS / "replay-director-zh.png"), full_page=True)
    auditor.locator("#replay-diagram").screenshot(path=str(SHOTS / "replay-director-diagram.png"))

    # the contract opens for the auditor, who never acted in this request
    with auditor.expect_download() as download:
        auditor.locator("table.attachments a", has_text="contract.pdf").first.click()
    assert Path(download.value.path()).read_bytes() == CONTRACT_PDF

    # one event earlier the director's approval waits: the token is on it
    auditor.keyboard.press("ArrowLeft")
    auditor.wait_for_function(f"document.querySelector('#replay-moment section.moment').dataset.seq == '{seq - 1}'")
    assert auditor.locator("#replay-diagram .djs-element.lanes-active[data-element-id=Task_DirectorApproval]").count() == 1
    auditor.locator("#replay-diagram").screenshot(path=str(SHOTS / "replay-waiting-diagram.png"))

    # the list moves everything the same way; a reload keeps the moment
    auditor.locator(".replay-events li[data-seq='1'] a").click()
    auditor.wait_for_function("document.querySelector('#replay-moment section.moment').dataset.seq == '1'")
    assert "提交申请" in _moment(auditor) and auditor.get_attribute("#replay-diagram", "data-seq") == "1"
    auditor.goto(f"{live_server}/audit/instances/{shipped}/replay?seq={seq}")
    assert auditor.get_attribute("#replay-moment section.moment", "data-seq") == str(seq)

    auditor.get_by_role("button", name="重新执行验证").click()
    verdict = auditor.wait_for_selector("#reexecute-verdict .reexecution")
    assert verdict.get_attribute("data-status") == "VERIFIED", verdict.inner_text()
    assert auditor.url.endswith(f"?seq={seq}")  # the verdict came in place
    auditor.locator("section.reexecute").screenshot(path=str(SHOTS / "replay-verified-zh.png"))

    auditor.get_by_role("button", name="English").click()
    auditor.wait_for_selector("#replay-diagram[data-marked]")
    assert "Replay" in auditor.inner_text("h1") and auditor.get_attribute("#replay-moment section.moment", "data-seq") == str(seq)
    assert "What the approver saw" in _moment(auditor)
    auditor.screenshot(path=str(SHOTS / "replay-director-en.png"), full_page=True)
    auditor.get_by_role("button", name="中文").click()
    assert not person.errors, person.errors
