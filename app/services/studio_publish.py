"""Publishing from the studio: a process draft, or a decision table or form
changed alone, becomes new versions through the same deploy path as
``flask processes deploy``, with a change note kept on each version and in
its deploy chain event. With the STUDIO_PUBLISH_APPROVAL setting a publish
waits for a second process admin, never the one who asked."""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app import clock
from app.audit.chain import record_chain_event
from app.errors import Conflict, Forbidden, LanesError, NotFound, ValidationFailed
from app.extensions import db
from app.models import StudioDraft, StudioFileDraft, StudioPublishRequest, User
from app.services import deployment, studio
from app.services.studio_scenarios import run_saved_scenarios
from app.services.permissions import ensure_may_change, ensure_process_admin, storable_text
from app.services.unit_of_work import use_case
from app.actions import registered_actions
from app.services.performers import LANE_NAMES
from app.workflow.bundle import compile_bundle, content_hash, kind_of
from app.workflow.problems import Problem

MAX_NOTE_CHARS = 2000


class ScenariosFailed(LanesError):
    status = 422
    code = "scenario_failed"

    def __init__(self, runs: list):
        failed = [run.name for run in runs if not run.passed]
        super().__init__(f"{len(failed)} saved scenario(s) failed: {', '.join(failed)}; nothing was published.",
                         details={"runs": [run_as_dict(run) for run in runs]})


@dataclass(frozen=True)
class Published:
    """What a publish did: the new versions, or the request awaiting approval."""
    versions: list[deployment.Deployed]
    request: StudioPublishRequest | None
    runs: list


def run_as_dict(run) -> dict:
    return {"name": run.name, "passed": bool(run.passed), "path": list(run.path or []),
            "stopped_at": run.stopped_at, "message": run.message}


def saved_scenario_runs(key: str, files: dict[str, str]) -> list:
    """The saved scenarios of ``key`` run on ``files``, which a publish
    needs all to pass. Raises nothing: a diagram that does not compile
    fails every scenario."""
    return run_saved_scenarios(key, files)


def approval_required() -> bool:
    return bool(current_app.config.get("STUDIO_PUBLISH_APPROVAL"))


def _clean_note(note) -> str:
    text = note.strip() if isinstance(note, str) else ""
    if not text or "\x00" in text:
        raise ValidationFailed.for_fields({"note": ["Say what changed: a change note is required."]})
    if len(text) > MAX_NOTE_CHARS:
        raise ValidationFailed.for_fields({"note": [f"At most {MAX_NOTE_CHARS} characters."]})
    return text


def _ensure_current_base(key: str, base_version: int | None) -> None:
    latest = deployment.find_definition(key)
    if latest is not None and latest.version != base_version:
        raise Conflict(f"v{latest.version} of {key!r} was published after this draft was started from "
                       f"v{base_version}; compare with v{latest.version} and start again from it.",
                       code="stale_base", details={"base_version": base_version, "latest_version": latest.version})


def _checked(key: str, xml: str) -> list:
    """The saved scenarios' runs on the draft, after the deploy lint (the
    check of ``processes deploy``). Raises DeploymentRejected, ScenariosFailed."""
    definition = deployment.find_definition(key)
    compiled, problems = compile_bundle({definition.bpmn_file: xml.encode("utf-8")}, deployment.stored_files(),
                                        lane_names=set(LANE_NAMES), actions=registered_actions())
    if not problems and not any(process.key == key for process in compiled):
        problems = [Problem(definition.bpmn_file, None, None, f"The draft holds no executable process {key!r}.")]
    if problems:
        raise deployment.DeploymentRejected(problems)
    runs = saved_scenario_runs(key, {definition.bpmn_file: xml})
    if any(not run.passed for run in runs):
        raise ScenariosFailed(runs)
    return runs


def _deploy_draft(key: str, xml: str, base_version: int | None, note: str, actor: User) -> list[deployment.Deployed]:
    definition = deployment.find_definition(key)
    results = deployment.deploy({definition.bpmn_file: xml.encode("utf-8")}, actor, note=note,
                                published_from_draft=base_version)
    if not any(result.key == key and result.created for result in results):
        raise deployment.DeploymentRejected([Problem(definition.bpmn_file, None, None,
                                                     f"The draft is the same as v{definition.version}: nothing to publish.")])
    return results


