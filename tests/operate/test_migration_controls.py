"""Migration batches attacked and bent: a mapping for a renamed step, moving
back, the second admin's approval (the planner cannot approve his own),
the setting off, auditors and reps refused, bad input naming the field, a
move that fails half way leaving the instance as it was, data the new
version needs, and the worker's job."""
import pytest
from sqlalchemy import func, select

from app.errors import Conflict, Forbidden, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, HumanTask, InstanceStatus, MigrationItem, TaskStatus
from app.services import migration_moves, migrations, replay, worker
from app.services.accounts import create_user
from tests.support.migration_travel import (HEAD_STEP, TRIP, deploy_v2, deploy_xml, drive_to_end, start_at, v1_xml,
                                            v2_renamed_only_xml)

RENAMED = "Task_HeadApproval"


@pytest.fixture
def admins(flow):
    second = create_user("admin_qian", "correct-horse", roles=["process_admin"], display_name="第二流程管理员")
    return flow.user("process_admin"), second


def _run(batch, planner, approver):
    if batch.status == "pending":
        migrations.approve_batch(batch.id, approver)
    migrations.start_batch(batch.id, planner)
    while migrations.migrate_next_item(batch.id) is not None:
        pass
    return migrations.progress(batch.id, planner)


def _events(instance, kind="instance_migrated"):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id,
                                                            AuditEvent.kind == kind).order_by(AuditEvent.seq)))


def _verified(*instances):
    verdicts = list(replay.reexecute_many([i.id for i in instances]))
    assert [v for v in verdicts if v.status != "VERIFIED"] == []


def test_a_renamed_step_moves_only_with_a_mapping_and_keeps_its_task_row(flow, admins):
    planner, approver = admins
    waiting = start_at(flow, "head", 1)
    row = flow.task(waiting, HEAD_STEP)
    from app.services import tasks
    tasks.claim_task(row.id, flow.user("director"))
    v2 = deploy_xml(v2_renamed_only_xml(RENAMED))

    [unmapped] = migrations.plan_dry_run(planner, "travel_request", 1, v2)
    [reason] = unmapped.check.obstacles
    assert (reason.reason, reason.element_id, reason.suggestion) == ("renamed", HEAD_STEP, RENAMED)

    [mapped] = migrations.plan_dry_run(planner, "travel_request", 1, v2, mapping={HEAD_STEP: RENAMED})
    assert mapped.check.movable
    batch = migrations.plan_batch(planner, "travel_request", 1, v2, {"ids": [waiting.id]}, {HEAD_STEP: RENAMED},
                                  "部门经理审批改名")
    assert _run(batch, planner, approver)["moved"] == 1
    db.session.refresh(row)
    assert (row.element_id, row.status, row.assignee.username) == (RENAMED, TaskStatus.ready, "director")
    assert _events(waiting)[0].data["mapping"] == {HEAD_STEP: RENAMED}
    assert drive_to_end_renamed(flow, waiting) == [RENAMED]
    _verified(waiting)


def drive_to_end_renamed(flow, instance):
    flow.approve(instance, RENAMED, "director")
    db.session.refresh(instance)
    assert instance.status == InstanceStatus.completed
    return [RENAMED]


def test_moving_back_is_a_second_migration_with_its_own_event_and_approval(flow, admins):
    planner, approver = admins
    instances = [start_at(flow, "manager", n) for n in range(3)]
    v2 = deploy_v2()
    there = migrations.plan_batch(planner, "travel_request", 1, v2, {"elements": ["Task_ManagerApproval"]}, {}, "去 v2")
    assert _run(there, planner, approver)["moved"] == 3

    back = migrations.move_back(there.id, planner, "v2 的表单有误，回到 v1")
    assert (back.status, back.reverse_of_id, back.source.version, back.target.version) == ("pending", there.id, v2, 1)
    with pytest.raises(Forbidden):
        migrations.approve_batch(back.id, planner)
    assert _run(back, planner, approver)["moved"] == 3
    for instance in instances:
        db.session.refresh(instance)
        assert instance.definition.version == 1
        moves = _events(instance)
        assert [(e.data["from"]["version"], e.data["to"]["version"]) for e in moves] == [(1, v2), (v2, 1)]
        assert moves[1].data["moved_back_from_batch"] == there.id
        drive_to_end(flow, instance)
        assert flow.ready_elements(instance) == [] and instance.status == InstanceStatus.completed
    heads = db.session.scalars(select(HumanTask.form_key).where(
        HumanTask.instance_id.in_([i.id for i in instances]), HumanTask.element_id == HEAD_STEP)).all()
    assert set(heads) == {"approval.json"}  # back on v1's form
    _verified(*instances)


def test_the_planner_cannot_approve_his_own_batch_and_nothing_runs_before_approval(flow, admins):
    planner, approver = admins
    instance = start_at(flow, "manager", 1)
    v2 = deploy_v2()
    batch = migrations.plan_batch(planner, "travel_request", 1, v2, {}, {}, "去 v2")
    with pytest.raises(Forbidden) as refused:
        migrations.approve_batch(batch.id, planner)
    assert refused.value.code == "own_batch"
    with pytest.raises(Conflict) as early:
        migrations.start_batch(batch.id, planner)
    assert early.value.code == "not_approved"
    assert migrations.migrate_next_item() is None
    db.session.refresh(instance)
    assert instance.definition.version == 1 and not _events(instance)
    migrations.approve_batch(batch.id, approver)
    with pytest.raises(Conflict):
        migrations.approve_batch(batch.id, approver)


