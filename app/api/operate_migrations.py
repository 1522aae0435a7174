"""/operate/migrations: moving running instances to another version of
their process. Process admins plan (with a dry run), approve (a second
admin, never the planner, while OPERATE_MIGRATION_APPROVAL is on), run,
advance and move back; auditors read batches and their progress."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.services import migrations
from app.services.migration_plans import MAX_IDS, MAX_REASON_CHARS

blp = ApiBlueprint("operate_migrations", __name__, description="Operating processes: migrations between versions")


class SelectionSchema(Schema):
    ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=MAX_ID)), validate=validate.Length(max=MAX_IDS),
                      metadata={"description": "exactly these instances (still only the running ones on the source)"})
    elements = fields.List(fields.String(validate=validate.Length(min=1, max=255)),
                           metadata={"description": "instances with a task open at one of these steps"})
    started_from = fields.Date(metadata={"description": "started on or after this day"})
    started_to = fields.Date(metadata={"description": "started on or before this day"})


class DryRunSchema(Schema):
    process_key = fields.String(required=True, validate=validate.Length(min=1, max=128))
    source_version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    target_version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    selection = fields.Nested(SelectionSchema, load_default=dict)
    mapping = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=255)),
                          values=fields.String(validate=validate.Length(max=255)), load_default=dict,
                          metadata={"description": "{old element id: new element id} for renamed or replaced steps"})


class PlanSchema(DryRunSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=MAX_REASON_CHARS))


class MoveBackSchema(Schema):
    reason = fields.String(validate=validate.Length(min=1, max=MAX_REASON_CHARS))


class ObstacleSchema(Schema):
    element_id = fields.String(allow_none=True)
    state = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "removed, renamed, changed, missing_data, subprocess, stale, "
                                                    "version or status"})
    detail = fields.String()
    suggestion = fields.String(allow_none=True, metadata={"description": "the new element a mapping could name"})


class DryRunRowSchema(Schema):
    instance_id = fields.Integer()
    business_key = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    movable = fields.Boolean()
    active = fields.List(fields.String())
    reasons = fields.List(fields.Nested(ObstacleSchema))


class ProgressSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "pending (approval), approved, running or finished"})
    total = fields.Integer()
    done = fields.Integer()
    percent = fields.Integer()
    pending = fields.Integer()
    moved = fields.Integer()
    refused = fields.Integer()
    failed = fields.Integer()


class BatchSchema(Schema):
    id = fields.Integer()
    process_key = fields.String()
    source_version = fields.Integer()
    target_version = fields.Integer()
    selection = fields.Dict()
    mapping = fields.Dict()
    reason = fields.String()
    status = fields.String()
    reverse_of = fields.Integer(allow_none=True)
    planned_at = fields.DateTime()
    planned_by = fields.String(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    approved_by = fields.String(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


def _username(user):
    return user.username if user else None


def _batch(batch) -> dict:
    return {"id": batch.id, "process_key": batch.process_key, "source_version": batch.source.version,
            "target_version": batch.target.version, "selection": batch.selection, "mapping": batch.mapping,
            "reason": batch.reason, "status": batch.status, "reverse_of": batch.reverse_of_id,
            "planned_at": batch.planned_at, "planned_by": _username(batch.planned_by), "approved_at": batch.approved_at,
            "approved_by": _username(batch.approved_by), "started_at": batch.started_at,
            "finished_at": batch.finished_at}


class ItemSchema(Schema):
    instance_id = fields.Integer()
    business_key = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "pending, moved, refused or failed"})
    active = fields.List(fields.String())
    reasons = fields.List(fields.Nested(ObstacleSchema))
    error = fields.String(allow_none=True)
    millis = fields.Integer(allow_none=True)


class BatchDetailSchema(BatchSchema):
    progress = fields.Nested(ProgressSchema)
    items = fields.List(fields.Nested(ItemSchema))


def _id(value: int) -> int:
    return value if value <= MAX_ID else 0  # no row has it; PostgreSQL integers stop at MAX_ID


def _selection(body) -> dict:
    selection = dict(body.get("selection") or {})
    for key in ("started_from", "started_to"):
        if selection.get(key) is not None:
            selection[key] = selection[key].isoformat()
    return selection


def _detail(batch_id: int) -> dict:
    user = current_user()
    batch = migrations.batch(batch_id, user)
    rows = [{"instance_id": item.instance_id, "business_key": key, "status": item.status, "active": item.active,
             "reasons": item.reasons, "error": item.error, "millis": item.millis}
            for item, key in migrations.items(batch_id, user)]
    return {**_batch(batch), "progress": migrations.progress(batch_id, user), "items": rows}


@blp.post("/operate/migrations/dry-run")
@blp.arguments(DryRunSchema)
@blp.response(200, DryRunRowSchema(many=True))
def dry_run(body):
    """Per running instance the plan selects: could it move now, and if not, why. Changes nothing."""
    rows = migrations.plan_dry_run(current_user(), body["process_key"], body["source_version"],
                                   body["target_version"], _selection(body), body["mapping"])
    return [row.as_dict() for row in rows]


@blp.post("/operate/migrations")
@blp.arguments(PlanSchema)
@blp.response(201, BatchDetailSchema)
def plan(body):
    """Plan a batch (its dry run kept per instance); pending a second process admin's approval when the setting
    is on."""
    batch = migrations.plan_batch(current_user(), body["process_key"], body["source_version"],
                                  body["target_version"], _selection(body), body["mapping"], body["reason"])
    return _detail(batch.id)


@blp.get("/operate/migrations")
@blp.response(200, BatchSchema(many=True))
def batches():
    """The batches, newest first."""
    return [_batch(batch) for batch in migrations.batches(current_user())]


@blp.get("/operate/migrations/<int(signed=False):batch_id>")
@blp.response(200, BatchDetailSchema)
def batch(batch_id):
    """One batch with its progress and the result per instance."""
    return _detail(_id(batch_id))


@blp.get("/operate/migrations/<int(signed=False):batch_id>/progress")
@blp.response(200, ProgressSchema)
def progress(batch_id):
    """Counts per item status and the share done (what a progress bar polls)."""
    return migrations.progress(_id(batch_id), current_user())


@blp.post("/operate/migrations/<int(signed=False):batch_id>/approve")
@blp.response(200, BatchDetailSchema)
def approve(batch_id):
    """A second process admin approves (403 ``own_batch`` for its planner; 409 ``already_decided``)."""
    migrations.approve_batch(_id(batch_id), current_user())
    return _detail(_id(batch_id))


@blp.post("/operate/migrations/<int(signed=False):batch_id>/run")
@blp.response(200, BatchDetailSchema)
def run(batch_id):
    """Let an approved batch run: the worker moves it, one instance per transaction (409 ``not_approved``)."""
    migrations.start_batch(_id(batch_id), current_user())
    return _detail(_id(batch_id))


@blp.post("/operate/migrations/<int(signed=False):batch_id>/advance")
@blp.response(200, ProgressSchema)
def advance(batch_id):
    """Move a few more instances of a running batch now, without waiting for the worker."""
    migrations.advance(_id(batch_id), current_user())
    return migrations.progress(_id(batch_id), current_user())


@blp.post("/operate/migrations/<int(signed=False):batch_id>/move-back")
@blp.arguments(MoveBackSchema)
@blp.response(201, BatchDetailSchema)
def move_back(body, batch_id):
    """Plan the way back of a batch: the instances it moved, target to source, mapping reversed (its own approval)."""
    back = migrations.move_back(_id(batch_id), current_user(), body.get("reason"))
    return _detail(back.id)
