"""A migrated instance in the auditors' tools: ``flask audit replay`` says
VERIFIED, the replay page shows the migration event (both versions with
their hashes, the mapping, who planned and who approved it) and the
admin actions report lists it."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.services import migrations
from app.services.accounts import create_user
from app.services.controls import admin_actions
from tests.support.logins import WebUser
from tests.support.migration_travel import HEAD_STEP, deploy_xml, start_at, v2_renamed_only_xml

RENAMED = "Task_HeadApproval"


def _migrated(flow):
    approver = create_user("admin_qian", "correct-horse", roles=["process_admin"], display_name="第二流程管理员")
    instance = start_at(flow, "head", 1)
    v2 = deploy_xml(v2_renamed_only_xml(RENAMED))
    planner = flow.user("process_admin")
    batch = migrations.plan_batch(planner, "travel_request", 1, v2, {}, {HEAD_STEP: RENAMED}, "部门经理审批改名")
    migrations.approve_batch(batch.id, approver)
    migrations.start_batch(batch.id, planner)
    assert migrations.migrate_next_item() is not None
    flow.approve(instance, RENAMED, "director")
    return instance, batch


def test_flask_audit_replay_verifies_a_migrated_instance(flow, cli):
    instance, _ = _migrated(flow)
    result = cli.invoke(args=["audit", "replay", str(instance.id)])
    assert result.exit_code == 0 and "1 verified, 0 diverged" in result.output, result.output


def test_the_replay_page_shows_the_migration_and_the_report_lists_it(app, flow):
    instance, batch = _migrated(flow)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                       AuditEvent.kind == "instance_migrated"))
    page = WebUser(app, "auditor").page(f"/audit/instances/{instance.id}/replay?seq={event.seq}")
    assert "迁移到其他版本" in page
    assert event.data["from"]["content_hash"][:12] in page and event.data["to"]["content_hash"][:12] in page
    assert f"<code>{HEAD_STEP}</code> → <code>{RENAMED}</code>" in page
    assert "第二流程管理员" in page.split("migrated-approver")[1][:200] and f"#{batch.id}" in page

    rows = [row for row in admin_actions.admin_actions(flow.user("auditor"), kind="instance_migrated")]
    assert [(row["instance_id"], row["actor"], row["why"]) for row in rows] == \
        [(instance.id, "process_admin", "部门经理审批改名")]
    assert rows[0]["what"].startswith("v1 → v2")


def test_a_migration_to_a_version_not_stored_so_is_never_verified(flow):
    from sqlalchemy import update

    from app.services import replay

    instance, _ = _migrated(flow)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                       AuditEvent.kind == "instance_migrated"))
    forged = {**event.data, "to": {**event.data["to"], "content_hash": "0" * 64}}
    db.session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(data=forged))
    db.session.expire_all()
    verdict = replay.reexecute(instance.id)
    assert (verdict.status, verdict.seq) == ("NOT_REEXECUTABLE", event.seq), verdict


def test_a_migrated_instance_is_flagged_as_an_admin_action_for_auditors(flow):
    from app.models import InstanceSummary

    instance, _ = _migrated(flow)
    assert db.session.get(InstanceSummary, instance.id).admin_action


def test_the_request_page_names_the_move(app, flow):
    instance, _ = _migrated(flow)
    page = WebUser(app, "rep_east1").page(f"/instances/{instance.id}")
    assert "迁移到其他版本" in page
