"""Moving one loaded instance from its version to another (issue 18).

Built on SpiffWorkflow 3.2's ``bpmn/util/diff.py``: ``SpecDiff`` aligns the
old version's task specs with the new one's (by id, then by position), and
``migrate_workflow`` swaps each task's spec and resets (re-predicts) the
READY and WAITING branches. What this module adds is the judgement of
whether an instance may move, a mapping the admin gives for renamed or
replaced elements, and the repairs the pruned state Lanes keeps needs.

What stops a move (an ``Obstacle``):
- ``removed``: an active (READY, WAITING, STARTED, ERROR) or completed task
  kept in the state whose element the new version no longer has;
- ``renamed``: the element is there under another id (SpecDiff aligned it by
  its position) and no mapping confirms it: an admin must say so;
- ``changed``: an active task's element changed in a way that matters to
  the work under way (its form, lane, script, conditions, timer, type...).
  Label and documentation changes and changed flows out of it are fine: the
  task keeps its id, its open human task keeps its row, assignee and claim,
  and what follows it is predicted anew. A completed task only matters when
  its type changed (the state could not be read back otherwise);
- ``missing_data``: a gateway, script or service call still to run in the
  new version reads a value this instance does not hold and no step still
  to run writes (e.g. a new start-form field);
- ``subprocess``: a running subprocess whose spec the new version lacks;
- ``stale``: after the move a task would still point at an element of the
  old version (the engine could not read the state back).

Nothing runs on a move: no engine steps, no service calls. A WAITING timer
keeps its due time (its internal data is restored after the reset)."""
from dataclasses import dataclass

from SpiffWorkflow.bpmn.util.diff import SpecDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from app.workflow.expression_check import unknown_names
from app.workflow.runtime import Run
from app.workflow.serialization import _serializer, load_spec
from app.workflow.variables_in_play import _form_fields, script_assignments

_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_PENDING = _ACTIVE | TaskState.FUTURE | TaskState.LIKELY | TaskState.MAYBE
# Serialised task-spec keys whose change does not touch work under way.
_COSMETIC = frozenset({"bpmn_name", "description", "documentation", "inputs", "outputs"})
_IDENTITY = frozenset({"name", "bpmn_id"})
_ALWAYS_THERE = frozenset({"requester"})


class MappingRefused(ValueError):
    """A mapping entry names an element that is not in its version:
    ``element_id`` is the entry's key."""

    def __init__(self, element_id: str, message: str):
        super().__init__(message)
        self.element_id = element_id


@dataclass(frozen=True)
class Obstacle:
    """Why one instance cannot move: the element, the state its task is in,
    the kind of reason, in words, and a mapping that would fix it."""

    element_id: str
    state: str
    reason: str  # removed | renamed | changed | missing_data | subprocess | stale
    detail: str
    suggestion: str | None = None
    what: tuple[str, ...] = ()  # the changed spec attributes (changed) or the names missing (missing_data)

    def as_dict(self) -> dict:
        return {"element_id": self.element_id, "state": self.state, "reason": self.reason, "detail": self.detail,
                "suggestion": self.suggestion, "what": list(self.what)}


@dataclass(frozen=True)
class KeptTask:
    """A human task READY before and after the move (same task id): its
    element and label in the new version."""

    task_id: str
    element_id: str
    name: str


@dataclass(frozen=True)
class MoveCheck:
    obstacles: tuple[Obstacle, ...]
    active: tuple[str, ...]  # element ids where the tokens are, before the move
    kept: tuple[KeptTask, ...] = ()

    @property
    def movable(self) -> bool:
        return not self.obstacles


def element_ids(cache_key: str, spec_json) -> set[str]:
    """The BPMN element ids of a deployed version's task specs (top level and subprocesses)."""
    spec, subprocess_specs = load_spec(cache_key, spec_json)
    ids = set()
    for one in (spec, *subprocess_specs.values()):
        ids.update(ts.bpmn_id for ts in one.task_specs.values() if getattr(ts, "bpmn_id", None))
    return ids


def _element(spec) -> str:
    return getattr(spec, "bpmn_id", None) or spec.name


