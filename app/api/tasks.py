"""/tasks: the caller's work list and what they do with a task."""
from urllib.parse import urlencode

from flask import request
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID, InstanceSchema, TaskDetailSchema, TaskSchema, instance_body, task_body
from app.services import queries, task_view, tasks, work_list

blp = ApiBlueprint("tasks", __name__, description="Human tasks")

TASK = f"/tasks/<int(max={MAX_ID}):task_id>"


class ListQuerySchema(Schema):
    scope = fields.String(load_default="all", validate=validate.OneOf(["all", "mine"]),
                          metadata={"description": "mine: only tasks assigned to or claimed by the caller"})
    limit = fields.Integer(load_default=work_list.PAGE, validate=validate.Range(min=1, max=work_list.MAX_PAGE),
                           metadata={"description": "tasks per page"})
    after = Text(load_default=None, validate=validate.Length(min=1, max=200), metadata={
        "description": "the cursor of the page to read, from the previous page's Link header (rel=next)"})


class DelegateSchema(Schema):
    to = Text(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "username"})


class ReassignSchema(Schema):
    to = Text(required=True, validate=validate.Length(min=1, max=64), metadata={"description": "username"})
    reason = Text(required=True, validate=validate.Length(min=1, max=500),
                  metadata={"description": "why the task changes hands (recorded in the audit log)"})


class CompleteSchema(Schema):
    data = fields.Dict(required=True, metadata={"description": "the task form's data"})
    confirm_foreign_customer = fields.Boolean(load_default=False, metadata={
        "description": "true: go ahead although the data names a customer that is not the caller's own "
                       "(a sales rep's: one they do not serve); without it such a request is refused with 422 "
                       "foreign_customer, details.foreign_customers naming each one and whom the ledger credits"})


@blp.get("/tasks")
@blp.arguments(ListQuerySchema, location="query")
@blp.response(200, TaskSchema(many=True))
def list_tasks(query):
    """READY tasks the caller may act on: assigned, claimable through a role, or delegated; soonest due
    first (none due last), then oldest. One page at a time: when there are more, the ``Link`` header
    names the next page (``rel="next"``) and ``X-Next-After`` holds its cursor."""
    rows, next_after = work_list.WorkList(current_user(), scope=query["scope"]).page(
        after=query["after"], limit=query["limit"])
    body = [task_body(task) for task, _box in rows]
    if next_after is None:
        return body
    following = urlencode({"scope": query["scope"], "limit": query["limit"], "after": next_after})
    return body, {"Link": f'<{request.base_url}?{following}>; rel="next"', "X-Next-After": next_after}


@blp.get(TASK)
@blp.response(200, TaskDetailSchema)
def get_task(task_id):
    """A task with its JSON Schema form, the instance data the form shows, and
    what its diagram says the performer reads first (``shows``: documents
    read from the ledger with their lines and totals)."""
    task = queries.visible_task(task_id, current_user())
    instance = task.instance
    return {**task_body(task), "form": instance.definition.form_schema(task.form_key), "context": instance.data or {},
            "shows": [item.as_json() for item in task_view.shown_items(task)]}


@blp.post(TASK + "/claim")
@blp.response(200, TaskSchema)
def claim(task_id):
    """Take a role task for yourself; 409 when someone else holds it."""
    return task_body(tasks.claim_task(task_id, current_user()))


@blp.post(TASK + "/release")
@blp.response(200, TaskSchema)
def release(task_id):
    """Give a claimed task back to its role."""
    return task_body(tasks.release_task(task_id, current_user()))


@blp.post(TASK + "/delegate")
@blp.arguments(DelegateSchema)
@blp.response(200, TaskSchema)
def delegate(body, task_id):
    """Hand the task to another person, who then acts on your behalf."""
    return task_body(tasks.delegate_task(task_id, current_user(), body["to"]))


@blp.post(TASK + "/reassign")
@blp.arguments(ReassignSchema)
@blp.response(200, TaskSchema)
def reassign(body, task_id):
    """Process administrators: give a ready task (stuck or not) to another eligible person, with a reason."""
    return task_body(tasks.reassign_task(task_id, current_user(), body["to"], body["reason"]))


@blp.post(TASK + "/complete")
@blp.arguments(CompleteSchema)
@blp.response(200, InstanceSchema)
def complete(body, task_id):
    """Submit the task's form; returns the instance as it stands after."""
    return instance_body(tasks.complete_task(task_id, current_user(), body["data"],
                                            confirm_foreign_customer=body["confirm_foreign_customer"]))
