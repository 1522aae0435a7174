"""The facade the services use: one loaded workflow, for one command.

Nothing outside ``app/workflow`` sees a SpiffWorkflow object: a command
does its engine work on a ``Run`` and takes one ``Outcome`` of plain values
at the end (outcome.py)."""
import logging
import time
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException, WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessageEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from app.workflow.engine import LanesScriptEngine, LanesWorkflow
from app.workflow.outcome import EngineFailure, Outcome, ReadyTask, ThrownMessage
from app.workflow.pruning import prune
from app.workflow.serialization import _serializer, dump_state, load_spec, load_state
from app.workflow.waits import (PendingTimer, Waits, as_moment, awaited_messages, boundary_timer_due, fire_early,
                                is_timer, pending_timers)
from app.workflow.xml_names import is_true


log = logging.getLogger(__name__)

# Python errors an engine step raises itself (not through a script, which the
# engine wraps) when the instance's data is not what the diagram expects: a
# multi-instance over a value that is no list. The instance shows them.
_DATA_ERRORS = (TypeError, KeyError, IndexError, ValueError, AttributeError, NameError)


class TaskNotReady(Exception):
    pass


# One command's engine work has a budget: a diagram that loops without a
# person, a timer or a message in between (a call activity calling itself, a
# script loop back to itself) would otherwise spin, growing its state, until
# the worker dies. Business commands take tens of steps and milliseconds.
MAX_ENGINE_STEPS = 5_000
MAX_ENGINE_SECONDS = 20.0


class _RunawayCommand(Exception):
    """Raised between two engine steps once the command's budget is spent."""

    def __init__(self, task, message: str):
        super().__init__(message)
        self.task = task


class _StepBudget:
    """Counts the engine steps of one command and stops it before the step
    that would exceed ``MAX_ENGINE_STEPS`` or ``MAX_ENGINE_SECONDS``."""

    def __init__(self):
        self.steps = 0
        self.deadline = time.monotonic() + MAX_ENGINE_SECONDS

    def spend(self, task) -> None:
        self.steps += 1
        if self.steps > MAX_ENGINE_STEPS:
            raise _RunawayCommand(task, f"The command ran more than {MAX_ENGINE_STEPS} engine steps without "
                                        "waiting for a person, a timer or a message; stopped (a loop in the diagram?).")
        if time.monotonic() > self.deadline:
            raise _RunawayCommand(task, f"The command's engine steps ran longer than {MAX_ENGINE_SECONDS:g} s; "
                                        "stopped (a loop in the diagram?).")


class DataRefused(Exception):
    """What a command gave the engine lacks or contradicts a value the
    diagram needs: ``name`` is that value (a data output of the task being
    completed, a message's correlation property), ``element_id`` the step."""

    def __init__(self, name: str | None, element_id: str | None, message: str):
        super().__init__(message)
        self.name = name
        self.element_id = element_id
        self.message = message


def _missing_name(exc) -> str | None:
    """The name in the data whose absence made the engine fail, if that is why."""
    if isinstance(exc, WorkflowDataException):
        return getattr(exc.data_input or exc.data_output, "bpmn_id", None)
    cause = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__ or exc  # the engine wraps what a script raised
    return getattr(cause, "name", None) if isinstance(cause, NameError) else None


