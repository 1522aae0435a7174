"""Migration batches, for process admins: plan one (with its dry run kept
per instance), have a second process admin approve it (setting
OPERATE_MIGRATION_APPROVAL, on by default; off: the planner's run is his
approval), run it, watch its progress, move a batch back.

A running batch is moved by whoever gets to its items first: the worker
(``migrate_next_item``, one item per transaction, SKIP LOCKED) or an open
batch page (``advance``, a few items per request). A closed page or a
crash mid-batch leaves every instance either moved (with its chain event)
or still pending on its old version, never half; the batch shows which."""
from flask import current_app
from sqlalchemy import func, select, update

from app import clock
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import MigrationBatch, MigrationItem, ProcessInstance, User
from app.services.events import take_one
from app.services.migration_moves import move_instance
from app.services.migration_plans import check_plan, dry_run, selected_ids
from app.services.permissions import ensure_may_change, ensure_process_admin
from app.services.queries import sees_everything
from app.services.unit_of_work import use_case

ADVANCE_LIMIT = 20  # items one page request moves


def approval_required() -> bool:
    return bool(current_app.config.get("OPERATE_MIGRATION_APPROVAL", True))


def _ensure_admin(actor: User, what: str) -> None:
    ensure_may_change(actor)
    ensure_process_admin(actor, what)
    if actor is None:
        raise Forbidden(f"Only a process administrator may {what}.")


def ensure_reader(actor: User) -> None:
    """Batches are for process admins and auditors to see. Raises Forbidden."""
    if actor is None or not sees_everything(actor):
        raise Forbidden("Only process administrators and auditors see migrations.", code="not_a_reader")


def plan_dry_run(actor: User, process_key, source_version, target_version, selection=None, mapping=None) -> list:
    """The dry run of a plan not saved yet. Raises Forbidden, ValidationFailed."""
    _ensure_admin(actor, "plan a migration")
    return dry_run(check_plan(process_key, source_version, target_version, selection, mapping))


@use_case
def plan_batch(actor: User, process_key, source_version, target_version, selection=None, mapping=None,
               reason=None, reverse_of: MigrationBatch | None = None) -> MigrationBatch:
    """Save a batch with one item per selected instance (refused at once,
    with the reasons, when its dry run says it cannot move). Pending a
    second admin's approval when the setting is on, else approved by its
    planner. Raises Forbidden, ValidationFailed (naming the field)."""
    _ensure_admin(actor, "plan a migration")
    plan = check_plan(process_key, source_version, target_version, selection, mapping, reason)
    now = clock.now()
    batch = MigrationBatch(process_key=plan.source.key, source_id=plan.source.id, target_id=plan.target.id,
                           selection=plan.selection, mapping=plan.mapping, reason=plan.reason,
                           status="pending" if approval_required() else "approved", planned_at=now,
                           planned_by_id=actor.id, reverse_of_id=reverse_of.id if reverse_of else None)
    if not approval_required():
        batch.approved_at, batch.approved_by_id = now, actor.id
    db.session.add(batch)
    db.session.flush()
    for row in dry_run(plan):
        db.session.add(MigrationItem(
            batch_id=batch.id, instance_id=row.instance_id, active=list(row.check.active),
            status="pending" if row.check.movable else "refused",
            reasons=[obstacle.as_dict() for obstacle in row.check.obstacles],
            done_at=None if row.check.movable else now))
    db.session.flush()
    return batch


def _batch(batch_id: int, lock: bool = False) -> MigrationBatch:
    query = select(MigrationBatch).where(MigrationBatch.id == batch_id)
    batch = db.session.scalar(query.with_for_update() if lock else query)
    if batch is None:
        raise NotFound(f"Migration batch {batch_id} does not exist.")
    return batch


@use_case
def approve_batch(batch_id: int, actor: User) -> MigrationBatch:
    """A second process admin approves a pending batch. Raises Forbidden
    (``own_batch``: its planner), NotFound, Conflict (``already_decided``)."""
    _ensure_admin(actor, "approve a migration")
    batch = _batch(batch_id, lock=True)
    if batch.status != "pending":
        raise Conflict(f"Batch {batch_id} is {batch.status}; only a pending batch is approved.", code="already_decided")
    if batch.planned_by_id == actor.id:
        raise Forbidden("A second process administrator approves a migration, never the one who planned it.",
                        code="own_batch")
    batch.status, batch.approved_at, batch.approved_by_id = "approved", clock.now(), actor.id
    return batch


@use_case
def start_batch(batch_id: int, actor: User) -> MigrationBatch:
    """Let an approved batch run (the worker or an open page moves it).
    Raises Forbidden, NotFound, Conflict (``not_approved``)."""
    _ensure_admin(actor, "run a migration")
    batch = _batch(batch_id, lock=True)
    if batch.status == "pending":
        raise Conflict(f"Batch {batch_id} waits for a second process administrator's approval.", code="not_approved")
    if batch.status != "approved":
        raise Conflict(f"Batch {batch_id} is {batch.status} already.", code="already_running")
    batch.status, batch.started_at, batch.started_by_id = "running", clock.now(), actor.id
    _finish_if_done(batch)
    return batch


