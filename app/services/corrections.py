"""Process admins' corrections of a running instance, each with a reason:
asked for, and applied at once or — for the kinds the
OPERATE_CORRECTION_APPROVAL setting names (data corrections by default) —
only once ANOTHER process admin approves. The request, its rejection or
withdrawal and a failed approval are recorded on the instance's chain beside
the engine; the applied correction is one event of its own
(correction_apply.py)."""
from flask import current_app
from sqlalchemy import select

from app import clock
from app.audit.chain import jsonable, record_instance_event
from app.errors import Conflict, Forbidden, LanesError, NotFound, ValidationFailed
from app.extensions import db
from app.models import CorrectionRequest, ProcessInstance, User
from app.models.correction_request import CORRECTION_KINDS, CORRECTION_STATES
from app.services.commands import command, lock_instance
from app.services.correction_apply import apply_correction, dry_check, ensure_applicable
from app.services.permissions import ensure_may_change, ensure_process_admin, storable_text

MAX_REASON_CHARS = 2000


def approval_kinds() -> frozenset[str]:
    """The kinds that wait for a second process admin (the setting:
    "data" by default, "all", "none", or a comma list)."""
    setting = str(current_app.config.get("OPERATE_CORRECTION_APPROVAL", "data") or "").strip().lower()
    if setting == "all":
        return frozenset(CORRECTION_KINDS)
    if setting in ("", "none"):
        return frozenset()
    return frozenset(part.strip() for part in setting.split(",") if part.strip() in CORRECTION_KINDS)


