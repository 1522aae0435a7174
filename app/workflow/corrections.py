"""The engine side of a process admin's corrections of one loaded workflow:
move the token of an active step to another step, skip a step without
running its work, correct a field of the data. Each works on a ``Run`` (the
same for a command and for re-execution, which feeds the recorded
correction again) and raises ``CorrectionRefused`` naming what is possible.

What SpiffWorkflow 3.2 allows here, given that the stored state is pruned
(pruning.py drops finished tasks, so the task of an earlier step is usually
gone and ``reset_from_task_id`` cannot reach it): the active step's branch
is cut and a fresh task for the target step is hung where it was, with the
data as it is now. That works backward, forward and sideways alike, for
a step of the top-level process while the instance has exactly one token;
parallel tokens and steps inside a subprocess are refused (a join would wait
for a branch that no longer exists)."""
from copy import deepcopy
from decimal import Decimal, InvalidOperation

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.util.task import TaskState

from app.workflow.runtime import Run, TaskNotReady

# Where a token can rest between two commands.
_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.ERROR | TaskState.STARTED
# The kinds of step a token may be moved to: activities a person or the engine performs.
_MOVABLE_TARGETS = ("UserTask", "ManualTask", "ServiceTask", "ScriptTask", "BusinessRuleTask", "SendTask",
                    "ReceiveTask", "Task", "NoneTask")


