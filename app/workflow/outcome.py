"""What one command's engine work came to, as plain values.

The runtime reads the engine once, at the end of a command, and hands the
service one ``Outcome``; the service applies it in one pass (state, human
tasks, subscriptions, timers, audit events, notifications) instead of asking
the engine fact by fact between its own writes. Nothing here is a
SpiffWorkflow object."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ReadyTask:
    task_id: str
    element_id: str
    name: str
    lane: str | None
    form: str | None
    approval: bool
    approval_stage: str | None
    due: str | None
    documentation: str | None
    timer_due: datetime | None = None  # a boundary timer on the task fires then
    # ``takenByOrg``: a dotted path into the task's data naming the code of the
    # organisation whose role holders take it (none: the instance's own)
    taken_by_org: str | None = None
    # the task's data, filled in only for a task the command opened (its
    # performer may depend on it, e.g. the customer's regional manager)
    data: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class EngineFailure:
    """Why the engine stopped: the failing task and the real message."""

    task_id: str | None
    element_id: str | None
    message: str
    missing: str | None = None  # the name in the data the step lacked, when that is why it failed
    # the service call that raised, {"operation", "params"}: its savepoint is
    # rolled back, so nothing else keeps what it was asked
    call: dict | None = None


@dataclass(frozen=True)
class ThrownMessage:
    """A message the instance threw for other instances; ``event`` is the
    engine's serialised event, delivered as is."""

    name: str | None
    correlations: dict
    event: dict


@dataclass(frozen=True)
class Outcome:
    """The instance after one command: what to save and what changed."""

    state: str  # the serialised workflow, finished work pruned
    data: dict  # the instance data as of now
    completed: bool  # the workflow reached its end
    failure: EngineFailure | None  # the engine stopped on a failing task
    thrown: tuple[ThrownMessage, ...]  # taken from the engine: saved now or lost
    opened: tuple[ReadyTask, ...]  # human tasks READY now that were not at load, in the engine's order
    closed: frozenset[str]  # ids of human tasks READY at load that are not any more
    awaited: frozenset[str]  # names of the messages it waits for now
    awaited_before: frozenset[str]  # ... and waited for at load
    next_timer_due: datetime | None  # its earliest waiting timer