class Run:
    """A workflow loaded for one command: the command's engine work, then
    one ``outcome()`` (what changed is counted from the load, so a Run
    serves one command). ``service_handler(task_info, operation, params) ->
    dict`` serves its service tasks."""

    def __init__(self, workflow, service_handler):
        self._workflow = workflow
        self._service_handler = service_handler
        # Deserialised workflows come back with the default (unrestricted)
        # engine: always set ours, after every load.
        workflow.script_engine = LanesScriptEngine(self._serve)
        # What the instance waited for before this command: the outcome
        # reports what changed, so that the service touches only that.
        self._awaited_at_load = frozenset(self.awaited_messages())
        self._ready_at_load = frozenset(task.task_id for task in self.ready_tasks())
        self._failure: EngineFailure | None = None
        self._failed_call: dict | None = None

    @classmethod
    def start(cls, cache_key: str, spec_json, data: dict, service_handler) -> "Run":
        """A new workflow; ``spec_json`` (text, or a callable giving it) is read
        only when the parsed spec is not cached under ``cache_key``."""
        spec, subprocess_specs = load_spec(cache_key, spec_json)
        workflow = LanesWorkflow(spec, subprocess_specs)
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        return cls(workflow, service_handler)

    @classmethod
    def load(cls, cache_key: str, spec_json, state_json: str, service_handler) -> "Run":
        spec, subprocess_specs = load_spec(cache_key, spec_json)
        return cls(load_state(state_json, spec, subprocess_specs), service_handler)

    def _serve(self, task, operation, params):
        info = {"task_id": str(task.id), "element_id": task.task_spec.bpmn_id or task.task_spec.name}
        try:
            return self._service_handler(info, operation, params)
        except Exception:
            self._failed_call = {"task_id": info["task_id"], "operation": operation, "params": params}
            raise

    # -- engine steps -------------------------------------------------------
    def advance(self) -> EngineFailure | None:
        """Run every engine task that can run; a failure is returned (and
        reported in the outcome), not raised."""
        self._failed_call = None
        try:
            self._workflow.do_engine_steps(will_complete_task=_StepBudget().spend)
        except _RunawayCommand as exc:
            # The step that was about to run is marked failed, so that the
            # instance shows where it stopped and a retry starts there.
            exc.task.error()
            self._failure = self._failure_of(exc)
        except (WorkflowTaskException, SpiffWorkflowException, WorkflowException) as exc:
            self._failure = self._failure_of(exc)
        except _DATA_ERRORS as exc:  # raised by an engine step itself: the instance shows it, the log keeps the trace
            log.warning("engine step failed outside any script", exc_info=True)
            self._failure = self._failure_of(exc)
        else:
            self._failure = None
        return self._failure

    def settle(self) -> Outcome:
        """Run every engine task that can run, then report: the end of most
        commands' engine work."""
        self.advance()
        return self.outcome()

    def _failure_of(self, exc) -> EngineFailure:
        task = getattr(exc, "task", None)
        errored = self._workflow.get_tasks(state=TaskState.ERROR)
        if task is None and errored:
            task = errored[0]
        missing = _missing_name(exc)
        if task is None and isinstance(exc, _DATA_ERRORS):
            task, missing = self._starved_multi_instance() or (None, missing)
        message = str(exc) if isinstance(exc, SpiffWorkflowException) else f"{type(exc).__name__}: {exc}"
        cause = getattr(exc, "exception", None)
        if cause is not None and str(cause) not in message:
            message = f"{message}: {cause}"
        task_id = str(task.id) if task is not None else None
        call = self._failed_call if self._failed_call and self._failed_call["task_id"] == task_id else None
        return EngineFailure(
            task_id,
            (task.task_spec.bpmn_id or task.task_spec.name) if task is not None else None,
            message,
            missing,
            {"operation": call["operation"], "params": call["params"]} if call else None,
        )

    def _starved_multi_instance(self):
        """(task, input name) of a multi-instance about to start over an input
        that is no collection: the engine fails on it before it marks any task."""
        for task in self._workflow.get_tasks(state=TaskState.FUTURE):
            data_input = getattr(task.task_spec, "data_input", None)
            name = getattr(data_input, "bpmn_id", None)
            if name and task.parent is not None and task.parent.state == TaskState.COMPLETED \
                    and not isinstance(task.parent.data.get(name), (list, tuple, dict)):
                return task, name
        return None

    def _task(self, task_id: str):
        try:
            task = self._workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError, TypeError):
            task = None
        if task is None:
            raise TaskNotReady(f"Task {task_id} is not part of this instance.")
        return task

    def ready_tasks(self) -> list[ReadyTask]:
        """The READY human tasks, as they stand in memory now."""
        return [info for _, info in self._ready()]

    def _ready(self) -> list[tuple[object, ReadyTask]]:
        ready = []
        for task in self._workflow.get_tasks(state=TaskState.READY, manual=True):
            spec = task.task_spec
            props = (getattr(spec, "extensions", None) or {}).get("properties", {})
            ready.append((task, ReadyTask(
                task_id=str(task.id), element_id=spec.bpmn_id or spec.name, name=spec.bpmn_name or spec.name,
                lane=getattr(spec, "lane", None), form=props.get("formJsonSchemaFilename"),
                approval=is_true(props.get("approval")),
                approval_stage=(props.get("approvalStage") or "").strip() or None, due=props.get("due"),
                documentation=getattr(spec, "documentation", None), timer_due=boundary_timer_due(task),
                taken_by_org=(props.get("takenByOrg") or "").strip() or None,
            )))
        return ready

    def complete(self, task_id: str, data: dict) -> None:
        """Complete a READY human task with validated data. Raises TaskNotReady."""
        task = self._task(task_id)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(f"Task {task_id} is not waiting for a person.")
        task.data.update(data)
        try:
            task.run()
        except WorkflowDataException as exc:  # the task's own data outputs: what the person submits
            spec = exc.data_output or exc.data_input
            name = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
            raise DataRefused(name, task.task_spec.bpmn_id, f"Step {task.task_spec.bpmn_id} needs {name!r}.") from exc

    def fire_timers(self) -> None:
        self._workflow.refresh_timers()

    def fire_timer_early(self, element_id: str) -> PendingTimer:
        """Fire the pending timer of ``element_id`` now (waits.fire_early);
        the next ``advance`` takes its path. Raises waits.NoPendingTimer."""
        return fire_early(self._workflow, element_id)

    def waits(self) -> Waits:
        """Its pending timers and awaited messages, as of now."""
        return Waits(pending_timers(self._workflow), awaited_messages(self._workflow, self.correlations_for))

    def cancel(self) -> None:
        self._workflow.cancel()

    def retry(self, task_id: str) -> None:
        """Reset a failed task so the next ``advance`` runs it again."""
        task = self._task(task_id)
        if task.state != TaskState.ERROR:
            raise TaskNotReady(f"Task {task_id} has not failed.")
        self._workflow.reset_from_task_id(task.id)

    # -- messages and timers ----------------------------------------------------
    def _take_thrown(self) -> tuple[ThrownMessage, ...]:
        """Messages thrown for other instances (taken: the engine forgets them)."""
        return tuple(ThrownMessage(getattr(event.event_definition, "name", None), dict(event.correlations or {}),
                                   _serializer.registry.convert(event))
                     for event in self._workflow.get_events())

    def awaited_messages(self) -> set[str]:
        """Names of the messages this instance is waiting for."""
        return {e.name for e in self._workflow.waiting_events()
                if e.event_type == MessageEventDefinition.__name__ and e.name}

    def senders_for(self, name: str) -> set[str]:
        """The process keys a waiting catch of message ``name`` takes it from
        (its ``messageFrom`` property, comma-separated); empty: from anyone
        its correlation values admit. A platform answer (credit_rating_settled)
        names the flow whose end it reports, so an integration account or
        another diagram throwing the same name is passed over."""
        senders = set()
        for task in self._workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if not isinstance(definition, MessageEventDefinition) or definition.name != name:
                continue
            declared = (getattr(task.task_spec, "extensions", None) or {}).get("properties", {}).get("messageFrom", "")
            senders.update(key.strip() for key in declared.split(",") if key.strip())
        return senders

    def correlations_for(self, name: str) -> dict:
        """The correlation values this instance expects for message ``name``:
        those it already holds, else what its waiting task's data gives for
        the message's correlation properties (an order waits for the payment
        of *its* order number)."""
        expected = {}
        for task in self._workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if not isinstance(definition, MessageEventDefinition) or definition.name != name:
                continue
            for prop in definition.correlation_properties:
                try:
                    value = self._workflow.script_engine.environment.evaluate(prop.retrieval_expression, dict(task.data))
                except Exception:  # the data does not hold this property: no constraint from it
                    continue
                for key in prop.correlation_keys:
                    expected.setdefault(key, {})[prop.name] = value
        for key, values in self._workflow.correlations.items():
            expected.setdefault(key, {}).update(values)
        return expected

    def deliver(self, serialized_event: dict) -> bool:
        """Hand the instance a message; False when nothing in it catches the
        message (it stays for another receiver). Raises DataRefused when the
        payload lacks or contradicts a correlation property the catching
        event reads from it."""
        event = _serializer.registry.restore(serialized_event)
        self._check_payload(event)
        try:
            self._workflow.send_event(event)
        except WorkflowException as exc:
            if "not waiting" not in str(exc):
                raise
            return False
        return True

    def _check_payload(self, event) -> None:
        payload = event.payload if isinstance(event.payload, dict) else {}
        environment = self._workflow.script_engine.environment
        for task in self._workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if not isinstance(definition, MessageEventDefinition) or definition.name != event.event_definition.name:
                continue
            for prop in definition.correlation_properties:
                field, step = f"payload.{prop.name}", task.task_spec.bpmn_id
                try:
                    value = environment.evaluate(prop.retrieval_expression, dict(payload))
                except Exception as exc:  # the payload does not give the property
                    raise DataRefused(field, step, f"The message must carry {prop.name!r}: {exc}") from exc
                for key in prop.correlation_keys:
                    given = (event.correlations or {}).get(key, {})
                    if prop.name in given and given[prop.name] != value:
                        raise DataRefused(field, step, f"The payload's {prop.name!r} ({value!r}) is not the "
                                                       f"correlation's ({given[prop.name]!r}).")

    def _next_timer_due(self) -> datetime | None:
        due = []
        for event in self._workflow.waiting_events():
            if not is_timer(event.event_type) or event.value is None:
                continue
            moment = as_moment(event.value)
            if moment is not None:
                due.append(moment)
        return min(due) if due else None

    # -- the report -------------------------------------------------------------
    def outcome(self) -> Outcome:
        """Everything the command's engine work came to, read once. Call it
        last: it takes the thrown messages and prunes finished work."""
        thrown = self._take_thrown()  # before the dump, which would keep them in the state
        completed = self._workflow.is_completed()
        state = self._dump()
        # read after pruning, which may move the last task (and so the data)
        ready = self._ready()
        now_ready = {info.task_id for _, info in ready}
        opened = tuple(replace(info, data=dict(task.data)) for task, info in ready
                       if info.task_id not in self._ready_at_load)
        return Outcome(state=state, data=self._data(), completed=completed, failure=self._failure, thrown=thrown,
                       opened=opened, closed=self._ready_at_load - now_ready,
                       awaited=frozenset(self.awaited_messages()), awaited_before=self._awaited_at_load,
                       next_timer_due=self._next_timer_due())

    def _data(self) -> dict:
        """The instance data as of now: the workflow's once it has ended, else
        the data of the task that ran last."""
        if self._workflow.is_completed():
            return dict(self._workflow.data)
        last = self._workflow.last_task
        return dict(last.data) if last is not None else dict(self._workflow.task_tree.data)

    def _dump(self) -> str:
        prune(self._workflow)
        return dump_state(self._workflow)


def external_message(name: str, correlations: dict, payload: dict) -> dict:
    """A message from outside any instance (a customer portal, EDI), in the
    form the engine stores thrown messages: ``correlations`` maps each
    correlation key to its properties, e.g. {"delivery_note":
    {"delivery_note_no": "JH20261201001"}}."""
    return _serializer.registry.convert(BpmnEvent(SpiffMessageEventDefinition(name), payload, correlations))
