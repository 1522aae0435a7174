"""Re-execution of a process admin's recorded corrections: the engine is
handed the same move, skip or data correction again, and must accept it as
it did when it was recorded."""
from decimal import Decimal

from app.workflow.corrections import (CorrectionRefused, active_steps, correct_field, find_active, move_token,
                                      skip_step)

CORRECTIONS = ("token_moved", "step_skipped", "data_corrected")
# Recorded on the chain without feeding the engine.
CORRECTIONS_BESIDE = ("instance_suspended", "instance_resumed", "correction_requested", "correction_rejected",
                      "correction_withdrawn", "correction_failed")


class NotFed(Exception):
    """The engine cannot take the recorded correction: ``expected`` is what
    the history says, ``actual`` what the engine has."""

    def __init__(self, message: str, expected, actual):
        super().__init__(message)
        self.message, self.expected, self.actual = message, expected, actual


def feed_correction(run, kind: str, element_id: str | None, data: dict) -> None:
    """Apply recorded correction ``kind`` to ``run``. Raises NotFed."""
    try:
        if kind == "data_corrected":
            after = data.get("after")
            correct_field(run, data.get("field"), Decimal(str(after)) if data.get("decimal") else after)
            return
        task_id = find_active(run, element_id)
        if task_id is None:
            raise NotFed(f"The history corrects step {element_id}, where the engine has no token.", element_id,
                         [step["element_id"] for step in active_steps(run)])
        if kind == "token_moved":
            move_token(run, task_id, data.get("to"))
        else:
            skip_step(run, task_id)
    except CorrectionRefused as refused:
        raise NotFed(f"The engine refuses the recorded {kind}: {refused.message}", data, refused.message) from None


def status_beside(event, status: str, suspended_from: str | None) -> tuple[str, str | None]:
    """(status, status before the suspension) after ``event``: suspending
    and resuming change the status, not the engine."""
    if event.kind == "instance_suspended":
        return "suspended", status
    if event.kind == "instance_resumed":
        return (event.data or {}).get("after") or suspended_from or "running", None
    return status, suspended_from
