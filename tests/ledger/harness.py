"""Helpers the ledger tests share: calls with fresh idempotency keys and
the invariant assertion."""
import itertools

from app.workflow.actions import ActionCall

_task_ids = itertools.count(1)


def new_call(operation: str, *, instance_id: int = 900, task_id: str | None = None, actor_id: int | None = None) -> ActionCall:
    return ActionCall(instance_id, task_id or f"task-{next(_task_ids)}", "Task_Test", operation, actor_id)


def all_invariants_hold(month=None):
    from app.ledger import checks

    failed = [r for r in checks.run_all(month) if not r["ok"]]
    assert not failed, failed
    return True