class CorrectionRefused(Exception):
    """The correction cannot be applied to this workflow as it stands;
    ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _element(task) -> str:
    return task.task_spec.bpmn_id or task.task_spec.name


def active_steps(run: Run) -> list[dict]:
    """The tasks where tokens rest now: id, element id, name, state
    (READY, WAITING, ERROR, STARTED), and whether a person does it."""
    out = []
    for task in run._workflow.get_tasks(state=_ACTIVE):
        if task.task_spec.bpmn_id is None:
            continue
        out.append({"task_id": str(task.id), "element_id": _element(task),
                    "name": task.task_spec.bpmn_name or _element(task),
                    "state": TaskState.get_name(task.state), "manual": bool(task.task_spec.manual)})
    return out


def movable_targets(run: Run) -> list[dict]:
    """The steps of the top-level process a token may be moved to: element id and name."""
    return _targets(run._workflow)


def _targets(workflow) -> list[dict]:
    return sorted(({"element_id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id}
                   for spec in workflow.spec.task_specs.values()
                   if spec.bpmn_id and type(spec).__name__ in _MOVABLE_TARGETS), key=lambda item: item["element_id"])


def _active_task(run: Run, task_id: str, field: str):
    try:
        task = run._task(task_id)
    except TaskNotReady:
        raise CorrectionRefused(field, f"Task {task_id} is not part of this instance.") from None
    if not task.has_state(_ACTIVE) or task.task_spec.bpmn_id is None:
        raise CorrectionRefused(field, f"Step {_element(task)} is {TaskState.get_name(task.state)}: only a step "
                                       "where a token rests now (ready, waiting or failed) can be corrected.")
    return task


def find_active(run: Run, element_id: str) -> str | None:
    """The id of the active task of ``element_id`` (re-execution names tasks by element)."""
    for task in run._workflow.get_tasks(state=_ACTIVE):
        if _element(task) == element_id:
            return str(task.id)
    return None


def move_token(run: Run, task_id: str, to_element: str) -> str:
    """Cut the branch of active task ``task_id`` and put a fresh task of
    ``to_element`` in its place, with the data as it is now; the next
    ``advance`` runs it (or leaves it READY for a person). Returns the
    element id the token left. Raises CorrectionRefused (``task_id``: no
    active task, another token is active, inside a subprocess;
    ``to_element``: no such step in the top-level process, or the same)."""
    workflow = run._workflow
    task = _active_task(run, task_id, "task_id")
    if task.workflow is not workflow:
        raise CorrectionRefused("task_id", f"Step {_element(task)} is inside a subprocess; only a step of the "
                                           "top-level process can be moved.")
    anchor = task.parent if isinstance(task.parent.task_spec, BoundaryEventSplit) else task
    others = [t for t in workflow.get_tasks(state=_ACTIVE) if t is not task and not t.is_descendant_of(anchor)
              and t.task_spec.bpmn_id is not None]
    if others or workflow.subprocesses:
        names = ", ".join(sorted({_element(t) for t in others})) or "a subprocess"
        raise CorrectionRefused("task_id", f"The instance has more than one token ({names} as well); a token can be "
                                           "moved only while it is the only one.")
    spec = _target_spec(workflow, to_element)
    if spec.bpmn_id == _element(task):
        raise CorrectionRefused("to_element", f"The token already rests on {to_element}.")
    from_element = _element(task)
    data = deepcopy(task.data)
    parent = anchor.parent
    workflow._remove_task(anchor.id)
    fresh = parent._add_child(_with_boundary(workflow, spec), TaskState.FUTURE)
    # as Task.reset_branch does: predict what follows, then let the task become READY
    fresh.task_spec._predict(fresh, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)
    fresh.task_spec._update(fresh)
    fresh.data = data
    workflow.last_task = fresh
    return from_element


def _target_spec(workflow, element_id):
    for spec in workflow.spec.task_specs.values():
        if spec.bpmn_id == element_id and type(spec).__name__ in _MOVABLE_TARGETS:
            return spec
    raise CorrectionRefused("to_element", f"{element_id!r} is no task of this process version; possible: "
                                          + ", ".join(item["element_id"] for item in _targets(workflow)) + ".")


def _with_boundary(workflow, spec):
    """The spec a token enters ``spec`` through: the split of its boundary
    events when it has any (their timers then start afresh)."""
    for candidate in workflow.spec.task_specs.values():
        if isinstance(candidate, BoundaryEventSplit) and spec in candidate.outputs:
            return candidate
    return spec


def skip_step(run: Run, task_id: str) -> dict:
    """Mark active task ``task_id`` completed without running its work (a
    person's form, a service call and its posting, a script): the engine
    goes on from it at the next ``advance``. Returns what was skipped:
    element id, its kind and its state. Raises CorrectionRefused."""
    task = _active_task(run, task_id, "task_id")
    skipped = {"element_id": _element(task), "type": type(task.task_spec).__name__,
               "state": TaskState.get_name(task.state),
               "operation": getattr(task.task_spec, "operation_name", None)}
    task.complete()
    run._workflow.last_task = task
    return skipped


def field_value(run: Run, field: str):
    """The current value of top-level data field ``field``, as the engine
    holds it. Raises CorrectionRefused when the instance has no such field."""
    data = run._data()
    if not isinstance(field, str) or field not in data:
        raise CorrectionRefused("field", f"The instance has no data field {field!r}.")
    return data[field]


def coerced(before, given, field: str = "value"):
    """``given`` as a value of the type ``before`` has (JSON types; a Decimal
    takes a number or its text and stays a Decimal). Raises CorrectionRefused."""
    if isinstance(before, Decimal):
        if isinstance(given, bool) or not isinstance(given, (int, float, str, Decimal)):
            raise CorrectionRefused(field, "The field holds an amount: give a number.")
        try:
            value = Decimal(str(given).strip())
        except InvalidOperation:
            raise CorrectionRefused(field, "The field holds an amount: give a number.") from None
        if not value.is_finite():
            raise CorrectionRefused(field, "The field holds an amount: give a finite number.")
        return value
    kinds = ((bool, "true or false"), (int, "a whole number"), (float, "a number"), (str, "text"),
             (list, "a list"), (dict, "an object"))
    if before is None:
        return given
    for kind, words in kinds:
        if isinstance(before, kind):
            if kind is float and isinstance(given, int) and not isinstance(given, bool):
                return float(given)
            if kind is int and isinstance(given, float) and given.is_integer():
                return int(given)
            if not isinstance(given, kind) or (kind is int and isinstance(given, bool)):
                raise CorrectionRefused(field, f"The field holds {words}; the new value must be {words} too.")
            return given
    raise CorrectionRefused(field, "The field holds a value that cannot be corrected here.")


def correct_field(run: Run, field: str, value) -> None:
    """Set top-level data field ``field`` to ``value`` wherever the
    instance's current data is held (every unfinished task and the task that
    ran last), so that every step from now on reads it."""
    workflow = run._workflow
    holders = list(workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK | TaskState.ERROR))
    if workflow.last_task is not None:
        holders.append(workflow.last_task)
    for task in holders:
        if field in task.data or task is workflow.last_task:
            task.data = {**task.data, field: deepcopy(value)}
    if workflow.is_completed():
        workflow.data[field] = deepcopy(value)