def _aligned(original, new, mapping: dict[str, str]) -> SpecDiff:
    """SpecDiff of two process specs, with the admin's mapping applied over
    the library's alignment."""
    diff = SpecDiff(_serializer.registry, original, new)
    by_element = {_element(spec): spec for spec in original.task_specs.values()}
    for old_id, new_id in mapping.items():
        old_spec, new_spec = by_element.get(old_id), new.task_specs.get(new_id)
        if old_spec is None or new_spec is None:
            continue  # an entry for the other process level (a subprocess), or checked by the caller
        diff.alignment[old_spec] = new_spec
        diff.comparisons[old_spec] = diff._compare_task_specs(old_spec, new_spec)
        if new_spec in diff.added:
            diff.added.remove(new_spec)
    return diff


class _TaskAlignment:
    """What ``migrate_workflow`` needs of a WorkflowDiff: each task's new spec.
    (The library's WorkflowDiff fails on specs SpecDiff never reached, such
    as the root of a pruned tree; those align by name.)"""

    def __init__(self, workflow, spec_diff: SpecDiff, new_spec):
        self.alignment = {}
        for task in workflow.get_tasks(skip_subprocesses=True):
            spec = task.task_spec
            self.alignment[task] = spec_diff.alignment[spec] if spec in spec_diff.alignment \
                else new_spec.task_specs.get(spec.name)


def _judge(workflow, spec_diff: SpecDiff, new_spec, mapping: dict[str, str]) -> list[Obstacle]:
    obstacles, seen = [], set()
    for task in workflow.get_tasks(skip_subprocesses=True):
        if not task.has_state(_ACTIVE | TaskState.COMPLETED):
            continue
        spec, state = task.task_spec, TaskState.get_name(task.state)
        element = _element(spec)
        if (element, state) in seen:
            continue
        seen.add((element, state))
        target = spec_diff.alignment[spec] if spec in spec_diff.alignment else new_spec.task_specs.get(spec.name)
        if target is None:
            if getattr(spec, "bpmn_id", None):
                obstacles.append(Obstacle(element, state, "removed",
                                          f"{element} ({state}) is not in the new version."))
            continue
        changes = set(spec_diff.comparisons.get(spec) or ())
        if changes & _IDENTITY and mapping.get(element) != _element(target):
            obstacles.append(Obstacle(element, state, "renamed",
                                      f"{element} ({state}) is not in the new version; {_element(target)} takes its "
                                      "place there.", suggestion=_element(target)))
            continue
        if "typename" in changes:
            obstacles.append(Obstacle(element, state, "changed", f"{element} ({state}) is another kind of element "
                                                                 f"in the new version ({type(target).__name__}).",
                                      what=("typename",)))
        elif task.has_state(_ACTIVE) and changes - _COSMETIC - _IDENTITY:
            what = tuple(sorted(changes - _COSMETIC - _IDENTITY))
            obstacles.append(Obstacle(element, state, "changed", f"{element} ({state}) is under way and changed in "
                                                                 f"the new version: {', '.join(what)}.", what=what))
    return obstacles


def _reads(spec) -> list[str]:
    """The expressions a task spec evaluates when it runs."""
    texts = []
    for condition, _ in getattr(spec, "cond_task_specs", ()) or ():
        text = condition.args[0] if getattr(condition, "args", None) else condition  # a _BpmnCondition holds its text
        if isinstance(text, str):
            texts.append(text)
    for attr in ("script", "prescript", "postscript"):
        if isinstance(getattr(spec, attr, None), str):
            texts.append(getattr(spec, attr))
    for param in (getattr(spec, "operation_params", None) or {}).values():
        if isinstance(param, dict) and isinstance(param.get("value"), str):
            texts.append(param["value"])
    return texts


def _writes(spec, forms: dict[str, str]) -> set[str]:
    props = (getattr(spec, "extensions", None) or {}).get("properties", {})
    form = props.get("formJsonSchemaFilename")
    out = set(_form_fields(forms.get(form))) if form else set()
    if getattr(spec, "result_variable", None):
        out.add(spec.result_variable)
    if isinstance(getattr(spec, "script", None), str):
        out.update(script_assignments(spec.script))
    table = getattr(getattr(spec, "dmnEngine", None), "decision_table", None)
    out.update(getattr(output, "name", None) for output in getattr(table, "outputs", ()) or ())
    return out


