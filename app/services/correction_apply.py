"""Applying one correction to a locked instance, in the caller's unit of
work: suspend, resume, move the token, skip a step, correct a data field.
Each writes one event on the instance's chain with who asked, who approved,
the reason and the values before and after. Nothing here commits."""
from app.audit.chain import jsonable, record_instance_event
from app.errors import Conflict, ValidationFailed
from app.models import CorrectionRequest, InstanceStatus, ProcessInstance, User
from app.services.commands import finish, open_run
from app.services.instance_summaries import refresh_summary
from app.workflow.corrections import (CorrectionRefused, coerced, correct_field, field_value, move_token,
                                      skip_step)

EVENT_OF_KIND = {"suspend": "instance_suspended", "resume": "instance_resumed", "move": "token_moved",
                 "skip": "step_skipped", "data": "data_corrected"}
_LIVE = (InstanceStatus.running, InstanceStatus.error)


def ensure_applicable(instance: ProcessInstance, kind: str) -> None:
    """Whether ``kind`` fits the instance's status now. Raises Conflict
    (``instance_suspended``: only resume; ``not_suspended``; ``instance_ended``)."""
    if kind == "resume":
        if instance.status != InstanceStatus.suspended:
            raise Conflict(f"The instance is {instance.status.value}, not suspended.", code="not_suspended")
        return
    if instance.status == InstanceStatus.suspended:
        raise Conflict("The instance is suspended: resume it first.", code="instance_suspended")
    if instance.status not in _LIVE:
        raise Conflict(f"The instance is already {instance.status.value}.", code="instance_ended")


def apply_correction(request: CorrectionRequest, instance: ProcessInstance, approver: User | None) -> dict:
    """Apply ``request`` to ``instance`` (locked by the caller) and record
    it; returns the event's data. Raises Conflict (status), ValidationFailed
    naming the field the engine refuses (nothing is written then)."""
    ensure_applicable(instance, request.kind)
    who = {"request": request.id, "reason": request.reason,
           "requested_by": request.requested_by.username if request.requested_by else None,
           "approved_by": approver.username if approver else None}
    actor = request.requested_by
    payload = request.payload or {}
    try:
        if request.kind in ("suspend", "resume"):
            return _suspend_or_resume(instance, request.kind, who, actor)
        run = open_run(instance, actor)
        if request.kind == "move":
            return _move(instance, run, payload, who, actor)
        if request.kind == "skip":
            return _skip(instance, run, payload, who, actor)
        return _correct(instance, run, payload, who, actor)
    except CorrectionRefused as refused:
        raise ValidationFailed.for_fields({refused.field: [refused.message]}, refused.message) from None


def dry_check(kind: str, payload: dict, instance: ProcessInstance) -> None:
    """Try the engine part of a move, skip or data correction on a throwaway
    load of the instance (nothing is saved or run), so that a request the
    engine would refuse is refused when asked, not when approved. Raises
    ValidationFailed naming the field."""
    if kind not in ("move", "skip", "data"):
        return
    run = open_run(instance, None)
    try:
        if kind == "move":
            move_token(run, payload.get("task_id"), payload.get("to_element"))
        elif kind == "skip":
            skip_step(run, payload.get("task_id"))
        else:
            coerced(field_value(run, payload.get("field")), payload.get("value"))
    except CorrectionRefused as refused:
        raise ValidationFailed.for_fields({refused.field: [refused.message]}, refused.message) from None


def _suspend_or_resume(instance, kind, who, actor) -> dict:
    before = instance.status.value
    if kind == "suspend":
        instance.status = InstanceStatus.suspended
    else:  # back exactly as it was: a failed step is still failed
        instance.status = InstanceStatus.error if instance.error_message is not None else InstanceStatus.running
    data = {**who, "before": before, "after": instance.status.value}
    record_instance_event(instance, EVENT_OF_KIND[kind], actor=_name(actor), data=data)
    refresh_summary(instance)
    return data


def _move(instance, run, payload, who, actor) -> dict:
    task_id, to_element = payload.get("task_id"), payload.get("to_element")
    from_element = move_token(run, task_id, to_element)
    data = {**who, "from": from_element, "to": to_element, "before": from_element, "after": to_element}
    record_instance_event(instance, "token_moved", element_id=from_element, task_id=task_id, actor=_name(actor),
                          data=data)
    finish(instance, run.settle(), actor)
    return data


def _skip(instance, run, payload, who, actor) -> dict:
    task_id = payload.get("task_id")
    skipped = skip_step(run, task_id)
    # a skipped service task's ledger posting is NOT made: say so in the record
    data = {**who, "skipped": skipped, "posting_skipped": skipped["operation"],
            "before": skipped["state"], "after": "COMPLETED (skipped)"}
    record_instance_event(instance, "step_skipped", element_id=skipped["element_id"], task_id=task_id,
                          actor=_name(actor), data=data)
    finish(instance, run.settle(), actor)
    return data


def _correct(instance, run, payload, who, actor) -> dict:
    field = payload.get("field")
    before = field_value(run, field)
    after = coerced(before, payload.get("value"))
    correct_field(run, field, after)
    data = {**who, "field": field, "before": jsonable(before), "after": jsonable(after),
            "decimal": type(after).__name__ == "Decimal"}
    record_instance_event(instance, "data_corrected", actor=_name(actor), data=data)
    # No engine step runs: a failed step stays failed (a retry runs it with the corrected data).
    outcome = run.outcome()
    instance.state = outcome.state
    instance.data = jsonable(outcome.data)
    refresh_summary(instance)
    return data


def _name(user: User | None) -> str | None:
    return user.username if user else None
