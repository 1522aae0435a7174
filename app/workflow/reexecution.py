"""The engine side of re-execution: a fresh workflow on a pinned version,
fed recorded inputs one command at a time, that reports after each what a
command's engine work came to (as ``Run.outcome`` does, without saving the
state) and, when asked, where the tokens are and the path taken so far.

Task ids are random in every run, so callers name tasks by element id and
by the ids this run gave them (``Step.opened``); nothing here reads the
database or the audit log."""
import json
from dataclasses import dataclass, field

from SpiffWorkflow.util.task import TaskState

from app.workflow.migration import MoveCheck, move_run
from app.workflow.outcome import Outcome
from app.workflow.pruning import prune
from app.workflow.runtime import Run, TaskNotReady
from app.workflow.serialization import _serializer, dump_state

# Where a token rests between commands (or runs, during a service call): a
# READY engine step about to run in the same command is no resting place.
_RESTING = TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


@dataclass(frozen=True)
class Sight:
    """What the fresh run looks like at one moment: element ids where the
    tokens are, element ids completed since the last sight (in order), and
    the workflow data."""

    active: tuple[str, ...]
    newly_done: tuple[str, ...]
    data: dict = field(compare=False)


class ReplayRun(Run):
    """A fresh run of one instance. ``begin()`` before each command makes the
    next ``step_outcome()`` report what that command changed."""

    def __init__(self, workflow, service_handler):
        super().__init__(workflow, service_handler)
        self._seen_done: set = set()
        self._done_buffer: list[str] = []
        self._watch = False
        self._ready_after_last = self._ready_at_load

    def watch(self) -> None:
        """Keep the path taken (costs a walk of the tree per step; only the
        step-by-step replay needs it)."""
        self._watch = True

    def begin(self) -> None:
        # Nothing moves the engine between two commands of a re-execution:
        # what was READY at the end of the last one is what is READY now.
        self._ready_at_load = self._ready_after_last
        self._failure = None

    # -- naming tasks ---------------------------------------------------------------
    def ready_ids(self, element_id: str) -> list[str]:
        """Ids of the READY human tasks of ``element_id``, in the engine's order."""
        return [info.task_id for info in self.ready_tasks() if info.element_id == element_id]

    def failed_ids(self, element_id: str | None) -> list[str]:
        """Ids of the failed tasks (of ``element_id``, when given)."""
        return [str(task.id) for task in self._workflow.get_tasks(state=TaskState.ERROR)
                if element_id is None or (task.task_spec.bpmn_id or task.task_spec.name) == element_id]

    def is_ready(self, task_id: str) -> bool:
        try:
            task = self._task(task_id)
        except TaskNotReady:
            return False
        return task.state == TaskState.READY and task.task_spec.manual

    def move_to(self, cache_key: str, spec_json, mapping: dict) -> MoveCheck:
        """Move the run to another version as a recorded migration did (no
        engine steps); when the check fails the run is no longer usable."""
        return move_run(self, cache_key, spec_json, mapping)

    # -- reports -------------------------------------------------------------------------
    def step_outcome(self) -> Outcome:
        """``Run.outcome`` without the serialised state (``state`` is empty),
        the awaited messages and the next timer (``timer_due`` gives it):
        thrown messages taken, finished work pruned exactly as the command
        pruned it, the data read after pruning."""
        thrown = self._take_thrown()
        completed = self._workflow.is_completed()
        if self._watch:
            self._note_done()  # before pruning forgets the finished tasks
        prune(self._workflow)
        ready = self._ready()
        now_ready = {info.task_id for _, info in ready}
        opened = tuple(info for _, info in ready if info.task_id not in self._ready_at_load)
        self._ready_after_last = frozenset(now_ready)
        return Outcome(state="", data=self._data(), completed=completed, failure=self._failure, thrown=thrown,
                       opened=opened, closed=self._ready_at_load - now_ready,
                       awaited=frozenset(), awaited_before=frozenset(), next_timer_due=None)

    def _note_done(self) -> list:
        """Append the tasks completed since the last call to the path buffer;
        the element ids where tokens are now."""
        done, active = [], []
        for order, task in enumerate(self._workflow.get_tasks()):
            element = task.task_spec.bpmn_id
            if element is None:
                continue
            if task.state == TaskState.COMPLETED:
                if task.id not in self._seen_done:
                    self._seen_done.add(task.id)
                    done.append((task.last_state_change, order, element))
            elif task.has_state(_RESTING) or (task.state == TaskState.READY and task.task_spec.manual):
                active.append(element)
        done.sort()
        self._done_buffer.extend(element for _, _, element in done)
        return active

    def look(self) -> Sight:
        """Where the tokens are now, what completed since the last look
        (ordered by when), and the data of the task that ran last."""
        active = self._note_done()
        newly, self._done_buffer = tuple(self._done_buffer), []
        return Sight(tuple(dict.fromkeys(active)), newly, self._data())

    def timer_due(self):
        """When its earliest waiting timer fires, if any."""
        return self._next_timer_due()

    def final_state(self) -> str:
        """The state as the service saves it (already pruned by the last step)."""
        return dump_state(self._workflow)


def canonical_state(state_json: str) -> dict:
    """A saved workflow state without what differs between two runs of the
    same inputs (task ids, state-change times, timer bookkeeping): each task
    tree as nested (element, state, data, children sorted), the workflow's
    data, completion and correlations. Two runs that took the same path to
    the same tokens and data give equal results."""
    raw = json.loads(state_json)
    return _canonical_workflow(raw, raw)


def _canonical_workflow(workflow: dict, top: dict) -> dict:
    tasks = workflow.get("tasks", {})
    subprocesses = top.get("subprocesses", {})

    def node(task_id):
        task = tasks[task_id]
        children = sorted((node(child) for child in task.get("children", ()) if child in tasks),
                          key=lambda item: json.dumps(item, sort_keys=True))
        out = {"spec": task.get("task_spec"), "state": task.get("state"), "data": task.get("data", {}),
               "children": children}
        if task_id in subprocesses:
            out["subprocess"] = _canonical_workflow(subprocesses[task_id], top)
        return out

    root = workflow.get("root")
    return {"tree": node(root) if root in tasks else None, "data": workflow.get("data", {}),
            "completed": workflow.get("completed"), "correlations": workflow.get("correlations", {})}


def engine_value(value):
    """``value`` as the serialiser writes it (Decimals and dates tagged)."""
    return _serializer.registry.convert(value)
