"""The checkpoints page, the instance page's checkpoint line and the evidence
pack: auditors and process admins read them, only process admins make a
checkpoint, everyone else gets 403."""
import json

from app.audit.evidence_check import verify_instance_evidence
from app.models import AuditCheckpoint
from app.extensions import db
from sqlalchemy import func, select


def _count():
    return db.session.scalar(select(func.count()).select_from(AuditCheckpoint))


def test_everyone_but_auditors_and_process_admins_is_refused(web, trip):
    rep = web("rep_east1")  # started the request: still not theirs to audit
    for url in ("/audit/checkpoints", f"/audit/instances/{trip}/evidence", f"/audit/instances/{trip}/evidence.json"):
        assert rep.get(url).status_code == 403, url
    assert rep.post("/audit/checkpoints").status_code == 403 and _count() == 0
    assert "audit/checkpoints" not in rep.page(f"/instances/{trip}")


def test_auditor_reads_but_cannot_make_a_checkpoint(web, trip):
    auditor = web("auditor")
    page = auditor.page("/audit/checkpoints")
    assert "审计检查点" in page and "立即生成检查点" not in page
    assert auditor.post("/audit/checkpoints", token_from="/audit/checkpoints").status_code == 403 and _count() == 0
    assert "尚未被签名检查点覆盖" in auditor.page(f"/instances/{trip}")


def test_process_admin_makes_one_and_the_instance_page_names_it(web, trip):
    admin = web("process_admin")
    assert "立即生成检查点" in admin.page("/audit/checkpoints")
    response = admin.post("/audit/checkpoints", token_from="/audit/checkpoints")
    assert response.status_code == 302 and _count() == 1
    made = db.session.scalar(select(AuditCheckpoint))
    listed = web("auditor").page("/audit/checkpoints")
    assert f"/audit/checkpoints/{made.id}/export.json" in listed and made.root[:16] in listed
    line = web("auditor").page(f"/instances/{trip}")
    assert f"覆盖此实例的最新检查点：#{made.id}" in line and made.root[:16] in line
    export = web("auditor").get(f"/audit/checkpoints/{made.id}/export.json")
    assert export.status_code == 200 and json.loads(export.get_data())["root"] == made.root
    key = web("auditor").get(f"/audit/checkpoints/{made.id}/public-key.pem")
    assert key.get_data(as_text=True) == made.public_key
    for url in (f"/audit/checkpoints/{made.id}/public-key.pem", f"/audit/checkpoints/{made.id}/export.json"):
        assert web("rep_east1").get(url).status_code == 403, url
    assert web("auditor").get(f"/audit/checkpoints/{made.id + 1}/export.json").status_code == 404
    assert web("auditor").get("/audit/instances/2147483647/evidence").status_code == 404


def test_evidence_page_and_json_carry_the_checkpoint_and_verify(web, trip):
    web("process_admin").post("/audit/checkpoints", token_from="/audit/checkpoints")
    made = db.session.scalar(select(AuditCheckpoint))
    auditor = web("auditor")
    page = auditor.page(f"/audit/instances/{trip}/evidence")
    for label in ("证据包", "签名检查点", "包含证明", "事件", "附件", "系统调用", "链头"):
        assert label in page, label
    assert made.root in page
    pack = json.loads(auditor.get(f"/audit/instances/{trip}/evidence.json").get_data())
    assert pack["checkpoint"]["id"] == made.id and pack["instance"]["id"] == trip
    assert pack["instance"]["definition_content_hash"] and pack["events"][0]["hash"] in page
    from app.models import ProcessInstance
    pinned = db.session.get(ProcessInstance, trip).definition
    assert (pack["instance"]["version"], pack["instance"]["definition_content_hash"]) == (pinned.version, pinned.content_hash)
    assert verify_instance_evidence(pack, made.public_key).ok
