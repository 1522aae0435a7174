"""Who may act on a human task, and for whom: the task's holder, a holder of
its candidate role in its organisation (role_scope.py), or someone a standing
delegation lets act for either.
The commands (tasks.py) and the work list (work_list.py) both ask here."""
from sqlalchemy import bindparam, select

from app import clock
from app.extensions import db
from app.models import Delegation, HumanTask, User
from app.services.role_scope import holds
from app.services.segregation import may_hold_tasks


# built once: every page and command asks
_DELEGATIONS_IN_FORCE = select(Delegation).where(Delegation.to_user_id == bindparam("to_user_id"),
                                                 Delegation.valid_from <= bindparam("now"), Delegation.valid_to > bindparam("now"))


def delegations_to(user: User, process_key: str | None = None) -> list[Delegation]:
    """The standing delegations in force now that let ``user`` act for
    someone (for ``process_key``, when given)."""
    now = clock.now()
    rows = db.session.scalars(_DELEGATIONS_IN_FORCE, {"to_user_id": user.id, "now": now})
    # A standing delegation to someone who may hold no task (an auditor, an
    # integration account) grants nothing, whatever its dates say.
    return [d for d in rows if d.from_user.active and may_hold_tasks(d.to_user)
            and (process_key is None or d.covers(process_key, now))]


def acting_as(user: User, task: HumanTask) -> tuple[bool, User | None]:
    """May ``user`` act on ``task``, and on whose behalf (None: their own)."""
    if task.assignee_id == user.id:
        return True, task.delegated_from
    if task.assignee_id is None and holds(user, task.candidate_role, task.candidate_org_id):
        return True, None
    for delegation in delegations_to(user, task.instance.process_key):
        principal = delegation.from_user
        if task.assignee_id == principal.id:
            return True, principal
        if task.assignee_id is None and holds(principal, task.candidate_role, task.candidate_org_id):
            return True, principal
    return False, None