def _missing_data(workflow, forms: dict[str, str]) -> list[Obstacle]:
    pending = [task for task in workflow.get_tasks() if task.has_state(_PENDING)]
    held = set(_ALWAYS_THERE)
    for task in workflow.get_tasks(state=_ACTIVE):
        held.update(task.data)
    held.update(workflow.data)
    written = set().union(*(_writes(task.task_spec, forms) for task in pending)) if pending else set()
    obstacles, seen = [], set()
    for task in pending:
        element = _element(task.task_spec)
        for text in _reads(task.task_spec):
            try:
                unknown = unknown_names(text, "exec", held | written)
            except SyntaxError:
                continue
            for name, _, _ in unknown:
                if (element, name) not in seen:
                    seen.add((element, name))
                    obstacles.append(Obstacle(element, TaskState.get_name(task.state), "missing_data",
                                              f"{element} reads {name!r}: this instance does not hold it and no "
                                              "step still to run in the new version writes it.", what=(name,)))
    return obstacles


def _stale(workflow) -> list[Obstacle]:
    obstacles = []
    for task in workflow.get_tasks():
        owner = task.workflow.spec
        if owner.task_specs.get(task.task_spec.name) is not task.task_spec:
            obstacles.append(Obstacle(_element(task.task_spec), TaskState.get_name(task.state), "stale",
                                      f"{_element(task.task_spec)} would keep the old version's element."))
    return obstacles


def move_run(run: Run, target_cache_key: str, target_spec_json, mapping: dict[str, str],
             forms: dict[str, str] | None = None) -> MoveCheck:
    """Check whether the run's instance can move to the target version and,
    when it can, move it in memory (the caller saves ``run.outcome()``). When
    it cannot, the run may be half changed: the caller must throw it away.
    ``forms`` (the target's files) also checks for data the target needs.
    Raises MappingRefused for a mapping entry whose new element is not in the
    target version."""
    workflow = run._workflow
    spec, subprocess_specs = load_spec(target_cache_key, target_spec_json)
    targets = {_element(ts) for one in (spec, *subprocess_specs.values()) for ts in one.task_specs.values()}
    for old_id, new_id in mapping.items():
        if new_id not in targets:
            raise MappingRefused(old_id, f"{new_id!r} is not an element of the target version.")
    active = tuple(dict.fromkeys(_element(task.task_spec) for task in workflow.get_tasks(state=_ACTIVE)
                                 if getattr(task.task_spec, "bpmn_id", None)))
    spec_diff = _aligned(workflow.spec, spec, mapping)
    obstacles = _judge(workflow, spec_diff, spec, mapping)
    sub_diffs = {}
    for sub_id, sub in workflow.subprocesses.items():
        new_sub = subprocess_specs.get(sub.spec.name)
        if new_sub is None:
            obstacles.append(Obstacle(sub.spec.name, "STARTED", "subprocess",
                                      f"The subprocess {sub.spec.name} is running and the new version lacks it."))
            continue
        sub_diffs[sub_id] = (_aligned(sub.spec, new_sub, mapping), new_sub)
        obstacles += _judge(sub, sub_diffs[sub_id][0], new_sub, mapping)
    if obstacles:
        return MoveCheck(tuple(obstacles), active)
    ready_before = {task.id for task in workflow.get_tasks(state=TaskState.READY, manual=True)}
    waiting = {task.id: dict(task.internal_data) for task in workflow.get_tasks(state=TaskState.WAITING)}
    last_task = workflow.last_task
    migrate_workflow(_TaskAlignment(workflow, spec_diff, spec), workflow, spec)
    workflow.subprocess_specs = subprocess_specs
    for sub_id, (diff, new_sub) in sub_diffs.items():
        migrate_workflow(_TaskAlignment(workflow.subprocesses[sub_id], diff, new_sub), workflow.subprocesses[sub_id],
                         new_sub)
    for task_id, internal in waiting.items():  # a timer keeps its due time, a message catch what it held
        task = workflow.tasks.get(task_id)
        if task is not None and task.state == TaskState.WAITING:
            task.internal_data.update(internal)
    # migrate_workflow compares the last task with the task ids and always
    # forgets it; the instance data is read from it, so it comes back when
    # it is still in the tree.
    if last_task is not None and workflow.tasks.get(last_task.id) is last_task:
        workflow.last_task = last_task
    obstacles = _stale(workflow)
    if forms is not None:  # a re-execution repeats a move already judged: only what the engine needs is checked
        obstacles += _missing_data(workflow, forms)
    kept = tuple(KeptTask(str(task.id), _element(task.task_spec), task.task_spec.bpmn_name or task.task_spec.name)
                 for task in workflow.get_tasks(state=TaskState.READY, manual=True) if task.id in ready_before)
    return MoveCheck(tuple(obstacles), active, kept)
