"""A throwaway run of a compiled process for a studio test scenario.

Nothing here is stored: the workflow lives in memory for one call. Each
READY human task is completed with the scenario's decision for its element,
each service task answers with the scenario's result for its element (no
action runs, so nothing is posted), until the process ends or nothing more
can happen. The answer says which elements ran, in order, and why it
stopped."""
from dataclasses import dataclass

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from app.workflow.engine import LanesScriptEngine, LanesWorkflow, to_json
from app.workflow.runtime import _DATA_ERRORS, _RunawayCommand, _StepBudget
from app.workflow.waits import is_timer
from app.workflow.serialization import load_spec

MAX_HUMAN_STEPS = 500  # human tasks one scenario may complete before it is called a loop

# Why a run stopped (``SimulatedRun.reason``): each names ``stopped_at``.
COMPLETED = "completed"
NO_DECISION = "no_decision"  # a human task has no (more) decision in the scenario
NO_SERVICE_RESULT = "no_service_result"  # a service task has no result in the scenario
ENGINE_ERROR = "engine_error"  # a condition, script or data output failed
INVALID_DATA = "invalid_data"  # a decision the task's form refuses
WAITING_TIMER = "waiting_timer"
WAITING_MESSAGE = "waiting_message"
STUCK = "stuck"  # nothing ready and nothing awaited (or the step budget ran out)


@dataclass(frozen=True)
class SimulatedRun:
    path: tuple[str, ...]  # element ids in the order they ran
    completed: bool
    reason: str
    stopped_at: str | None  # element id, None when completed
    message: str


class _NoServiceResult(Exception):
    def __init__(self, element_id: str):
        super().__init__(f"No result given for {element_id}.")
        self.element_id = element_id


def _element_id(task) -> str | None:
    return task.task_spec.bpmn_id


def _pick(given, occurrence: int):
    """The answer for the ``occurrence``-th visit (from 0): a list gives one
    per visit, anything else answers every visit. None: no answer."""
    if isinstance(given, list):
        return given[occurrence] if occurrence < len(given) else None
    return given


class _Simulation:
    def __init__(self, cache_key: str, spec_json, start_data: dict, decisions: dict, service_results: dict,
                 check_form=None):
        spec, subprocess_specs = load_spec(cache_key, spec_json)
        self.workflow = LanesWorkflow(spec, subprocess_specs)
        self.workflow.task_tree.data.update(start_data)
        for task in self.workflow.get_tasks(state=TaskState.READY):
            task.data.update(start_data)
        self.workflow.script_engine = LanesScriptEngine(self._serve)
        self.decisions = decisions
        self.service_results = service_results
        self.check_form = check_form
        self.visits: dict[str, int] = {}
        self.path: list[str] = []

    def _visit(self, element_id: str) -> int:
        occurrence = self.visits.get(element_id, 0)
        self.visits[element_id] = occurrence + 1
        return occurrence

    def _serve(self, task, _operation, _params):
        element_id = _element_id(task) or task.task_spec.name
        result = _pick(self.service_results.get(element_id), self._visit(f"service:{element_id}"))
        if result is None:
            raise _NoServiceResult(element_id)
        return result

    def _ran(self, task) -> None:
        element_id = _element_id(task)
        if element_id and (not self.path or self.path[-1] != element_id or task.task_spec.manual):
            self.path.append(element_id)

    def _stop(self, reason: str, element_id: str | None, message: str) -> SimulatedRun:
        return SimulatedRun(tuple(self.path), False, reason, element_id, message)

    def _failure(self, exc) -> SimulatedRun:
        task = getattr(exc, "task", None)
        if task is None:
            errored = self.workflow.get_tasks(state=TaskState.ERROR)
            task = errored[0] if errored else None
        element_id = _element_id(task) if task is not None else None
        cause = getattr(exc, "exception", None) or exc.__cause__
        if isinstance(cause, _NoServiceResult):
            return self._stop(NO_SERVICE_RESULT, cause.element_id, str(cause))
        if isinstance(exc, _RunawayCommand):
            return self._stop(STUCK, element_id, str(exc))
        message = str(exc) if isinstance(exc, SpiffWorkflowException) else f"{type(exc).__name__}: {exc}"
        if cause is not None and str(cause) not in message:
            message = f"{message}: {cause}"
        return self._stop(ENGINE_ERROR, element_id, message)

    def _advance(self) -> SimulatedRun | None:
        try:
            self.workflow.do_engine_steps(will_complete_task=_StepBudget().spend, did_complete_task=self._ran)
        except (_RunawayCommand, SpiffWorkflowException, WorkflowException, *_DATA_ERRORS) as exc:
            return self._failure(exc)
        return None

    def _waiting(self) -> SimulatedRun:
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if definition is None:
                continue
            element_id = _element_id(task)
            if is_timer(type(definition).__name__):
                return self._stop(WAITING_TIMER, element_id, f"Waiting for a timer at {element_id}.")
            name = getattr(definition, "name", None) or ""
            return self._stop(WAITING_MESSAGE, element_id, f"Waiting for a message {name} at {element_id}.".replace("  ", " "))
        return self._stop(STUCK, None, "Nothing can happen any more: no step is ready and nothing is awaited.")

    def _complete(self, task) -> SimulatedRun | None:
        element_id = _element_id(task)
        occurrence = self._visit(element_id)
        data = _pick(self.decisions.get(element_id), occurrence)
        if not isinstance(data, dict):
            which = f" (visit {occurrence + 1})" if occurrence else ""
            return self._stop(NO_DECISION, element_id, f"No decision given for {element_id}{which}.")
        if self.check_form is not None:
            props = (getattr(task.task_spec, "extensions", None) or {}).get("properties", {})
            data, problem = self.check_form(element_id, props.get("formJsonSchemaFilename"), data, dict(task.data))
            if problem:
                return self._stop(INVALID_DATA, element_id, problem)
        task.data.update(data)
        try:
            task.run()
        except WorkflowDataException as exc:
            spec = exc.data_output or exc.data_input
            name = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
            return self._stop(ENGINE_ERROR, element_id, f"Step {element_id} needs {name!r}.")
        except (SpiffWorkflowException, WorkflowException, *_DATA_ERRORS) as exc:
            return self._failure(exc)
        self._ran(task)
        return None

    def run(self) -> SimulatedRun:
        for _ in range(MAX_HUMAN_STEPS):
            stopped = self._advance()
            if stopped is not None:
                return stopped
            if self.workflow.is_completed():
                return SimulatedRun(tuple(self.path), True, COMPLETED, None, "The process completed.")
            ready = self.workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                return self._waiting()
            stopped = self._complete(ready[0])
            if stopped is not None:
                return stopped
        return self._stop(STUCK, self.path[-1] if self.path else None,
                          f"More than {MAX_HUMAN_STEPS} human steps: stopped (a loop in the scenario?).")


def simulate(cache_key: str, spec_json, start_data: dict, decisions: dict, service_results: dict,
             check_form=None) -> SimulatedRun:
    """Run the compiled process ``spec_json`` in memory with the scenario's
    data: ``decisions`` and ``service_results`` map an element id to the
    data submitted / the result returned there (a list: one per visit).
    ``check_form(element_id, form_name, data, held) -> (data, problem)``,
    when given, checks each decision as the task's form would (a problem
    stops the run there) and gives the data the task receives.
    Never raises for what the diagram or the scenario does wrong: that is
    the stop reason. Raises TypeError only when the scenario's values are
    not JSON-like."""
    to_json(start_data)  # refuses what the engine could not hold
    return _Simulation(cache_key, spec_json, start_data, decisions, service_results, check_form).run()
