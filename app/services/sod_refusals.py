"""Refused segregation-of-duties attempts, kept.

A refused claim, completion, delegation or reassignment rolls its command
back, so nothing of the attempt would remain. ``recording_refusals`` wraps
those commands: once the refused command has rolled back, the attempt is
written in a unit of work of its own, to ``sod_refusal`` and to the
append-only ``controls`` chain of the audit log, and the refusal is raised
on unchanged."""
import functools

from app.audit.chain import record_chain_event
from app.errors import Forbidden
from app.extensions import db
from app.models import HumanTask, SodRefusal, User
from app.services.acting import acting_as
from app.services.unit_of_work import inside_use_case, use_case

CONTROLS_CHAIN = "controls"
SOD_CODE = "segregation_of_duties"


@use_case
def record_refusal(task_id: int, actor: User, action: str, refused: Forbidden) -> SodRefusal | None:
    """Keep one refused attempt by ``actor`` to ``action`` human task
    ``task_id``; None when the task no longer exists. Commits. Raises
    nothing of its own."""
    task = db.session.get(HumanTask, task_id)
    if task is None:
        return None
    principal = None
    if action != "reassign":  # a reassigning administrator acts for nobody
        _allowed, principal = acting_as(actor, task)
    row = SodRefusal(instance_id=task.instance_id, task_id=task.id, element_id=task.element_id,
                     actor=actor.username, on_behalf_of=principal.username if principal else None,
                     reason=str(refused.details.get("reason") or "")[:32], message=refused.message[:2000],
                     action=action)
    db.session.add(row)
    db.session.flush()
    record_chain_event(CONTROLS_CHAIN, "sod_refused", element_id=task.element_id, task_id=task.task_guid,
                       actor=actor.username, on_behalf_of=row.on_behalf_of,
                       data={"refusal_id": row.id, "instance_id": task.instance_id, "human_task_id": task.id,
                             "action": action, "reason": row.reason, "message": row.message})
    return row


def recording_refusals(action: str):
    """Decorate a task command ``f(task_id, actor, ...)``: a segregation of
    duties Forbidden it raises is recorded (after its rollback) and raised
    again. Inside an enclosing use case nothing has rolled back yet, so
    nothing is recorded there."""
    def decorate(command):
        @functools.wraps(command)
        def wrapper(task_id, actor, *args, **kwargs):
            nested = inside_use_case()
            try:
                return command(task_id, actor, *args, **kwargs)
            except Forbidden as refused:
                if refused.code == SOD_CODE and not nested and isinstance(actor, User):
                    record_refusal(task_id, actor, action, refused)
                raise
        return wrapper
    return decorate
