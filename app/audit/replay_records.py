"""What re-execution reads and reports, as plain values: the recorded
events of one instance and what is stored of it (History), the verdict, and
the instance as of one event (Snapshot)."""
from dataclasses import dataclass, field
from datetime import datetime

from app.audit.chain import jsonable


@dataclass(frozen=True)
class Event:
    """One recorded audit event, as plain values."""

    seq: int
    at: datetime
    kind: str
    element_id: str | None
    task_id: str | None
    actor: str | None
    on_behalf_of: str | None
    data: dict


@dataclass(frozen=True)
class History:
    """What re-execution needs of one instance: its pinned version (a cache
    key and a callable giving the stored spec), what is stored now, and its
    events in order. ``payloads`` gives the engine event of a delivered
    message by its id, for events recorded before they carried it."""

    instance_id: int
    cache_key: str
    spec: object
    status: str
    state: str
    data: dict
    next_timer_at: datetime | None
    events: tuple[Event, ...]
    payloads: dict = field(default_factory=dict)
    # retype(element_id or None for the start form, recorded data) -> the data
    # as the engine was handed it: the log keeps computed figures as text,
    # the engine got them as Decimals.
    retype: object = None
    versions: object = None  # the versions migrations moved it to (app/audit/replay_migration.py)


@dataclass(frozen=True)
class Verdict:
    instance_id: int
    status: str  # VERIFIED | DIVERGED | NOT_REEXECUTABLE
    seq: int | None  # the input event whose consequences differ (or the event not re-executable)
    difference: str | None  # what differs, in words
    events: int  # how many events were read
    expected: object = None  # what the history (or the stored instance) says
    actual: object = None  # what the fresh engine did

    def to_json(self) -> dict:
        return {"instance_id": self.instance_id, "status": self.status, "seq": self.seq,
                "difference": self.difference, "events": self.events,
                "expected": jsonable(self.expected), "actual": jsonable(self.actual)}


@dataclass(frozen=True)
class Snapshot:
    """The instance as of one event: the event, where the tokens are
    (``active``), the element ids completed so far in order (``path``) and
    the workflow data after it."""

    seq: int
    at: datetime
    kind: str
    element_id: str | None
    task_id: str | None
    actor: str | None
    on_behalf_of: str | None
    event_data: dict
    active: tuple[str, ...]
    path: tuple[str, ...]
    data: dict

    def to_json(self) -> dict:
        return {"seq": self.seq, "at": self.at.isoformat() if self.at else None, "kind": self.kind,
                "element_id": self.element_id, "task_id": self.task_id, "actor": self.actor,
                "on_behalf_of": self.on_behalf_of, "event_data": jsonable(self.event_data),
                "active": list(self.active), "path": list(self.path), "data": jsonable(self.data)}
