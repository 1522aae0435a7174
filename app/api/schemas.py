"""Schemas shared by several API resources: the error body, tasks, instances
and pages. They both document (OpenAPI) and serialise the responses."""
from marshmallow import Schema, fields, validate

from app.form_kinds import KEYWORDS
from app.services import queries
from app.services.step_names import english_step_name

MAX_ID = 2**31 - 1  # ids are 32-bit integers in every backend we run on


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "snake_case error code"})
    message = fields.String(required=True)
    details = fields.Dict(required=True, metadata={"description": "fields: {field: [messages]}; problems: [...]"})


class ErrorSchema(Schema):
    """The one error body of the API (app/error_handlers.py renders it)."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class TaskSchema(Schema):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(allow_none=True, metadata={"description": "the step's English name from its diagram (nameEn), if any"})
    documentation = fields.String(allow_none=True)
    role = fields.String(required=True, allow_none=True,
                         metadata={"description": "candidate role, or the lane (e.g. @manager_of_requester) that named a person"})
    assignee = fields.String(required=True, allow_none=True, metadata={"description": "username holding the task"})
    delegated_from = fields.String(allow_none=True, metadata={"description": "username the assignee acts for"})
    form_key = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(["ready", "completed", "cancelled"]))
    is_approval = fields.Boolean(required=True)
    due_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    on_behalf_of = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)


# Forms are handed out as deployed, so a client reads each field's kind from the same keywords the pages do.
FORM_KINDS = f"; its fields declare their kinds with {', '.join(sorted(KEYWORDS))} (README, Form fields)"


class ShownItemSchema(Schema):
    key = fields.String(required=True, metadata={"description": "the declared key (or dotted path) of the instance data"})
    title = fields.String(required=True)
    value = fields.Raw(required=True, allow_none=True, metadata={"description": "the instance data at that key now"})
    document = fields.Dict(metadata={"description": "for 'key:kind': the ledger document {kind, number, facts, lines, totals}"})


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(required=True, allow_none=True,
                       metadata={"description": "the task's JSON Schema form" + FORM_KINDS})
    context = fields.Dict(required=True, metadata={"description": "the instance data the form shows"})
    shows = fields.List(fields.Nested(ShownItemSchema), required=True,
                        metadata={"description": "what the diagram declares the performer reads first, resolved now"})


class InstanceErrorSchema(Schema):
    message = fields.String(required=True, allow_none=True)
    element_id = fields.String(required=True, allow_none=True)


class InstanceSummarySchema(Schema):
    id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "version of the process definition"})
    business_key = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(["running", "completed", "cancelled", "error", "suspended"]))
    started_by = fields.String(required=True)
    started_at = fields.DateTime(required=True)
    ended_at = fields.DateTime(required=True, allow_none=True)
    data = fields.Dict(required=True)
    error = fields.Nested(InstanceErrorSchema, metadata={"description": "present when status is error"})


class InstanceSchema(InstanceSummarySchema):
    tasks = fields.List(fields.Nested(TaskSchema), required=True, metadata={"description": "every human task, oldest first"})


class InstancePageSchema(Schema):
    items = fields.List(fields.Nested(InstanceSummarySchema), required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


def _username(user):
    return user.username if user is not None else None


def task_body(task, names: dict | None = None) -> dict:
    """A HumanTask row as the API shows it. ``names`` (user id → username,
    from ``queries.usernames``) spares loading each person it names."""
    if names is not None:
        return {**_task_fields(task), **{field: names.get(getattr(task, field + "_id"))
                                         for field in ("assignee", "delegated_from", "completed_by", "on_behalf_of")}}
    return {**_task_fields(task), "assignee": _username(task.assignee), "delegated_from": _username(task.delegated_from),
            "completed_by": _username(task.completed_by), "on_behalf_of": _username(task.on_behalf_of)}


def _task_fields(task) -> dict:
    return {
        "id": task.id, "instance_id": task.instance_id, "process_key": task.instance.process_key,
        "element_id": task.element_id, "name": task.name,
        "name_en": english_step_name(task.instance.definition, task.element_id),
        "documentation": task.documentation,
        "role": task.candidate_role or task.lane, "form_key": task.form_key, "status": task.status.value,
        "is_approval": bool(task.is_approval), "due_at": task.due_at, "created_at": task.created_at,
        "claimed_at": task.claimed_at, "completed_at": task.completed_at, "outcome": task.outcome,
    }


def instance_body(instance, with_tasks: bool = True) -> dict:
    """A ProcessInstance as the API shows it; list pages leave out the tasks.
    The people it names are read in one query, without their roles."""
    tasks = queries.instance_tasks(instance) if with_tasks else []
    names = queries.usernames([instance.started_by_id, *(getattr(task, field) for task in tasks for field in (
        "assignee_id", "delegated_from_id", "completed_by_id", "on_behalf_of_id"))])
    body = {
        "id": instance.id, "process_key": instance.process_key, "version": instance.definition.version,
        "business_key": instance.business_key, "status": instance.status.value,
        "started_by": names.get(instance.started_by_id), "started_at": instance.started_at, "ended_at": instance.ended_at,
        "data": instance.data or {},
    }
    if instance.status.value == "error":
        body["error"] = {"message": instance.error_message, "element_id": instance.error_element_id}
    if with_tasks:
        body["tasks"] = [task_body(task, names) for task in tasks]
    return body
