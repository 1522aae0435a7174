"""Replaying instances for auditors: the state as of every event
(``snapshots``) and the proof that the recorded inputs give the stored state
(``reexecute``; ``reexecute_many`` for the command line and the benchmark).

Nothing here writes: re-execution serves recorded service results and never
runs a ledger action. Who may look is decided by ``ensure_may_replay``."""
import json
from collections.abc import Iterable, Iterator

from sqlalchemy import select

from app.audit.replay_records import Event, History, Snapshot, Verdict
from app.audit.replayer import NOT_REEXECUTABLE, Replay
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import AuditEvent, ProcessDefinition, ProcessInstance, ProcessMessage, User
from app.services.form_figures import with_computed_figures
from app.services.queries import sees_everything

__all__ = ["Snapshot", "Verdict", "ensure_may_replay", "snapshots", "reexecute", "reexecute_many", "instance_ids"]

# Instances loaded per round trip by reexecute_many.
BATCH = 250


def ensure_may_replay(user: User | None) -> None:
    """Replay and re-execution are for those who see everything (auditors,
    process administrators). Raises Forbidden."""
    if user is None or not sees_everything(user):
        raise Forbidden("Only auditors and process administrators replay instances.", code="not_a_reader")


def snapshots(instance_id: int) -> list[Snapshot]:
    """The instance as of each of its events, in order. Raises NotFound."""
    history = _one(instance_id)
    replay = Replay(history, watch=True)
    replay.verdict()
    return replay.all_snapshots()


def reexecute(instance_id: int) -> Verdict:
    """Feed the instance's recorded inputs to a fresh engine and compare.
    Raises NotFound."""
    return Replay(_one(instance_id)).verdict()


def reexecute_many(ids: Iterable[int]) -> Iterator[Verdict]:
    """Verdicts for ``ids`` (in order), loading them a batch at a time."""
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        for history in _histories(ids[start:start + BATCH]):
            yield Replay(history).verdict() if isinstance(history, History) else history


def instance_ids(first: int | None = None, last: int | None = None) -> list[int]:
    """Ids of every instance (between ``first`` and ``last``, inclusive), in order."""
    query = select(ProcessInstance.id).order_by(ProcessInstance.id)
    if first is not None:
        query = query.where(ProcessInstance.id >= first)
    if last is not None:
        query = query.where(ProcessInstance.id <= last)
    return list(db.session.scalars(query))


def _one(instance_id: int) -> History:
    found = list(_histories([instance_id]))
    if not found or not isinstance(found[0], History):
        raise NotFound(f"Process instance {instance_id} does not exist.")
    return found[0]


class _Retyper:
    """Gives recorded form data back the types the engine was handed: the
    figures a form computes (Decimals), recomputed from the recorded input.
    Forms that compute nothing are handed on as recorded."""

    def __init__(self, definition_id: int, cache_key: str):
        self.definition_id = definition_id
        self.cache_key = cache_key

    def __call__(self, element_id: str | None, data: dict) -> dict:
        forms = _COMPUTING_FORMS.get(self.cache_key)
        if forms is None:
            forms = _COMPUTING_FORMS[self.cache_key] = _computing_forms(self.definition_id)
        schema = forms.get(element_id)
        return with_computed_figures(schema, data) if schema else data


# cache key of a version -> {element id (None: the start form): schema of its form, for forms that compute figures}
_COMPUTING_FORMS: dict[str, dict] = {}


def _computing_forms(definition_id: int) -> dict:
    definition = db.session.get(ProcessDefinition, definition_id)
    steps = {None: definition.start_form}
    steps.update({task.get("element_id"): task.get("form") for task in definition.user_tasks or ()})
    out = {}
    for element_id, form in steps.items():
        schema = definition.form_schema(form)
        if schema and "x-computed" in json.dumps(schema):
            out[element_id] = schema
    if len(_COMPUTING_FORMS) > 256:
        _COMPUTING_FORMS.clear()
    return out


def _spec_of(definition_id: int):
    return lambda: db.session.scalar(select(ProcessDefinition.spec).where(ProcessDefinition.id == definition_id))


def _histories(ids: list[int]) -> Iterator[History | Verdict]:
    """The histories of ``ids`` in three queries (four when old message
    events need their payloads); an id without instance is left out."""
    instances = db.session.execute(
        select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.state, ProcessInstance.data,
               ProcessInstance.next_timer_at, ProcessDefinition.id, ProcessDefinition.key,
               ProcessDefinition.content_hash)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(ProcessInstance.id.in_(ids))).all()
    events: dict[int, list[Event]] = {}
    wanted_messages = set()
    for row in db.session.execute(
            select(AuditEvent.instance_id, AuditEvent.seq, AuditEvent.at, AuditEvent.kind, AuditEvent.element_id,
                   AuditEvent.task_id, AuditEvent.actor, AuditEvent.on_behalf_of, AuditEvent.data)
            .where(AuditEvent.instance_id.in_(ids)).order_by(AuditEvent.instance_id, AuditEvent.seq)):
        data = row.data or {}
        events.setdefault(row.instance_id, []).append(
            Event(row.seq, row.at, row.kind, row.element_id, row.task_id, row.actor, row.on_behalf_of, data))
        if row.kind == "message_delivered" and "payload" not in data and data.get("message_id") is not None:
            wanted_messages.add(data["message_id"])
    payloads = {}
    if wanted_messages:
        payloads = dict(db.session.execute(select(ProcessMessage.id, ProcessMessage.payload)
                                           .where(ProcessMessage.id.in_(wanted_messages))).all())
    by_id = {row[0]: row for row in instances}
    for instance_id in ids:
        row = by_id.get(instance_id)
        if row is None:
            continue
        (_, status, state, data, next_timer_at, definition_id, key, content_hash) = row
        history = tuple(events.get(instance_id, ()))
        if not state:
            yield Verdict(instance_id, NOT_REEXECUTABLE, None, "The instance has no saved engine state.", len(history))
            continue
        versions = _Versions(key)
        cache_key = f"{key}:{content_hash}"
        started_on = (cache_key, _spec_of(definition_id), _Retyper(definition_id, cache_key))
        moved = next((event for event in history if event.kind == "instance_migrated"), None)
        if moved is not None:  # it started on the version its first migration moved it from
            started_on = versions((moved.data or {}).get("from") or {})
            if started_on is None:
                yield Verdict(instance_id, NOT_REEXECUTABLE, moved.seq, "The version the instance started on is not "
                              "stored with the content its migration recorded.", len(history))
                continue
        cache_key, spec, retype = started_on
        yield History(instance_id, cache_key, spec, status.value, state, data or {}, next_timer_at, history, payloads,
                      retype, versions)


class _Versions:
    """The other versions of a process an instance was migrated to, by the
    facts its ``instance_migrated`` event recorded: (cache key, spec,
    retyper), or None when that version is not stored with that content."""

    def __init__(self, key: str):
        self.key = key

    def __call__(self, to: dict):
        row = db.session.execute(select(ProcessDefinition.id, ProcessDefinition.content_hash).where(
            ProcessDefinition.key == self.key, ProcessDefinition.version == to.get("version"))).first()
        if row is None or row.content_hash != to.get("content_hash"):
            return None
        cache_key = f"{self.key}:{row.content_hash}"
        return cache_key, _spec_of(row.id), _Retyper(row.id, cache_key)
