"""What a loaded workflow waits for from outside: its pending timers and
the messages it awaits, read from the engine's event manager (the catching
tasks in WAITING), and firing one timer before its time.

Used through ``app.workflow.runtime.Run`` (``waits()``, ``fire_timer_early``):
nothing outside app/workflow sees the engine objects."""
from dataclasses import dataclass
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (CycleTimerEventDefinition, DurationTimerEventDefinition,
                                                              TimerEventDefinition)
from SpiffWorkflow.util.task import TaskState

from app.workflow.serialization import _serializer



@dataclass(frozen=True)
class PendingTimer:
    """A timer the instance waits on. ``kind``: boundary, intermediate or
    start (an event subprocess' start); ``timing``: date, duration or cycle;
    ``expression`` as the diagram gives it; ``due`` when it fires (None
    while the engine has not computed it); ``interrupting`` for a boundary
    or start timer (None for an intermediate one); ``attached_to``: the
    step a boundary timer sits on."""

    element_id: str
    name: str | None
    kind: str
    timing: str
    expression: str
    due: datetime | None
    interrupting: bool | None
    attached_to: str | None
    task_id: str
    attached_name: str | None = None


@dataclass(frozen=True)
class AwaitedMessage:
    """A message the instance waits for at ``element_id`` (``kind`` as for
    timers, or receive for a receive task) and the correlation values it
    expects (correlation key -> {property: value})."""

    element_id: str
    name: str
    kind: str
    correlations: dict
    interrupting: bool | None
    attached_to: str | None
    label: str | None = None  # the catching event's name in the diagram
    attached_name: str | None = None


@dataclass(frozen=True)
class Waits:
    timers: tuple[PendingTimer, ...]
    messages: tuple[AwaitedMessage, ...]


class NoPendingTimer(Exception):
    """``element_id`` is no timer the instance waits on now; ``pending``
    names those it waits on."""

    def __init__(self, element_id: str, pending: list[str]):
        named = ", ".join(pending) or "none"
        super().__init__(f"{element_id!r} is not a timer this instance waits on (pending timers: {named}).")
        self.element_id = element_id
        self.pending = pending


def as_moment(value) -> datetime | None:
    """A timer's stored due value (an ISO moment, or a cycle's {"next": ...}) as an aware datetime; None if it is none."""
    value = value["next"] if isinstance(value, dict) else value
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def is_timer(definition_name: str) -> bool:
    """SpiffWorkflow's timer definitions: Duration*Timer*, Cycle*Timer* and
    TimeDate (a timeDate timer's class name has no "Timer" in it)."""
    return "Timer" in definition_name or definition_name == "TimeDateEventDefinition"


def boundary_timer_due(task) -> datetime | None:
    """When the earliest timer attached to ``task`` fires, if any."""
    parent = task.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return None
    moments = []
    for sibling in parent.children:
        definition = getattr(sibling.task_spec, "event_definition", None)
        if sibling is task or sibling.state != TaskState.WAITING or not is_timer(type(definition).__name__):
            continue
        moment = as_moment(sibling._get_internal_data("event_value"))
        if moment is not None:
            moments.append(moment)
    return min(moments) if moments else None


def _element(task) -> str:
    return task.task_spec.bpmn_id or task.task_spec.name


def _kind(task) -> str:
    spec_class = type(task.task_spec).__name__
    if "Boundary" in spec_class:
        return "boundary"
    if "Start" in spec_class:
        return "start"
    if "Receive" in spec_class:
        return "receive"
    return "intermediate"


def _attached(task) -> tuple[str | None, str | None]:
    """(element id, name) of the step a boundary event sits on."""
    parent = task.parent
    if parent is None or type(parent.task_spec).__name__ != "BoundaryEventSplit":
        return None, None
    for sibling in parent.children:
        if "Boundary" not in type(sibling.task_spec).__name__:
            return _element(sibling), sibling.task_spec.bpmn_name
    return None, None


def _interrupting(task) -> bool | None:
    spec = task.task_spec
    if hasattr(spec, "cancel_activity"):
        return bool(spec.cancel_activity)
    if hasattr(spec, "interrupting"):
        return bool(spec.interrupting)
    return None


def _timing(definition) -> str:
    if isinstance(definition, CycleTimerEventDefinition):
        return "cycle"
    if isinstance(definition, DurationTimerEventDefinition):
        return "duration"
    return "date"


