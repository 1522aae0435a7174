"""The replay page of one instance, for auditors and process admins: every
event of its audit chain as a moment (where the tokens were, the path
taken so far, the data after it), and for the selected moment what
changed, the form as its performer saw it, who acted under what
authority, the files the data refers to, timers and messages.

Read-only: nothing here writes."""
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app import clock
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import AuditEvent, ProcessInstance, User
from app.services import replay
from app.services.access_history import role_history, roles_as_of
from app.services.attachments import path_of
from app.services.instances import get_instance
from app.services.replay_diff import Change, described, diff, files_in
from app.services.task_view import Shown, forms_of, shown_for
from app.workflow.element_names import element_names

# What a form never showed filled in from earlier steps (the task page's rule): the decision and comment are the performer's own.
NEVER_PREFILLED = ("decision", "comment", "action")


@dataclass(frozen=True)
class Moment:
    """One event of the chain, replayed: the same fields as a snapshot of
    app/services/replay.py (seq, at, kind, element_id, task_id, actor,
    on_behalf_of, event_data, active, path, data)."""
    seq: int
    at: datetime
    kind: str
    element_id: str | None
    task_id: str | None
    actor: str | None
    on_behalf_of: str | None
    event_data: dict
    active: list[str]
    path: list[str]
    data: dict


@dataclass(frozen=True)
class Authority:
    """Under what authority the actor acted: their own, or for a principal,
    with the delegations the task went through before (from, for, to)."""
    own: bool
    principal: str | None
    delegations: list[tuple[str, str | None, str]] = field(default_factory=list)


@dataclass
class ReplayPage:
    instance: ProcessInstance
    moments: list[Moment]
    selected: int  # index into moments
    step_names: dict[str, str]  # element id -> name (user tasks of the pinned version)
    names: dict[str, str]  # username -> display name
    changes: list[Change]
    form: str | None  # the form the performer filled, for a task_completed
    form_schema: dict | None
    shows: list[Shown]  # what the diagram had the performer read first (approvals)
    roles: list[str]  # the actor's role codes
    roles_as_of: bool  # True: held at that moment; False: held now (no access history)
    authority: Authority | None
    files: list[dict]  # {name, size, sha256, type, intact}
    as_of: datetime | None = None
    data_tree: dict | None = None  # display tree of the data as of the moment
    form_values: dict = field(default_factory=dict)  # what the form showed filled in: prefilled, then submitted
    reexecuted: bool = True  # moments from re-execution (False: read from the recorded events alone)

    @property
    def moment(self) -> Moment | None:
        return self.moments[self.selected] if self.moments else None

    @property
    def previous(self) -> Moment | None:
        return self.moments[self.selected - 1] if self.moments and self.selected > 0 else None


def _events(instance: ProcessInstance) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.chain == f"instance:{instance.id}")
                                   .order_by(AuditEvent.seq)))


def recorded_moments(instance: ProcessInstance) -> list[Moment]:
    """The moments read from the recorded events alone: tokens on the READY
    tasks, the path of completed steps and system calls, and the data the
    request started with plus each completed step's submission. Raises
    nothing."""
    moments, ready, path, data = [], {}, [], {}
    for event in _events(instance):
        body = event.data or {}
        if event.kind == "instance_started":
            data = dict(body.get("data") or {})
        elif event.kind == "task_ready" and event.element_id:
            ready[event.task_id or event.element_id] = event.element_id
        elif event.kind == "task_completed":
            ready.pop(event.task_id or event.element_id, None)
            data = {**data, **body}
            path = path + [event.element_id]
        elif event.kind == "service_call" and event.element_id:
            path = path + [event.element_id]
        elif event.kind in ("instance_completed", "instance_cancelled"):
            ready = {}
        elif event.kind == "data_corrected":  # a process admin's correction: the field as corrected
            data = {**data, body.get("field"): body.get("after")}
        elif event.kind in ("token_moved", "step_skipped"):
            ready.pop(event.task_id or event.element_id, None)
        moments.append(Moment(event.seq, event.at, event.kind, event.element_id, event.task_id, event.actor,
                              event.on_behalf_of, body, sorted(set(ready.values())), list(path), dict(data)))
    return moments


def _moments(instance: ProcessInstance) -> tuple[list[Moment], bool]:
    """The moments as a fresh engine on the pinned version re-lives them
    (True), else, for an instance with no saved engine state, as read from
    the record alone (False)."""
    try:
        found = replay.snapshots(instance.id)
    except NotFound:
        return recorded_moments(instance), False
    return [Moment(s.seq, s.at, s.kind, s.element_id, s.task_id, s.actor, s.on_behalf_of, s.event_data or {},
                   list(s.active), list(s.path), s.data or {}) for s in found], True


def _business_instant(as_of: str) -> datetime:
    """``2026-11-03T10:00`` read in the business timezone (or with its own
    offset). Raises ValidationFailed for anything else."""
    try:
        parsed = datetime.fromisoformat(as_of.strip())
    except (ValueError, AttributeError):
        raise ValidationFailed.for_fields({"as_of": ["Give a date and time like 2026-11-03T10:00."]}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=clock.business_timezone())
    return parsed


def _selected(moments: list[Moment], seq: int | None, as_of: datetime | None) -> int:
    if not moments:
        return 0
    if as_of is not None:
        before = [i for i, m in enumerate(moments) if m.at <= as_of]
        return before[-1] if before else 0
    if seq is None:
        return len(moments) - 1
    for index, moment in enumerate(moments):
        if moment.seq == seq:
            return index
    raise ValidationFailed.for_fields({"seq": [f"This instance has no event {seq}; its events are 1 to {moments[-1].seq}."]})


