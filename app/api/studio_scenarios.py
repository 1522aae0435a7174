"""/studio/processes/<key>/scenarios: saved test scenarios of a diagram and
their runs in memory (against the draft, a version, or the latest version).
Process admins save; auditors list and run (a run writes nothing); others
get 403."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.api.schemas import MAX_ID
from app.services import studio_scenarios

blp = ApiBlueprint("studio-scenarios", __name__, description="The studio's test scenarios, run in memory")

SCENARIOS = "/studio/processes/<key>/scenarios"
SCENARIO = SCENARIOS + f"/<int(max={MAX_ID}):scenario_id>"


class ScenarioFieldsSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=studio_scenarios.MAX_NAME))
    start_data = fields.Dict(load_default=dict, metadata={"description": "the start form's data (and requester)"})
    decisions = fields.Dict(keys=fields.String(), load_default=dict,
                            metadata={"description": "element id -> form data submitted there, or a list (one per visit)"})
    service_results = fields.Dict(keys=fields.String(), load_default=dict,
                                  metadata={"description": "element id -> what the service task returns, or a list"})
    expected_end = Text(load_default="completed", validate=validate.Length(min=1, max=studio_scenarios.MAX_NAME),
                        metadata={"description": "'completed', or the element id where the run should stop or end"})


class ScenarioSchema(ScenarioFieldsSchema):
    id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    created_by = fields.Function(lambda s: s.created_by.username if s.created_by else None, allow_none=True)
    updated_by = fields.Function(lambda s: s.updated_by.username if s.updated_by else None, allow_none=True)


class RunQuerySchema(Schema):
    draft = fields.Boolean(load_default=False, metadata={"description": "run against the draft"})
    version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": "run against this deployed version (default: the latest)"})


class ScenarioRunSchema(Schema):
    scenario_id = fields.Integer(required=True)
    name = fields.String(required=True)
    passed = fields.Boolean(required=True)
    completed = fields.Boolean(required=True)
    expected_end = fields.String(required=True)
    path = fields.List(fields.String(), required=True, metadata={"description": "element ids in the order they ran"})
    stopped_at = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, metadata={
        "description": "completed, no_decision, no_service_result, invalid_data, engine_error, waiting_timer, "
                       "waiting_message, stuck or compile_failed"})
    message = fields.String(required=True)


@blp.get(SCENARIOS)
@blp.response(200, ScenarioSchema(many=True))
def list_scenarios(key):
    """The saved scenarios of a process, by name."""
    return studio_scenarios.list_scenarios(key, current_user())


@blp.post(SCENARIOS)
@blp.arguments(ScenarioFieldsSchema)
@blp.response(201, ScenarioSchema)
def create_scenario(body, key):
    """Save a new scenario (process admins); 422 naming the field when a name is taken or a value is bad."""
    return studio_scenarios.create_scenario(key, body, current_user())


@blp.put(SCENARIO)
@blp.arguments(ScenarioFieldsSchema)
@blp.response(200, ScenarioSchema)
def update_scenario(body, key, scenario_id):
    """Replace a saved scenario's fields (process admins)."""
    return studio_scenarios.update_scenario(key, scenario_id, body, current_user())


@blp.delete(SCENARIO)
@blp.response(204)
def delete_scenario(key, scenario_id):
    """Delete a saved scenario (process admins)."""
    studio_scenarios.delete_scenario(key, scenario_id, current_user())


@blp.post(SCENARIO + "/run")
@blp.arguments(RunQuerySchema, location="query")
@blp.response(200, ScenarioRunSchema)
def run_scenario(query, key, scenario_id):
    """Run a saved scenario in memory: the path taken, where it stopped and why, and whether that is the expected
    end. Writes nothing, so auditors may run it."""
    return studio_scenarios.run_scenario(key, scenario_id, current_user(), draft=query["draft"],
                                         version=query["version"])
