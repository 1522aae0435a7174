"""/process-instances: start, list, read, cancel, retry, history."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID, InstancePageSchema, InstanceSchema, instance_body
from app.services import instances, queries

blp = ApiBlueprint("process-instances", __name__, description="Process instances")

INSTANCE = f"/process-instances/<int(max={MAX_ID}):instance_id>"
STATUSES = ["running", "completed", "cancelled", "error", "suspended"]


class StartSchema(Schema):
    process_key = Text(required=True, validate=validate.Length(min=1, max=128))
    data = fields.Dict(required=True, metadata={"description": "the start form's data"})
    business_key = Text(allow_none=True, validate=validate.Length(max=128))
    confirm_foreign_customer = fields.Boolean(load_default=False, metadata={
        "description": "true: go ahead although the data names a customer that is not the caller's own "
                       "(a sales rep's: one they do not serve); without it such a request is refused with 422 "
                       "foreign_customer, details.foreign_customers naming each one and whom the ledger credits"})


class ListQuerySchema(Schema):
    process_key = Text(validate=validate.Length(max=128))
    status = fields.String(validate=validate.OneOf(STATUSES))
    started_by = Text(validate=validate.Length(max=64), metadata={"description": "a username, or me"})
    business_key = Text(validate=validate.Length(max=128))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=queries.MAX_PER_PAGE))


class CancelSchema(Schema):
    reason = Text(allow_none=True, validate=validate.Length(max=1000))


class EventSchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    element_id = fields.String(required=True, allow_none=True)
    task_id = fields.String(required=True, allow_none=True,
                            metadata={"description": "the engine's internal task GUID (hashed with the event)"})
    task_api_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "the human task's id as GET /tasks/{id} takes it, for events that concern a human task"})
    actor = fields.String(required=True, allow_none=True)
    on_behalf_of = fields.String(required=True, allow_none=True)
    data = fields.Dict(required=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)


class HistorySchema(Schema):
    events = fields.List(fields.Nested(EventSchema), required=True)


@blp.post("/process-instances")
@blp.arguments(StartSchema)
@blp.response(201, InstanceSchema)
def start(body):
    """Start the latest version of a process with its start-form data.

    A start naming a customer that is not the caller's own is 422
    ``foreign_customer`` unless ``confirm_foreign_customer`` is true; the
    confirmation is recorded in the history (``foreign_customer_acknowledged``)."""
    instance = instances.start_instance(body["process_key"], body["data"], current_user(),
                                        business_key=body.get("business_key"),
                                        confirm_foreign_customer=body["confirm_foreign_customer"])
    return instance_body(instance)


@blp.get("/process-instances")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, InstancePageSchema)
def list_instances(query):
    """The instances the caller may see, newest first, one page at a time."""
    page = queries.visible_instances(current_user(), **query)
    return {"items": [instance_body(i, with_tasks=False) for i in page.items], "page": page.page,
            "per_page": page.per_page, "total": page.total}


@blp.get(INSTANCE)
@blp.response(200, InstanceSchema)
def get_instance(instance_id):
    """One instance with its data and every human task it has had."""
    return instance_body(queries.visible_instance(instance_id, current_user()))


@blp.post(INSTANCE + "/cancel")
@blp.arguments(CancelSchema, required=False)
@blp.response(200, InstanceSchema)
def cancel(body, instance_id):
    """Cancel a running or failed instance: its starter or a process admin."""
    return instance_body(instances.cancel_instance(instance_id, current_user(), reason=(body or {}).get("reason")))


@blp.post(INSTANCE + "/retry")
@blp.response(200, InstanceSchema)
def retry(instance_id):
    """Run the failed step of an instance in error again (process admins)."""
    return instance_body(instances.retry_instance(instance_id, current_user()))


@blp.get(INSTANCE + "/history")
@blp.response(200, HistorySchema)
def history(instance_id):
    """The instance's hash-chained audit events, in order; an event about a
    human task names it by ``task_api_id`` too (the id of GET /tasks/{id})."""
    events = queries.instance_history(instance_id, current_user())
    task_ids = queries.task_api_ids(instance_id, events)
    hashed = [name for name in EventSchema._declared_fields if name != "task_api_id"]
    return {"events": [{**{name: getattr(e, name) for name in hashed}, "task_api_id": task_ids.get(e.seq)} for e in events]}