def _authority(moments: list[Moment], index: int) -> Authority | None:
    moment = moments[index]
    if not moment.actor:
        return None
    delegations = [(m.actor, m.on_behalf_of, (m.event_data or {}).get("to")) for m in moments[:index]
                   if m.kind == "task_delegated" and moment.task_id and m.task_id == moment.task_id]
    return Authority(moment.on_behalf_of is None, moment.on_behalf_of, delegations)


def _roles(username: str | None, at: datetime) -> tuple[list[str], bool]:
    """The actor's role codes at ``at`` from the grant history, and True; the
    roles held now, and False, when the history does not reach back to ``at``."""
    user = db.session.scalar(select(User).where(User.username == username)) if username else None
    if user is None:
        return [], False
    history = role_history(user.id)
    if not history or history[0].at > at:  # the history starts later (backfilled when it was introduced)
        return user.role_codes, False
    return roles_as_of(user.id, at), True


def _intact(sha256: str) -> bool | None:
    """Whether the stored file still hashes to its name; None when it is gone."""
    path = path_of(sha256)
    if path is None:
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as stored:
        for block in iter(lambda: stored.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest() == sha256


def _names(moments: list[Moment]) -> dict[str, str]:
    usernames = {m.actor for m in moments} | {m.on_behalf_of for m in moments} | {
        (m.event_data or {}).get("to") for m in moments if m.kind in ("task_delegated", "task_reassigned")} | {
        (m.event_data or {}).get(key) for m in moments for key in ("requested_by", "approved_by")}
    usernames = {u for u in usernames if isinstance(u, str)}
    if not usernames:
        return {}
    return dict(db.session.execute(select(User.username, User.display_name).where(User.username.in_(usernames))).all())


def replay_page(instance_id: int, user: User, seq: int | None = None, as_of: str | None = None) -> ReplayPage:
    """The replay of instance ``instance_id`` at event ``seq`` (or the last
    event at or before ``as_of``, a date-time in the business timezone;
    the last event when neither is given). Raises NotFound, Forbidden
    (neither an auditor nor a process admin), ValidationFailed (no such
    event, an unreadable as_of)."""
    replay.ensure_may_replay(user)
    instance = get_instance(instance_id)
    instant = _business_instant(as_of) if as_of else None
    moments, reexecuted = _moments(instance)
    index = _selected(moments, seq, instant)
    definition = instance.definition
    tasks = {t.get("element_id"): t for t in definition.user_tasks or []}
    bpmn = definition.files.get(definition.bpmn_file) or ""
    step_names = {**(element_names(bpmn, definition.bpmn_file or "diagram.bpmn") if bpmn else {}),
                  **{element: t.get("name") or element for element, t in tasks.items()}}
    schemas = forms_of(instance)
    page = ReplayPage(instance, moments, index, step_names, _names(moments), [], None, None, [], [], False, None, [],
                      instant, reexecuted=reexecuted)
    moment = page.moment
    if moment is None:
        return page
    before = page.previous.data if page.previous else {}
    page.changes = diff(before, moment.data, schemas)
    page.data_tree = described(moment.data, schemas) if moment.data else None
    if moment.kind == "task_completed":
        page.form = (tasks.get(moment.element_id) or {}).get("form")
        page.form_schema = definition.form_schema(page.form) if page.form else None
        page.shows = shown_for(instance, moment.element_id, before)
        # read-only fields showed the request's data then; the rest, what the performer submitted
        shown_keys = ((page.form_schema or {}).get("properties") or {})
        page.form_values = {**{k: before[k] for k in shown_keys if k in before and k not in NEVER_PREFILLED},
                            **(moment.event_data or {})}
    elif moment.kind == "instance_started":
        page.form = definition.start_form
        page.form_schema = definition.form_schema(page.form) if page.form else None
        page.form_values = dict((moment.event_data or {}).get("data") or {})
    page.roles, page.roles_as_of = _roles(moment.actor, moment.at)
    page.authority = _authority(moments, index)
    page.files = [{**ref, "intact": _intact(ref["sha256"])}
                  for ref in files_in([moment.data, moment.event_data])]
    return page


def as_json(page: ReplayPage) -> dict:
    """The replay as the API (and the page's script) returns it: every
    moment with its tokens, path and data, and for the selected one the
    changes (raw values), files and the actor's roles. Raises nothing."""
    moment = page.moment
    before = page.previous.data if page.previous else {}
    return {"instance_id": page.instance.id, "process_key": page.instance.process_key,
            "version": page.instance.definition.version, "selected_seq": moment.seq if moment else None,
            "moments": [{"seq": m.seq, "at": m.at.isoformat(), "kind": m.kind, "element_id": m.element_id,
                         "step": page.step_names.get(m.element_id) if m.element_id else None, "task_id": m.task_id,
                         "actor": m.actor, "actor_name": page.names.get(m.actor) if m.actor else None,
                         "on_behalf_of": m.on_behalf_of, "event_data": m.event_data, "active": m.active,
                         "path": m.path, "data": m.data} for m in page.moments],
            "changes": [{"key": c.key, "title": c.title, "change": c.change, "old": before.get(c.key),
                         "new": moment.data.get(c.key)} for c in page.changes],
            "files": page.files, "roles": page.roles, "roles_as_of": page.roles_as_of}