def _due(task) -> datetime | None:
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):  # a cycle: its next occurrence, none once its cycles are spent
        value = value.get("next") if value.get("cycles") != 0 else None
    return as_moment(value) if value is not None else None


def _waiting(workflow):
    """The catching tasks waiting now, in a stable order (element, then id)."""
    tasks = [task for task in workflow.event_manager.tasks.values() if task.state == TaskState.WAITING]
    return sorted(tasks, key=lambda task: (_element(task), str(task.id)))


def _timer_tasks(workflow) -> list:
    return [task for task in _waiting(workflow)
            if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)]


def pending_timers(workflow) -> tuple[PendingTimer, ...]:
    """The timers ``workflow`` waits on, soonest first (unknown due last)."""
    timers = []
    for task in _timer_tasks(workflow):
        definition = task.task_spec.event_definition
        attached_to, attached_name = _attached(task)
        timers.append(PendingTimer(
            element_id=_element(task), name=task.task_spec.bpmn_name, kind=_kind(task), timing=_timing(definition),
            expression=str(definition.expression), due=_due(task), interrupting=_interrupting(task),
            attached_to=attached_to, task_id=str(task.id), attached_name=attached_name))
    far = datetime.max.replace(tzinfo=timezone.utc)
    return tuple(sorted(timers, key=lambda timer: (timer.due or far, timer.element_id)))


def awaited_messages(workflow, correlations_for) -> tuple[AwaitedMessage, ...]:
    """The messages ``workflow`` waits for, one per waiting catch event, with
    ``correlations_for(name)`` as the values it expects."""
    found = []
    for task in _waiting(workflow):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, MessageEventDefinition) or not definition.name:
            continue
        attached_to, attached_name = _attached(task)
        found.append(AwaitedMessage(element_id=_element(task), name=definition.name, kind=_kind(task),
                                    correlations=correlations_for(definition.name), interrupting=_interrupting(task),
                                    attached_to=attached_to, label=task.task_spec.bpmn_name,
                                    attached_name=attached_name))
    return tuple(found)


def fire_early(workflow, element_id: str) -> PendingTimer:
    """Fire the pending timer of ``element_id`` now, whatever its due time
    (the soonest one when several tasks of that element wait): a date or
    duration timer is marked fired; a cycle timer runs its pending
    occurrence now and keeps the schedule of the following ones. The
    caller runs the engine steps after. Returns the timer as it was.
    Raises NoPendingTimer."""
    pending = pending_timers(workflow)
    matching = [timer for timer in pending if timer.element_id == element_id]
    if not matching:
        raise NoPendingTimer(element_id, sorted({timer.element_id for timer in pending}))
    timer = matching[0]
    task = next(task for task in _timer_tasks(workflow) if str(task.id) == timer.task_id)
    definition = task.task_spec.event_definition
    if isinstance(definition, CycleTimerEventDefinition):
        _run_cycle_occurrence_now(task)
    else:
        if task._get_internal_data("event_value") is None:  # not computed yet: let the engine compute it first
            definition.has_fired(task)
        task._set_internal_data(event_fired=True)
        task.task_spec._update(task)
    return timer


def _run_cycle_occurrence_now(task) -> None:
    """The pending occurrence of a cycle timer happens now; the next one is
    due when it would have been (one period after the pending one)."""
    value = task._get_internal_data("event_value")
    if value is None or value.get("cycles") == 0:
        task.task_spec._update(task)  # let the engine compute (or finish) the cycle first
        value = task._get_internal_data("event_value")
        if value is None or value.get("cycles") == 0:
            return
    pending_next = value["next"]
    value["next"] = datetime.min.replace(tzinfo=timezone.utc).isoformat()
    task._set_internal_data(event_value=value)
    task.task_spec._update(task)
    after = task._get_internal_data("event_value")
    if isinstance(after, dict) and "next" in after:
        following = datetime.fromisoformat(pending_next).timestamp() + after["duration"]
        after["next"] = datetime.fromtimestamp(following, tz=timezone.utc).isoformat()
        task._set_internal_data(event_value=after)


def message_payload(serialized_event: dict) -> object:
    """What a stored message carries for its receiver (the payload of the
    engine's serialised event)."""
    return _serializer.registry.restore(serialized_event).payload