def _finish_if_done(batch: MigrationBatch) -> None:
    db.session.flush()
    left = db.session.scalar(select(func.count()).select_from(MigrationItem).where(
        MigrationItem.batch_id == batch.id, MigrationItem.status == "pending"))
    if batch.status == "running" and not left:
        batch.status, batch.finished_at = "finished", clock.now()


@use_case
def _close_finished(batch_id: int) -> None:
    batch = _batch(batch_id, lock=True)
    _finish_if_done(batch)


def migrate_next_item(batch_id: int | None = None) -> int | None:
    """Move one pending instance of a running batch (of ``batch_id``, or
    any) in its own transaction; the worker's job. Returns the item id, None
    when nothing is pending (a batch left with none is marked finished)."""
    query = select(MigrationItem.id).join(MigrationBatch, MigrationBatch.id == MigrationItem.batch_id).where(
        MigrationBatch.status == "running", MigrationItem.status == "pending").order_by(MigrationItem.id)
    if batch_id is not None:
        query = query.where(MigrationBatch.id == batch_id)
    item_id = take_one(query)
    if item_id is None:
        db.session.rollback()  # drops the lock query's transaction
        for running in list(db.session.scalars(select(MigrationBatch.id).where(
                MigrationBatch.status == "running", *([MigrationBatch.id == batch_id] if batch_id else [])))):
            _close_finished(running)
        return None
    _move_item(item_id)
    return item_id


def _move_item(item_id: int) -> None:
    try:
        move_instance(item_id)  # refused when it came to it: the reasons are on the item
    except Exception as exc:  # the move is rolled back; the item says why, the batch goes on
        db.session.rollback()
        _mark_failed(item_id, f"{type(exc).__name__}: {exc}"[:2000])


@use_case
def _mark_failed(item_id: int, error: str) -> None:
    db.session.execute(update(MigrationItem).where(MigrationItem.id == item_id, MigrationItem.status == "pending")
                       .values(status="failed", error=error, done_at=clock.now()))


def advance(batch_id: int, actor: User, limit: int = ADVANCE_LIMIT) -> MigrationBatch:
    """An open batch page moves up to ``limit`` items of a running batch
    (each in its own transaction). Raises Forbidden, NotFound."""
    _ensure_admin(actor, "run a migration")
    _batch(batch_id)
    for _ in range(limit):
        if migrate_next_item(batch_id) is None:
            break
    db.session.expire_all()
    return _batch(batch_id)


@use_case
def move_back(batch_id: int, actor: User, reason=None) -> MigrationBatch:
    """Plan the way back of a batch: the instances it moved, from its target
    to its source, with the mapping reversed; each still passes its own dry
    run and approval. Raises Forbidden, NotFound, Conflict (``nothing_moved``),
    ValidationFailed (reason)."""
    _ensure_admin(actor, "move a migration back")
    batch = _batch(batch_id)
    moved = list(db.session.scalars(select(MigrationItem.instance_id).where(
        MigrationItem.batch_id == batch.id, MigrationItem.status == "moved")))
    if not moved:
        raise Conflict(f"Batch {batch_id} moved no instance; there is nothing to move back.", code="nothing_moved")
    mapping = {new: old for old, new in (batch.mapping or {}).items()}
    return plan_batch(actor, batch.process_key, batch.target.version, batch.source.version, {"ids": moved}, mapping,
                      reason or f"Back from batch #{batch.id}", reverse_of=batch)


def progress(batch_id: int, actor: User) -> dict:
    """Counts per item status, the share done (0 until it runs), and the
    batch's status. Raises Forbidden, NotFound."""
    ensure_reader(actor)
    batch = _batch(batch_id)
    counts = dict(db.session.execute(select(MigrationItem.status, func.count()).where(
        MigrationItem.batch_id == batch.id).group_by(MigrationItem.status)).all())
    total = sum(counts.values())
    done = total - counts.get("pending", 0)
    started = batch.status in ("running", "finished")
    done = done if started else 0  # those refused when planned are not progress yet
    percent = (int(done * 100 / total) if total else 100) if started else 0
    return {"id": batch.id, "status": batch.status, "total": total, "done": done, "percent": percent,
            **{state: counts.get(state, 0) for state in ("pending", "moved", "refused", "failed")}}


def batches(actor: User, limit: int = 200) -> list[MigrationBatch]:
    """The newest batches first. Raises Forbidden."""
    ensure_reader(actor)
    return list(db.session.scalars(select(MigrationBatch).order_by(MigrationBatch.id.desc()).limit(limit)))


def batch(batch_id: int, actor: User) -> MigrationBatch:
    """One batch. Raises Forbidden, NotFound."""
    ensure_reader(actor)
    return _batch(batch_id)


def items(batch_id: int, actor: User) -> list[tuple[MigrationItem, str | None]]:
    """(item, business key) of a batch, in instance order. Raises Forbidden, NotFound."""
    ensure_reader(actor)
    _batch(batch_id)
    return list(db.session.execute(select(MigrationItem, ProcessInstance.business_key)
                                   .join(ProcessInstance, ProcessInstance.id == MigrationItem.instance_id)
                                   .where(MigrationItem.batch_id == batch_id)
                                   .order_by(MigrationItem.instance_id)).all())


__all__ = ["approval_required", "plan_dry_run", "plan_batch", "approve_batch", "start_batch", "migrate_next_item",
           "advance", "move_back", "progress", "batches", "batch", "items", "selected_ids"]
