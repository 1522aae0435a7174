"""The studio's test scenarios: saved start data, decisions and service
results that a diagram (a draft or a deployed version) is run with in
memory, compiled exactly as a deployment compiles it. Running writes
nothing: no instance, no task, no ledger posting, no audit event. Process
admins save scenarios; auditors list and run them; nobody else sees them."""
import copy
import json
from dataclasses import dataclass

from sqlalchemy import select

from app import clock
from app.actions import registered_actions
from app.errors import LanesError, NotFound, ValidationFailed
from app.extensions import db
from app.models import StudioScenario, User
from app.services import deployment, studio
from app.services.form_figures import with_computed_figures
from app.services.forms import validate_form
from app.services.performers import LANE_NAMES
from app.services.permissions import ensure_process_admin
from app.services.unit_of_work import use_case
from app.workflow.bundle import compile_bundle, kind_of
from app.workflow.scenario_run import COMPLETED, INVALID_DATA, SimulatedRun, simulate

MAX_SCENARIO_CHARS = 256 * 1024  # start data, decisions and results together, as JSON
MAX_NAME = 200
COMPILE_FAILED = "compile_failed"


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario run: ``path`` the element ids in the order they ran,
    ``stopped_at`` where it stopped (None when the process completed),
    ``message`` why, ``reason`` the kind of stop (scenario_run.py, or
    ``compile_failed``), ``passed`` whether that is the expected end."""

    name: str
    passed: bool
    path: tuple[str, ...]
    stopped_at: str | None
    message: str
    reason: str = COMPLETED
    completed: bool = False
    scenario_id: int | None = None
    expected_end: str = "completed"


def _passed(expected_end: str, run: SimulatedRun) -> bool:
    if expected_end == "completed":
        return run.completed
    if run.completed:  # an expected end event the run reached
        return expected_end in run.path
    return run.stopped_at == expected_end


def _compiled(key: str, files: dict[str, str]):
    """(the compiled process ``key`` of ``files``, None) or (None, the
    first problem as a stopped run): compiled as ``processes deploy``
    compiles, with the deployed forms and tables for those not given."""
    uploaded = {name: text.encode("utf-8") for name, text in files.items()}
    compiled, problems = compile_bundle(uploaded, deployment.stored_files(), lane_names=set(LANE_NAMES),
                                        actions=registered_actions())
    process = next((p for p in compiled if p.key == key), None)
    if process is not None:
        return process, None
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return None, SimulatedRun((), False, COMPILE_FAILED, first.element_id,
                                  f"The diagram does not compile: {first.message}{more}")
    return None, SimulatedRun((), False, COMPILE_FAILED, None, f"The files hold no executable process {key!r}.")


def _refusal(where: str, exc: LanesError) -> str:
    fields = (exc.details or {}).get("fields") or {}
    said = "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in fields.items())
    return f"{where} does not pass its form: {said or exc}"


def _form_checker(process):
    """Checks a decision as completing the task checks it (the form's
    schema, bounds and references, read only), then computes its figures."""
    schemas = {name: json.loads(text) for name, text in process.files.items() if kind_of(name) == "form"}

    def check(element_id, form_name, data, held):
        schema = schemas.get(form_name) if form_name else None
        try:
            validate_form(schema, data, form_name=form_name, held=held)
        except LanesError as exc:
            return data, _refusal(f"The decision for {element_id}", exc)
        return with_computed_figures(schema, data), None

    return check


def _started(process, start_data: dict) -> tuple[dict, SimulatedRun | None]:
    """The start data as starting the process takes it: the start form's
    fields checked and their figures computed; ``requester`` (which a real
    start fills in from who starts it) is the scenario's own."""
    schema = json.loads(process.files[process.start_form]) if process.start_form in process.files else None
    typed = {name: value for name, value in start_data.items() if name != "requester"}
    try:
        validate_form(schema, typed, form_name=process.start_form)
    except LanesError as exc:
        return start_data, SimulatedRun((), False, INVALID_DATA, None, _refusal("The start data", exc))
    computed = with_computed_figures(schema, typed)
    return ({**computed, "requester": start_data["requester"]} if "requester" in start_data else computed), None


def _run_one(scenario: StudioScenario, process, failed: SimulatedRun | None) -> ScenarioRun:
    if failed is None:
        start_data, failed = _started(process, copy.deepcopy(scenario.start_data or {}))
    run = failed or simulate(f"studio-scenario:{process.content_hash}", process.spec_json, start_data,
                             copy.deepcopy(scenario.decisions or {}), copy.deepcopy(scenario.service_results or {}),
                             _form_checker(process))
    return ScenarioRun(name=scenario.name, passed=run.reason not in (INVALID_DATA, COMPILE_FAILED)
                       and _passed(scenario.expected_end, run),
                       path=run.path, stopped_at=run.stopped_at, message=run.message, reason=run.reason,
                       completed=run.completed, scenario_id=scenario.id, expected_end=scenario.expected_end)


def _scenarios(key: str) -> list[StudioScenario]:
    return list(db.session.scalars(select(StudioScenario).where(StudioScenario.process_key == key)
                                   .order_by(StudioScenario.name, StudioScenario.id)))


def run_saved_scenarios(key: str, files: dict[str, str]) -> list[ScenarioRun]:
    """Every saved scenario of process ``key`` run against ``files`` (name ->
    text: a draft's diagram, or a deployed version's files), by name. A
    diagram that does not compile fails every scenario with the first
    problem. Writes nothing; checks no permission (the caller has)."""
    scenarios = _scenarios(key)
    if not scenarios:
        return []
    process, failed = _compiled(key, files)
    return [_run_one(scenario, process, failed) for scenario in scenarios]


