"""/reports/processes/<key>/<version>/steps: the process heatmap's figures
per step of one version, for analysts, managers and auditors."""
from marshmallow import Schema, fields

from app.api import current_user
from app.api.parsing import ApiBlueprint
from app.services import process_analytics

blp = ApiBlueprint("process_analytics", __name__, description="Where the process loses time")


class StepFiguresSchema(Schema):
    element_id = fields.String()
    name = fields.String()
    name_en = fields.String(allow_none=True)
    passed = fields.Integer(metadata={"description": "instances that reached the step"})
    visits = fields.Integer()
    completed = fields.Integer()
    open = fields.Integer()
    rework = fields.Integer(metadata={"description": "visits after the first in the same instance"})
    breached = fields.Integer(metadata={"description": "completed after the due time, or open past it"})
    waiting_p50 = fields.Integer(allow_none=True, metadata={"description": "seconds, ready → first claim"})
    waiting_p90 = fields.Integer(allow_none=True)
    working_p50 = fields.Integer(allow_none=True, metadata={"description": "seconds, first claim → completed"})
    working_p90 = fields.Integer(allow_none=True)


class VersionStepsSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    steps = fields.List(fields.Nested(StepFiguresSchema))


@blp.get("/reports/processes/<key>/<version>/steps")
@blp.response(200, VersionStepsSchema)
def version_steps(key: str, version: str):
    """Per user task of the version: instances passed, p50/p90 waiting and
    working seconds, SLA breaches, rework. 422 names ``version`` when it is
    not a number; 404 when no such version is deployed; 403 for readers
    outside the analysts, managers and auditors."""
    figures = process_analytics.version_steps(current_user(), key, version)
    return {"key": key, "version": figures.definition.version,
            "steps": [{**vars(step), "waiting_p50": step.waiting[0], "waiting_p90": step.waiting[1],
                       "working_p50": step.working[0], "working_p90": step.working[1]} for step in figures.steps]}