def test_with_approval_off_the_planners_run_is_his_approval(flow, admins, app):
    planner, _ = admins
    instance = start_at(flow, "gm", 1)
    v2 = deploy_v2()
    app.config["OPERATE_MIGRATION_APPROVAL"] = False
    try:
        batch = migrations.plan_batch(planner, "travel_request", 1, v2, {}, {}, "去 v2")
    finally:
        app.config["OPERATE_MIGRATION_APPROVAL"] = True
    assert (batch.status, batch.approved_by.username) == ("approved", "process_admin")
    migrations.start_batch(batch.id, planner)
    assert migrations.migrate_next_item() is not None  # the worker's job, any batch
    assert migrations.migrate_next_item() is None
    assert migrations.progress(batch.id, planner)["status"] == "finished"
    assert _events(instance)[0].data["approved_by"] == "process_admin"
    assert "migrations" in worker.JOBS


@pytest.mark.parametrize("who", ["auditor", "rep_east1", "rm_east"])
def test_only_process_admins_plan_approve_and_run(flow, admins, who):
    planner, approver = admins
    start_at(flow, "manager", 1)
    v2 = deploy_v2()
    outsider = flow.user(who)
    for attempt in (lambda: migrations.plan_dry_run(outsider, "travel_request", 1, v2),
                    lambda: migrations.plan_batch(outsider, "travel_request", 1, v2, {}, {}, "x")):
        with pytest.raises(Forbidden):
            attempt()
    batch = migrations.plan_batch(planner, "travel_request", 1, v2, {}, {}, "去 v2")
    for attempt in (lambda: migrations.approve_batch(batch.id, outsider),
                    lambda: migrations.start_batch(batch.id, outsider),
                    lambda: migrations.move_back(batch.id, outsider)):
        with pytest.raises(Forbidden):
            attempt()
    if who == "auditor":
        assert migrations.progress(batch.id, outsider)["total"] == 1  # auditors read
    else:
        with pytest.raises(Forbidden):
            migrations.progress(batch.id, outsider)


@pytest.mark.parametrize("args, field", [
    (("nope", 1, 2), "process_key"),
    (("travel_request", 9, 2), "source_version"),
    (("travel_request", 1, "2"), "target_version"),
    (("travel_request", 1, 1), "target_version"),
    (("travel_request", 1, 2, {"ids": ["x"]}), "selection.ids"),
    (("travel_request", 1, 2, {"owner": "me"}), "selection.owner"),
    (("travel_request", 1, 2, {"started_from": "yesterday"}), "selection.started_from"),
    (("travel_request", 1, 2, {}, {"Task_Nowhere": HEAD_STEP}), "mapping.Task_Nowhere"),
    (("travel_request", 1, 2, {}, {HEAD_STEP: "Task_Nowhere"}), f"mapping.{HEAD_STEP}"),
    (("travel_request", 1, 2, {}, {}, "  "), "reason"),
])
def test_bad_plans_are_refused_naming_the_field(flow, admins, args, field):
    planner, _ = admins
    deploy_v2()
    with pytest.raises(ValidationFailed) as refused:
        migrations.plan_batch(planner, *args) if len(args) == 6 else \
            migrations.plan_batch(planner, *args, *([{}] * (5 - len(args))), "理由")
    assert field in refused.value.details["fields"], refused.value.details


def test_a_move_that_fails_half_way_leaves_the_instance_as_it_was(flow, admins, monkeypatch):
    planner, approver = admins
    first, second = start_at(flow, "manager", 1), start_at(flow, "manager", 2)
    v2 = deploy_v2()
    batch = migrations.plan_batch(planner, "travel_request", 1, v2, {}, {}, "去 v2")
    real_finish = migration_moves.finish

    def crash_on_first(instance, outcome, actor):
        if instance.id == first.id:
            raise RuntimeError("disk full")
        real_finish(instance, outcome, actor)

    monkeypatch.setattr(migration_moves, "finish", crash_on_first)
    progress = _run(batch, planner, approver)
    assert (progress["moved"], progress["failed"], progress["status"]) == (1, 1, "finished")
    failed = db.session.scalar(select(MigrationItem).where(MigrationItem.instance_id == first.id))
    assert "disk full" in failed.error
    db.session.refresh(first)
    assert first.definition.version == 1 and not _events(first)
    assert flow.ready_elements(first) == ["Task_ManagerApproval"]
    _verified(first, second)


def test_data_the_new_version_needs_and_the_instance_lacks_stops_the_move(flow, admins):
    planner, _ = admins
    at_revision = start_at(flow, "revise", 1)
    xml = v1_xml().replace(
        'not (requester["level"] == "department_head" or requester["level"] == "director")</bpmn:conditionExpression>',
        'not (requester["level"] == "department_head" or requester["level"] == "director") and budget_code != ""'
        '</bpmn:conditionExpression>')
    import json
    from pathlib import Path
    form = json.loads((Path(__file__).resolve().parents[2] / "forms" / "travel_request.json").read_text("utf-8"))
    form["properties"]["budget_code"] = {"type": "string", "title": "预算编号", "maxLength": 32}
    xml = xml.replace('value="travel_request.json"', 'value="travel_request_budget.json"')
    v2 = deploy_xml(xml, {"travel_request_budget.json": json.dumps(form, ensure_ascii=False)})
    [row] = migrations.plan_dry_run(planner, "travel_request", 1, v2)
    assert [(o.reason, o.element_id) for o in row.check.obstacles] == [("missing_data", "Gateway_ByLevel")]
    assert "budget_code" in row.check.obstacles[0].detail
    assert TRIP  # the start data v1 had: no budget_code
