"""The auditors' workbench end to end, as ``auditor`` in chromium: from the
header's 审计 link find a completed F01 contract by customer and amount,
step through its replay to the director's approval (the amount and price
terms he approved, the uploaded contract with its SHA-256), re-execute it
(VERIFIED), export the population found as CSV (its hash is on the exports
chain) and draw a sample of it. Pictures go to test-artifacts/auditor/."""
import hashlib
import re
from pathlib import Path

import pytest

from app.extensions import db
from tests.support.flow_driver import FlowDriver
from tests.web.browser_driving import browser, live_app, live_server, person  # noqa: F401  (fixtures)
from tests.web.browser_driving import labelled, shot

CONTRACT_PDF = b"%PDF-1.4\n% signed contract HT-AUDIT-7\n%%EOF\n"


@pytest.fixture(scope="module")
def completed_contract(live_app):
    """A completed F01 contract of 100,000 for the dealer (with its signed
    contract) and a small one still under way for the same dealer; the
    completed one's id."""
    from app.models import Customer
    from app.services.accounts import find_user
    from app.services.attachments import save_bytes
    from tests.support.contract_shipment import DEALER, REP, approve_contract, make_order, ship_after_order_review

    with live_app.app_context():
        sales = FlowDriver(find_user)
        customer = db.session.scalar(db.select(Customer.code).where(Customer.name == DEALER))

        def contract(number, amount, pdf):
            data = {"customer": customer, "contract_no": number, "contract_amount": amount, "payment_days": 30,
                    "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01",
                    "valid_to": "2027-11-01", "lines": [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}],
                    "contract_file": save_bytes("contract.pdf", "application/pdf", pdf)}
            return sales.start("contract_shipment", data, REP, business_key=number)

        instance = contract("HT-AUDIT-7", 100000.0, CONTRACT_PDF)
        approve_contract(sales, instance)
        make_order(sales, instance)
        sales.approve(instance, "Task_OrderReview", "sales_admin")
        ship_after_order_review(sales, instance)
        assert instance.status.value == "completed"
        contract("HT-AUDIT-8", 6000.0, b"%PDF-1.4 small\n%%EOF\n")
        instance_id = instance.id
        db.session.remove()
    return instance_id


def _found(page) -> list[str]:
    return page.locator("table.find-results tbody tr td:first-child").all_inner_texts()


def _step_back_to(page, kind: str, step_name: str) -> int:
    """Press ← until the selected event is ``kind`` at ``step_name``; its number."""
    page.focus("#replay-seq")
    for _ in range(int(page.get_attribute("#replay-scrubber", "data-seq"))):
        moment = page.locator("#replay-moment section.moment")
        if moment.get_attribute("data-kind") == kind and step_name in moment.inner_text():
            return int(moment.get_attribute("data-seq"))
        seq = int(page.get_attribute("#replay-scrubber", "data-seq"))
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"document.querySelector('#replay-moment section.moment').dataset.seq == '{seq - 1}'")
    pytest.fail(f"no {kind} at {step_name} in the replay")


def test_the_auditor_finds_replays_verifies_exports_and_samples(person, live_server, completed_contract):
    auditor = person("auditor")
    auditor.get_by_role("link", name="审计", exact=True).click()
    auditor.wait_for_url(live_server + "/audit/instances")

    # find: by customer and amount range
    labelled(auditor, "客户").fill("泵阀")
    labelled(auditor, "金额下限").fill("50000")
    labelled(auditor, "金额上限").fill("150000")
    auditor.get_by_role("button", name="查找", exact=True).click()
    auditor.wait_for_url(re.compile(r"/audit/instances\?.*amount_min=50000"))
    assert _found(auditor) == [f"#{completed_contract}"]
    row = auditor.locator("table.find-results tbody tr").first.inner_text()
    assert "HT-AUDIT-7" in row and "¥100,000.00" in row
    shot(auditor, "auditor", "01-found")
    find_url = auditor.url

    # replay: back to the director's approval
    auditor.get_by_role("link", name=f"#{completed_contract}").click()
    auditor.wait_for_url(live_server + f"/instances/{completed_contract}")
    auditor.get_by_role("link", name="逐步回放").click()
    auditor.wait_for_selector("#replay-scrubber[data-live=true]")
    seq = _step_back_to(auditor, "task_completed", "销售总监审批")
    panel = auditor.inner_text("#replay-moment")
    for expected in ("刘营销总监", "¥100,000.00", "执行公司标准价", "MTR001", "PRT001", "contract.pdf",
                     hashlib.sha256(CONTRACT_PDF).hexdigest()):
        assert expected in panel, (expected, panel)
    assert auditor.get_attribute("fieldset.as-seen p.decision", "data-decision") == "approve"
    assert auditor.locator(
        "#replay-diagram .djs-element.lanes-event[data-element-id=Task_DirectorApproval]").count() == 1
    shot(auditor, "auditor", "02-replay-director")

    # re-execution proves the stored state
    auditor.get_by_role("button", name="重新执行验证").click()
    verdict = auditor.wait_for_selector("#reexecute-verdict .reexecution")
    assert verdict.get_attribute("data-status") == "VERIFIED", verdict.inner_text()
    assert auditor.url.endswith(f"?seq={seq}")

    # the population found exports, and the file is on record by its hash
    auditor.goto(find_url)
    with auditor.expect_download() as caught:
        auditor.get_by_role("link", name="导出 CSV").click()
    exported = Path(caught.value.path()).read_bytes()
    assert exported.startswith("\ufeff".encode())
    text = exported.decode("utf-8-sig")
    assert "HT-AUDIT-7" in text and "HT-AUDIT-8" not in text  # the filter, not everything
    record = auditor.request.get(f"{live_server}/audit/exports/{hashlib.sha256(exported).hexdigest()}.json")
    assert record.status == 200 and record.json()["exports"][0]["totals"]["rows"] == 1

    # and a sample of it, reproducible by its seed
    auditor.get_by_role("link", name="抽取样本").click()
    auditor.wait_for_url(re.compile(r"/audit/samples\?.*customer="))
    auditor.get_by_label("样本量").fill("1")
    auditor.get_by_role("button", name="抽取样本").click()
    auditor.wait_for_selector("#sample-list")
    assert "样本 1 个，总体 1 个" in auditor.inner_text("#sample-summary")
    drawn = auditor.locator("#sample-list tbody tr").all_inner_texts()
    assert len(drawn) == 1 and f"{completed_contract}" in drawn[0]
    shot(auditor, "auditor", "03-sample")
    assert not person.errors, person.errors