def _text(value, field: str, what: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or not storable_text(text):
        raise ValidationFailed.for_fields({field: [what]})
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed.for_fields({field: [f"At most {MAX_REASON_CHARS} characters."]})
    return text


def _payload(kind: str, given: dict) -> dict:
    """What ``kind`` needs from the request, checked for shape (the engine
    checks the rest when it applies). Raises ValidationFailed naming the field."""
    if kind == "move":
        for field in ("task_id", "to_element"):
            if not isinstance(given.get(field), str) or not given[field].strip() or not storable_text(given[field]):
                raise ValidationFailed.for_fields({field: ["Required: " + field.replace("_", " ") + "."]})
        return {"task_id": given["task_id"].strip(), "to_element": given["to_element"].strip()}
    if kind == "skip":
        if not isinstance(given.get("task_id"), str) or not given["task_id"].strip():
            raise ValidationFailed.for_fields({"task_id": ["Required: the step to skip."]})
        return {"task_id": given["task_id"].strip()}
    if kind == "data":
        if not isinstance(given.get("field"), str) or not given["field"].strip():
            raise ValidationFailed.for_fields({"field": ["Required: the data field to correct."]})
        if "value" not in given:
            raise ValidationFailed.for_fields({"value": ["Required: the new value."]})
        return {"field": given["field"].strip(), "value": jsonable(given["value"])}
    return {}


def _ensure_admin(actor: User, what: str) -> None:
    ensure_may_change(actor)
    if actor is None:
        raise Forbidden("A correction names the process administrator who asks for it.")
    ensure_process_admin(actor, what)


@command
def request_correction(instance_id: int, actor: User, kind: str, reason: str, **given) -> CorrectionRequest:
    """Ask for a correction of ``kind`` (suspend, resume, move, skip, data)
    with a ``reason``; applied at once unless the setting makes it wait for
    a second process admin. Raises Forbidden (not a process admin; auditors),
    NotFound, ValidationFailed (kind, reason, payload fields; what the
    engine refuses), Conflict (the instance's status)."""
    _ensure_admin(actor, "correct an instance")
    if kind not in CORRECTION_KINDS:
        raise ValidationFailed.for_fields({"kind": [f"One of {', '.join(CORRECTION_KINDS)}."]})
    text = _text(reason, "reason", "Say why: a reason is required.")
    payload = _payload(kind, given)
    instance = lock_instance(instance_id)
    ensure_applicable(instance, kind)
    dry_check(kind, payload, instance)
    request = CorrectionRequest(instance_id=instance.id, kind=kind, payload=payload, reason=text, status="pending",
                                requested_by=actor, requested_at=clock.now(), instance_version=0)
    db.session.add(request)
    db.session.flush()
    waits = kind in approval_kinds()
    record_instance_event(instance, "correction_requested", actor=actor.username,
                          data={"request": request.id, "kind": kind, "payload": payload, "reason": text,
                                "needs_approval": waits})
    if not waits:
        apply_correction(request, instance, None)
        request.status, request.decided_at = "applied", clock.now()
        return request
    db.session.flush()  # the event moved the instance's version: an approval applies to it as it is now
    request.instance_version = instance.version
    return request


def _pending(request_id: int, actor: User, what: str) -> CorrectionRequest:
    """The pending request, read again once its instance is locked (so two
    admins deciding at once queue, and the second sees the first's
    decision). Raises Forbidden, NotFound, Conflict (``already_decided``)."""
    _ensure_admin(actor, what)
    request = db.session.get(CorrectionRequest, request_id) if isinstance(request_id, int) else None
    if request is None:
        raise NotFound(f"There is no correction request {request_id}.")
    lock_instance(request.instance_id)
    db.session.refresh(request)
    if request.status != "pending":
        raise Conflict(f"Correction request {request_id} is already {request.status}.", code="already_decided")
    return request


def _another(request: CorrectionRequest, actor: User) -> None:
    if request.requested_by_id == actor.id:
        raise Forbidden("A second process administrator decides a correction, never the one who asked for it.",
                        code="own_correction")


@command
def approve_correction(request_id: int, actor: User, note: str | None = None) -> CorrectionRequest:
    """Approve a pending request as a second process admin and apply it. If
    the instance changed since it was asked (its version moved on) or the
    engine refuses it now, the request becomes ``failed`` with the reason
    and nothing is applied. Raises Forbidden (``own_correction``; not a
    process admin), NotFound, Conflict (``already_decided``)."""
    request = _pending(request_id, actor, "approve a correction")
    _another(request, actor)
    instance = lock_instance(request.instance_id)
    request.decided_by, request.decided_at = actor, clock.now()
    request.decision_note = note.strip()[:MAX_REASON_CHARS] if isinstance(note, str) and storable_text(note) else None
    if instance.version != request.instance_version:
        return _failed(request, instance, actor, "The instance changed after the correction was asked for "
                                                 "(a step, a claim or another correction); ask again.")
    try:
        with db.session.begin_nested():
            apply_correction(request, instance, actor)
    except LanesError as refused:
        db.session.refresh(instance)
        return _failed(request, instance, actor, refused.message)
    request.status = "applied"
    return request


def _failed(request: CorrectionRequest, instance: ProcessInstance, actor: User, why: str) -> CorrectionRequest:
    request.status = "failed"
    request.decision_note = why
    record_instance_event(instance, "correction_failed", actor=actor.username,
                          data={"request": request.id, "kind": request.kind, "reason": why})
    return request


@command
def reject_correction(request_id: int, actor: User, note: str) -> CorrectionRequest:
    """Reject a pending request with a note; nothing is applied. Raises
    Forbidden (``own_correction``: withdraw it instead), NotFound, Conflict,
    ValidationFailed (no note)."""
    text = _text(note, "note", "Say why the correction is rejected.")
    request = _pending(request_id, actor, "reject a correction")
    _another(request, actor)
    instance = lock_instance(request.instance_id)
    request.status, request.decided_by, request.decided_at, request.decision_note = \
        "rejected", actor, clock.now(), text
    record_instance_event(instance, "correction_rejected", actor=actor.username,
                          data={"request": request.id, "kind": request.kind, "reason": text})
    return request


@command
def withdraw_correction(request_id: int, actor: User) -> CorrectionRequest:
    """The requester takes back a pending request. Raises Forbidden (someone
    else's), NotFound, Conflict."""
    request = _pending(request_id, actor, "withdraw a correction")
    if request.requested_by_id != actor.id:
        raise Forbidden("Only the process administrator who asked can withdraw a correction.", code="not_yours")
    instance = lock_instance(request.instance_id)
    request.status, request.decided_by, request.decided_at = "withdrawn", actor, clock.now()
    record_instance_event(instance, "correction_withdrawn", actor=actor.username,
                          data={"request": request.id, "kind": request.kind})
    return request


def correction_requests(actor: User, status: str | None = None, instance_id: int | None = None,
                        limit: int = 200) -> list[CorrectionRequest]:
    """Requests newest first (of one ``status`` or instance). Raises
    Forbidden (process admins and auditors read them), ValidationFailed."""
    if actor is None or not (actor.has_role("process_admin") or actor.has_role("auditor")):
        raise Forbidden("Only process administrators and auditors see correction requests.")
    query = select(CorrectionRequest).order_by(CorrectionRequest.id.desc()).limit(limit)
    if status is not None:
        if status not in CORRECTION_STATES:
            raise ValidationFailed.for_fields({"status": [f"One of {', '.join(CORRECTION_STATES)}."]})
        query = query.where(CorrectionRequest.status == status)
    if instance_id is not None:
        query = query.where(CorrectionRequest.instance_id == instance_id)
    return list(db.session.scalars(query))


def request_as_json(request: CorrectionRequest) -> dict:
    return {"id": request.id, "instance_id": request.instance_id, "kind": request.kind,
            "payload": request.payload, "reason": request.reason, "status": request.status,
            "requested_by": request.requested_by.username if request.requested_by else None,
            "requested_at": request.requested_at.isoformat() if request.requested_at else None,
            "decided_by": request.decided_by.username if request.decided_by else None,
            "decided_at": request.decided_at.isoformat() if request.decided_at else None,
            "decision_note": request.decision_note}
