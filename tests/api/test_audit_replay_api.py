"""GET /api/v1/audit/instances/<id>/replay: every event of an instance
with the tokens, path and data after it, for auditors and process admins;
403 for anyone else; bad selections are 4xx naming the field; no write."""
import hashlib

import pytest

from app.services.attachments import save_bytes
from tests.support.api_client import error_of

CONTRACT_PDF = b"%PDF-1.4 contract for the API replay"


@pytest.fixture
def approved(api, frozen_clock, master_data):
    from app.extensions import db
    from app.models import Customer

    customer = db.session.scalar(db.select(Customer.code).where(Customer.name == "浙江泵阀总经销有限公司"))
    rep = api("rep_east1")
    scan = save_bytes("contract.pdf", "application/pdf", CONTRACT_PDF)
    instance = rep.start("contract_shipment", {
        "customer": customer, "contract_no": "HT-API-1", "contract_amount": 100000.0, "payment_days": 30,
        "price_terms": "执行公司标准价", "payment_terms": "货到30天付款", "valid_from": "2026-11-01", "valid_to": "2027-11-01",
        "lines": [{"material": "MTR001", "qty": 2}], "contract_file": scan})
    for who, step in (("sales_admin", "Task_ContractReview"), ("director", "Task_DirectorApproval")):
        task = api(who).ready_task(instance["id"], step)
        api(who).ok("post", f"/tasks/{task['id']}/complete", json={"data": {"decision": "approve", "comment": "同意"}})
    return instance["id"]


def test_auditor_reads_every_moment_and_the_selected_ones_details(api, approved):
    body = api("auditor").ok("get", f"/audit/instances/{approved}/replay")
    moments = body["moments"]
    assert [m["seq"] for m in moments] == list(range(1, len(moments) + 1))
    assert body["selected_seq"] == moments[-1]["seq"] and body["process_key"] == "contract_shipment"
    director = next(m for m in moments if m["kind"] == "task_completed" and m["element_id"] == "Task_DirectorApproval")
    assert director["actor"] == "director" and director["actor_name"] == "刘营销总监" and director["step"] == "销售总监审批"
    assert "Task_ContractReview" in director["path"] and director["data"]["contract_amount"] == 100000.0
    first = api("auditor").ok("get", f"/audit/instances/{approved}/replay?seq=1")
    assert first["selected_seq"] == 1 and first["roles"] == ["sales_rep"]
    assert {c["key"] for c in first["changes"] if c["change"] == "added"} >= {"contract_amount", "contract_file"}
    [scan] = first["files"]
    assert scan["sha256"] == hashlib.sha256(CONTRACT_PDF).hexdigest() and scan["intact"] is True and scan["name"] == "contract.pdf"
    assert api("process_admin").ok("get", f"/audit/instances/{approved}/replay")["instance_id"] == approved


def test_others_are_refused_and_bad_input_names_its_field(api, approved):
    for who in ("rep_east1", "director"):  # the starter and an approver: they have the instance page, not the replay
        error_of(api(who).get(f"/audit/instances/{approved}/replay"), 403)
    auditor = api("auditor")
    assert "seq" in error_of(auditor.get(f"/audit/instances/{approved}/replay?seq=9999"), 422)["details"]["fields"]
    assert "seq" in error_of(auditor.get(f"/audit/instances/{approved}/replay?seq=x"), 422)["details"]["fields"]
    assert "as_of" in error_of(auditor.get(f"/audit/instances/{approved}/replay?as_of=soon"), 422)["details"]["fields"]
    error_of(auditor.get("/audit/instances/99999/replay"), 404)
    error_of(auditor.post(f"/audit/instances/{approved}/replay", json={}), 403)  # read-only, whatever the path
