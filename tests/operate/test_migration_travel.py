"""Done when (issue 18): 200 running travel_request instances on v1, at four
different steps, are dry-run against a v2 that changes one step (the
department head's approval asks for a new form); those waiting at that
step cannot move and say why, the others move in one approved batch and
each completes on v2; the unmovable ones stay on v1 untouched; every
instance re-executes VERIFIED from its audit log."""
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, HumanTask, InstanceStatus, MigrationItem, ProcessInstance
from app.services import migrations, replay
from app.services.accounts import create_user
from tests.support.migration_travel import HEAD_STEP, V2_FORM, deploy_v2, drive_to_end, start_at

PER_POSITION = 50  # x 4 positions = 200 instances


def _second_admin():
    return create_user("admin_qian", "correct-horse", roles=["process_admin"], display_name="第二流程管理员")


def test_two_hundred_requests_move_to_v2_except_those_at_the_changed_step(flow, frozen_clock):
    by_position = {position: [start_at(flow, position, n) for n in range(PER_POSITION)]
                   for position in ("manager", "head", "revise", "gm")}
    v1 = by_position["manager"][0].definition
    assert v1.version == 1
    v2 = deploy_v2()
    planner, approver = flow.user("process_admin"), _second_admin()

    rows = migrations.plan_dry_run(planner, "travel_request", 1, v2)
    assert len(rows) == 4 * PER_POSITION
    refused = {row.instance_id: row for row in rows if not row.check.movable}
    assert set(refused) == {i.id for i in by_position["head"]}
    reason = next(iter(refused.values())).check.obstacles[0]
    assert (reason.element_id, reason.state, reason.reason) == (HEAD_STEP, "READY", "changed")
    assert "extensions" in reason.detail

    batch = migrations.plan_batch(planner, "travel_request", 1, v2, {}, {}, "部门经理审批需核对预算")
    assert batch.status == "pending"
    migrations.approve_batch(batch.id, approver)
    migrations.start_batch(batch.id, planner)
    while migrations.migrate_next_item(batch.id) is not None:
        pass
    progress = migrations.progress(batch.id, planner)
    assert progress == {**progress, "status": "finished", "total": 4 * PER_POSITION, "moved": 3 * PER_POSITION,
                        "refused": PER_POSITION, "failed": 0, "pending": 0, "percent": 100}
    refused_items = db.session.scalars(select(MigrationItem).where(MigrationItem.batch_id == batch.id,
                                                                   MigrationItem.status == "refused")).all()
    assert all(item.reasons[0]["element_id"] == HEAD_STEP for item in refused_items)

    for instance in by_position["head"]:  # untouched: still on v1, its task open, no event added
        db.session.refresh(instance)
        assert instance.definition.version == 1 and instance.status == InstanceStatus.running
        assert flow.ready_elements(instance) == [HEAD_STEP]
        assert not db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.instance_id == instance.id, AuditEvent.kind == "instance_migrated"))

    moved = [i for position in ("manager", "revise", "gm") for i in by_position[position]]
    for instance in moved:
        db.session.refresh(instance)
        assert instance.definition.version == v2
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                           AuditEvent.kind == "instance_migrated"))
        assert event.data["from"]["version"] == 1 and event.data["to"]["version"] == v2
        assert event.data["from"]["content_hash"] == v1.content_hash
        assert event.data["to"]["content_hash"] == instance.definition.content_hash
        assert (event.data["planned_by"], event.data["approved_by"], event.data["batch_id"]) == \
            ("process_admin", "admin_qian", batch.id)

    for instance in moved:
        steps = drive_to_end(flow, instance)
        assert instance.status == InstanceStatus.completed, steps
    staff = by_position["manager"] + by_position["revise"]
    heads = db.session.scalars(select(HumanTask).where(HumanTask.instance_id.in_([i.id for i in staff]),
                                                       HumanTask.element_id == HEAD_STEP)).all()
    assert len(heads) == len(staff) and {task.form_key for task in heads} == {V2_FORM}  # met v2's step

    verdicts = list(replay.reexecute_many(sorted(i.id for p in by_position.values() for i in p)))
    assert [v for v in verdicts if v.status != "VERIFIED"] == []
    assert db.session.scalar(select(func.count()).select_from(ProcessInstance).where(
        ProcessInstance.definition_id == v1.id, ProcessInstance.status == InstanceStatus.running)) == PER_POSITION