# -- the studio's use of them ---------------------------------------------------
def list_scenarios(key: str, user: User) -> list[StudioScenario]:
    """The saved scenarios of ``key``, by name. Raises Forbidden, NotFound."""
    studio.latest_definition(key, user)
    return _scenarios(key)


def _scenario(key: str, scenario_id: int) -> StudioScenario:
    scenario = db.session.get(StudioScenario, scenario_id)
    if scenario is None or scenario.process_key != key:
        raise NotFound(f"Process {key!r} has no scenario {scenario_id}.")
    return scenario


def _checked(fields: dict) -> dict:
    """The scenario's fields, or ValidationFailed naming each bad one."""
    errors: dict[str, list[str]] = {}
    name = (fields.get("name") or "").strip()
    if not name or len(name) > MAX_NAME or "\x00" in name:
        errors["name"] = [f"Give a name of 1 to {MAX_NAME} characters."]
    for field in ("start_data", "decisions", "service_results"):
        if not isinstance(fields.get(field, {}), dict):
            errors[field] = ["Must be a JSON object."]
    for element_id, given in (fields.get("decisions") or {}).items():
        steps = given if isinstance(given, list) else [given]
        if not steps or not all(isinstance(step, dict) for step in steps):
            errors.setdefault("decisions", []).append(
                f"{element_id}: give the form data as an object, or a list of objects (one per visit).")
    expected = (fields.get("expected_end") or "completed").strip()
    if len(expected) > MAX_NAME or "\x00" in expected:
        errors["expected_end"] = ["Give 'completed' or an element id."]
    try:
        size = len(json.dumps([fields.get(f) for f in ("start_data", "decisions", "service_results")]))
    except (TypeError, ValueError):
        size = MAX_SCENARIO_CHARS + 1
    if size > MAX_SCENARIO_CHARS and "start_data" not in errors:
        errors["start_data"] = [f"The scenario's data may hold at most {MAX_SCENARIO_CHARS} characters."]
    if errors:
        raise ValidationFailed.for_fields(errors)
    return {"name": name, "start_data": fields.get("start_data") or {}, "decisions": fields.get("decisions") or {},
            "service_results": fields.get("service_results") or {}, "expected_end": expected}


def _name_taken(key: str, name: str, scenario_id: int | None) -> None:
    clash = db.session.scalar(select(StudioScenario.id).where(StudioScenario.process_key == key,
                                                              StudioScenario.name == name))
    if clash is not None and clash != scenario_id:
        raise ValidationFailed.for_fields({"name": ["Another scenario of this process has this name."]})


@use_case
def create_scenario(key: str, fields: dict, user: User) -> StudioScenario:
    """Save a new scenario of ``key``. Raises Forbidden, NotFound (no such
    process), ValidationFailed (a bad field, a name in use)."""
    ensure_process_admin(user, "save test scenarios")
    studio.latest_definition(key, user)
    values = _checked(fields)
    _name_taken(key, values["name"], None)
    now = clock.now()
    scenario = StudioScenario(process_key=key, created_at=now, created_by_id=user.id, updated_at=now,
                              updated_by_id=user.id, **values)
    db.session.add(scenario)
    db.session.flush()
    return scenario


@use_case
def update_scenario(key: str, scenario_id: int, fields: dict, user: User) -> StudioScenario:
    """Replace the fields of a saved scenario. Raises Forbidden, NotFound,
    ValidationFailed."""
    ensure_process_admin(user, "edit test scenarios")
    scenario = _scenario(key, scenario_id)
    values = _checked(fields)
    _name_taken(key, values["name"], scenario.id)
    for field, value in values.items():
        setattr(scenario, field, value)
    scenario.updated_at = clock.now()
    scenario.updated_by_id = user.id
    db.session.flush()
    return scenario


@use_case
def delete_scenario(key: str, scenario_id: int, user: User) -> None:
    """Delete a saved scenario. Raises Forbidden, NotFound."""
    ensure_process_admin(user, "delete test scenarios")
    db.session.delete(_scenario(key, scenario_id))


def files_to_run(key: str, user: User, draft: bool = False, version: int | None = None) -> dict[str, str]:
    """The files a scenario runs against: the draft's diagram (with the
    deployed forms and tables), version ``version``'s files, or else the
    latest version's. Raises Forbidden, NotFound, ValidationFailed (both a
    draft and a version asked for)."""
    if draft and version is not None:
        raise ValidationFailed.for_fields({"version": ["Run against the draft or a version, not both."]})
    definition = studio.latest_definition(key, user)
    if draft:
        return {definition.bpmn_file: studio.get_draft(key, user).xml}
    if version is not None:
        definition = deployment.find_definition(key, version)
        if definition is None:
            raise NotFound(f"Process {key!r} has no version {version}.")
    return dict(definition.files)


def run_scenario(key: str, scenario_id: int, user: User, draft: bool = False,
                 version: int | None = None) -> ScenarioRun:
    """Run one saved scenario in memory (see ``files_to_run`` for against
    what); writes nothing, so auditors may. Raises Forbidden, NotFound,
    ValidationFailed."""
    files = files_to_run(key, user, draft, version)
    scenario = _scenario(key, scenario_id)
    process, failed = _compiled(key, files)
    return _run_one(scenario, process, failed)
