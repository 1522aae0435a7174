"""/operate/incidents: instances in error grouped by cause and overdue steps
(process admins and auditors read), bulk retries (process admins) and
their kept outcomes. A retry body that is not what it takes is a 400
naming the field."""
from marshmallow import EXCLUDE, Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.api.schemas import MAX_ID
from app.services import incident_retries, incidents

blp = ApiBlueprint("operate-incidents", __name__, description="Process admins: incidents and bulk retries")


class IncidentSchema(Schema):
    instance_id = fields.Integer(required=True)
    business_key = fields.String(required=True, allow_none=True)
    started_by = fields.String(required=True, allow_none=True)
    started_at = fields.DateTime(required=True)
    failed_at = fields.DateTime(required=True, allow_none=True)
    element_id = fields.String(required=True, allow_none=True)
    message = fields.String(required=True)
    operation = fields.String(required=True, allow_none=True, metadata={"description": "the failing service call"})
    params = fields.Dict(required=True, allow_none=True, metadata={"description": "what the failing call was asked"})


class GroupSchema(Schema):
    key = fields.String(required=True, metadata={"description": "the cause; POST it as group to retry them all"})
    process_key = fields.String(required=True)
    process_name = fields.String(required=True)
    version = fields.Integer(required=True)
    element_id = fields.String(required=True, allow_none=True)
    step_name = fields.String(required=True, allow_none=True)
    pattern = fields.String(required=True, metadata={"description": "the error message, numbers and ids folded"})
    count = fields.Integer(required=True)
    incidents = fields.List(fields.Nested(IncidentSchema), required=True)


class OverdueTaskSchema(Schema):
    task_id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    business_key = fields.String(required=True, allow_none=True)
    assignee = fields.String(required=True, allow_none=True)
    role = fields.String(required=True, allow_none=True)
    due_at = fields.DateTime(required=True)
    late_seconds = fields.Integer(required=True)


class OverdueStepSchema(Schema):
    process_key = fields.String(required=True)
    process_name = fields.String(required=True)
    element_id = fields.String(required=True)
    step_name = fields.String(required=True)
    count = fields.Integer(required=True)
    tasks = fields.List(fields.Nested(OverdueTaskSchema), required=True)


class IncidentsSchema(Schema):
    groups = fields.List(fields.Nested(GroupSchema), required=True)
    overdue = fields.List(fields.Nested(OverdueStepSchema), required=True)


class RetryBodySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    # read as given and checked by the service, so a bad one is a 400 naming it
    instance_ids = fields.Raw(metadata={"description": "ids of instances in error to retry (one or more)"})
    group = fields.Raw(metadata={"description": "the key of a group: retry every instance in error with that cause"})


class RetryItemSchema(Schema):
    instance_id = fields.Integer(required=True)
    element_id = fields.String(required=True, allow_none=True)
    outcome = fields.String(required=True, metadata={"description": "recovered, still_in_error, skipped, refused "
                                                                    "or failed"})
    message = fields.String(required=True, allow_none=True)
    at = fields.DateTime(required=True)


class RetrySchema(Schema):
    id = fields.Integer(required=True)
    scope = fields.String(required=True)
    group_key = fields.String(required=True, allow_none=True)
    group_label = fields.String(required=True, allow_none=True)
    requested_by = fields.Function(lambda r: r.requested_by.username if r.requested_by else None)
    requested_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(required=True, allow_none=True)
    counts = fields.Function(incident_retries.outcome_counts)
    items = fields.List(fields.Nested(RetryItemSchema), required=True)


@blp.get("/operate/incidents")
@blp.response(200, IncidentsSchema)
def list_incidents():
    """Instances in error grouped by cause, with the failing call's input
    and error, and overdue steps grouped by process and step."""
    user = current_user()
    return {"groups": incidents.incident_groups(user), "overdue": incidents.overdue_steps(user)}


@blp.post("/operate/incidents/retry")
@blp.arguments(RetryBodySchema)
@blp.response(201, RetrySchema)
def retry(body):
    """Retry {"instance_ids": [...]} or {"group": "<key>"}, each instance in
    its own transaction; the outcome per instance."""
    user = current_user()
    if "group" in body and "instance_ids" in body:
        raise incident_retries.BadRetryRequest.for_fields(
            {"group": ["Give instance_ids or group, not both."]}, message="group: give instance_ids or group, not both.")
    if "group" in body:
        return incident_retries.retry_group(body["group"], user)
    return incident_retries.retry_selection(body.get("instance_ids"), user)


@blp.get(f"/operate/incidents/retries/<int(max={MAX_ID}):retry_id>")
@blp.response(200, RetrySchema)
def get_retry(retry_id: int):
    """A bulk retry as kept: who, when, which cause, each instance's outcome."""
    return incident_retries.get_retry(retry_id, current_user())