@use_case
def publish_draft(key: str, note: str, actor: User) -> Published:
    """Publish the draft of ``key`` with a change ``note`` and clear it; with
    the approval setting on, make a pending publish request instead. Raises
    Forbidden, NotFound, ValidationFailed (no note), Conflict (``stale_base``:
    a newer version was published since the draft's base),
    DeploymentRejected (lint problems, with element ids), ScenariosFailed."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "publish processes")
    text = _clean_note(note)
    draft = studio.get_draft(key, actor)
    _ensure_current_base(key, draft.base_version)
    runs = _checked(key, draft.xml)
    if approval_required():
        request = StudioPublishRequest(process_key=key, base_version=draft.base_version, xml=draft.xml, note=text,
                                       status="pending", requested_at=clock.now(), requested_by_id=actor.id)
        db.session.add(request)
        db.session.flush()
        record_chain_event(f"definition:{key}", "publish_requested", actor=actor.username,
                           data={"request": request.id, "base_version": draft.base_version, "note": text,
                                 "content_hash": content_hash(draft.xml)})
        return Published([], request, runs)
    results = _deploy_draft(key, draft.xml, draft.base_version, text, actor)
    db.session.delete(draft)
    return Published(results, None, runs)


def publish_requests(user: User) -> list[StudioPublishRequest]:
    """Every publish request, newest first. Raises Forbidden."""
    studio.ensure_studio_reader(user)
    return list(db.session.scalars(select(StudioPublishRequest).order_by(StudioPublishRequest.id.desc())))


def _pending(request_id: int, actor: User, what: str) -> StudioPublishRequest:
    ensure_may_change(actor)
    ensure_process_admin(actor, what)
    request = db.session.get(StudioPublishRequest, request_id)
    if request is None:
        raise NotFound(f"There is no publish request {request_id}.")
    if request.status != "pending":
        raise Conflict(f"Publish request {request_id} is already {request.status}.", code="already_decided")
    if request.requested_by_id == actor.id:
        raise Forbidden("A second process administrator decides a publish, never the one who asked for it.",
                        code="own_publish")
    return request


@use_case
def approve_publish(request_id: int, actor: User) -> StudioPublishRequest:
    """Approve a pending publish request: its diagram is deployed with its
    note (the same checks again) and the draft it came from is cleared if
    unchanged since. Raises Forbidden (also ``own_publish``), NotFound,
    Conflict (decided already, or ``stale_base``), DeploymentRejected,
    ScenariosFailed."""
    request = _pending(request_id, actor, "approve publishing")
    _ensure_current_base(request.process_key, request.base_version)
    _checked(request.process_key, request.xml)
    record_chain_event(f"definition:{request.process_key}", "publish_approved", actor=actor.username,
                       data={"request": request.id, "requested_by": _name(request.requested_by)})
    results = _deploy_draft(request.process_key, request.xml, request.base_version, request.note, actor)
    request.status, request.decided_at, request.decided_by_id = "approved", clock.now(), actor.id
    request.published_version = next(r.version for r in results if r.key == request.process_key)
    draft = db.session.scalar(select(StudioDraft).where(StudioDraft.process_key == request.process_key))
    if draft is not None and draft.xml == request.xml:
        db.session.delete(draft)
    return request


@use_case
def reject_publish(request_id: int, reason: str, actor: User) -> StudioPublishRequest:
    """Reject a pending publish request with a reason; nothing is deployed.
    Raises Forbidden (also ``own_publish``), NotFound, Conflict,
    ValidationFailed (no reason)."""
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or "\x00" in text or len(text) > MAX_NOTE_CHARS:
        raise ValidationFailed.for_fields({"reason": ["Say why the publish is rejected."]})
    request = _pending(request_id, actor, "reject publishing")
    request.status, request.decided_at, request.decided_by_id, request.reason = "rejected", clock.now(), actor.id, text
    record_chain_event(f"definition:{request.process_key}", "publish_rejected", actor=actor.username,
                       data={"request": request.id, "requested_by": _name(request.requested_by), "reason": text})
    return request


def _name(user: User | None) -> str | None:
    return user.username if user else None


@use_case
def publish_file_content(name: str, content: str, note: str, actor: User,
                         base_hash: str | None = None) -> list[deployment.Deployed]:
    """Publish a decision table or form changed alone: a new version of every
    process whose latest version uses ``name`` (the deploy path of
    ``processes deploy`` given the file alone), each with the note. Raises
    Forbidden, ValidationFailed, Conflict (``stale_base``: the file was
    deployed again since ``base_hash``), DeploymentRejected."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "publish tables and forms")
    text = _clean_note(note)
    if kind_of(name) not in ("dmn", "form"):
        raise ValidationFailed.for_fields({"name": ["Only a decision table (.dmn) or a form (.json) publishes alone."]})
    current = deployment.stored_files().get(name)
    if base_hash is not None and current is not None and content_hash(current) != base_hash:
        raise Conflict(f"{name} was published again after this draft was started; start again from it.",
                       code="stale_base", details={"base_hash": base_hash, "latest_hash": content_hash(current)})
    users = [d.key for d in deployment.latest_definitions() if name in (d.files or {})]
    if not users:
        raise NotFound(f"No deployed process uses {name}.")
    results = deployment.deploy({name: content.encode("utf-8")}, actor, note=text)
    if not any(result.created for result in results):
        raise deployment.DeploymentRejected([Problem(name, None, None, "The file is unchanged: nothing to publish.")])
    return results


@use_case
def publish_file(name: str, note: str, actor: User) -> list[deployment.Deployed]:
    """Publish the studio's draft of the table or form ``name`` alone and
    clear it: a new version of every process using it. Raises as
    publish_file_content, and NotFound (no such draft)."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "publish tables and forms")
    draft = db.session.scalar(select(StudioFileDraft).where(StudioFileDraft.name == name)) \
        if storable_text(name) else None
    if draft is None:
        raise NotFound(f"There is no draft of {name!r}.")
    results = publish_file_content(name, draft.content, note, actor, base_hash=draft.base_hash)
    db.session.delete(draft)
    return results
