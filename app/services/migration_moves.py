"""Moving one instance of a batch, in its own transaction: lock it, check
it is still running on the source version and still movable, move it in
the engine (no engine steps run), switch its version, record
``instance_migrated`` on its chain, and resync its human tasks (a task kept
by the move keeps its row, assignee and claim; its element id and label
follow the new version), subscriptions and timer."""
import time

from sqlalchemy import select

from app import clock
from app.audit.chain import record_instance_event
from app.extensions import db
from app.models import HumanTask, InstanceStatus, MigrationBatch, MigrationItem, TaskStatus
from app.services.commands import command, finish, lock_instance
from app.services.migration_plans import check_instance

INSTANCE_MIGRATED = "instance_migrated"


def _refuse(item: MigrationItem, reasons: list[dict]) -> None:
    item.status, item.reasons, item.done_at = "refused", reasons, clock.now()


def _version_facts(definition) -> dict:
    return {"definition_id": definition.id, "version": definition.version, "content_hash": definition.content_hash}


def _follow_kept_tasks(instance_id: int, kept) -> None:
    renamed = {task.task_id: task for task in kept}
    if not renamed:
        return
    for row in db.session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status == TaskStatus.ready,
            HumanTask.task_guid.in_(list(renamed)))):
        task = renamed[row.task_guid]
        if (row.element_id, row.name) != (task.element_id, task.name):
            row.element_id, row.name = task.element_id, task.name


@command
def move_instance(item_id: int):
    """Move the instance of one pending batch item; returns the instance,
    or None when it could not move any more (the item is marked refused
    with the reasons). Raises whatever the engine raises (the caller marks
    the item failed; nothing of the move is kept)."""
    started = time.perf_counter()
    item = db.session.scalar(select(MigrationItem).where(MigrationItem.id == item_id).with_for_update()
                             .execution_options(populate_existing=True))
    if item is None or item.status != "pending":
        return None  # another worker (or page) got to it first
    batch = db.session.get(MigrationBatch, item.batch_id)
    instance = lock_instance(item.instance_id)
    if instance.definition_id != batch.source_id:
        _refuse(item, [{"element_id": None, "state": None, "reason": "version",
                        "detail": f"The instance is on v{instance.definition.version} now, "
                                  f"not v{batch.source.version}."}])
        return None
    if instance.status != InstanceStatus.running:
        _refuse(item, [{"element_id": None, "state": None, "reason": "status",
                        "detail": f"The instance is {instance.status.value}; only running instances move."}])
        return None
    source, target = batch.source, batch.target
    run, check = check_instance(instance, target, batch.mapping or {})
    if not check.movable:
        _refuse(item, [obstacle.as_dict() for obstacle in check.obstacles])
        return None
    actor = batch.started_by or batch.approved_by or batch.planned_by
    record_instance_event(instance, INSTANCE_MIGRATED, actor=actor.username if actor else None, data={
        "batch_id": batch.id, "from": _version_facts(source), "to": _version_facts(target),
        "mapping": dict(batch.mapping or {}), "reason": batch.reason,
        "planned_by": batch.planned_by.username if batch.planned_by else None,
        "approved_by": batch.approved_by.username if batch.approved_by else None,
        "moved_back_from_batch": batch.reverse_of_id, "active": list(check.active)})
    instance.definition = target
    instance.definition_id = target.id
    instance.engine_version = target.engine_version
    _follow_kept_tasks(instance.id, check.kept)
    finish(instance, run.outcome(), actor)
    item.status, item.done_at, item.reasons = "moved", clock.now(), []
    item.millis = int((time.perf_counter() - started) * 1000)
    return instance
