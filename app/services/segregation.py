"""Segregation of duties, in one place: who may not act on an approval task.

An approval step of an instance is barred to
- the requester (who started the instance);
- anyone who approved another step of the same approval stage;
- the makers of the document it checks: whoever performed one of the tasks
  the diagram names in the step's ``makers`` property (maker and checker);
and for each of those earlier tasks, not only the person who completed it but
also the one they acted for and everyone its delegation chain passed through.

Acting on a step counts everyone involved: the actor, the person they act for
and the task's whole delegation chain. Claiming, delegating, completing,
reassigning, the task list and the choice of performer (performers.py) all
ask here, so no door is left open.

Whoever may hold a task at all (any task, approval or not) is decided here
too: active, and neither read-only (auditors) nor an integration account."""
from collections.abc import Iterable

from sqlalchemy import select

from app.errors import Forbidden
from app.extensions import db
from app.models import HumanTask, ProcessInstance, TaskStatus, User
from app.services import task_rows
from app.services.permissions import READ_ONLY_ROLE

INTEGRATION_ROLE = "integration"

REQUESTER = "requester"
APPROVER = "approver"
MAKER = "maker"

_WHY = {
    REQUESTER: "nobody approves their own request",
    APPROVER: "nobody approves two steps of one stage of a request",
    MAKER: "whoever made a document cannot approve it",
}


def may_hold_tasks(user: User | None) -> bool:
    """True for an active person who may work on tasks: not an auditor (they
    read, never write) and not an integration account (it sends messages,
    it does not decide)."""
    return (user is not None and user.active and not user.has_role(READ_ONLY_ROLE)
            and not user.has_role(INTEGRATION_ROLE))


def makers_of(instance: ProcessInstance, element_id: str) -> tuple[str, ...]:
    """The element ids the diagram names as makers of what ``element_id``
    checks (the compiled ``makers`` property; none for older versions)."""
    for described in instance.definition.user_tasks or ():
        if described.get("element_id") == element_id:
            return tuple(described.get("makers") or ())
    return ()


def people_of(task: HumanTask) -> set[int]:
    """Everyone who did ``task``: its performer, whom they acted for and its
    delegation chain."""
    people = {task.completed_by_id, task.on_behalf_of_id, *(task.delegation_chain or ())}
    people.discard(None)
    return people


def _earlier(row: HumanTask, element_id: str, stage: str | None, makers: tuple[str, ...]) -> bool:
    """True when ``row`` bars people from the approval step ``element_id`` of
    approval stage ``stage``: it was completed and either approved another
    step of that stage or made what the step checks."""
    return row.status == TaskStatus.completed and (row.element_id in makers or (
        row.is_approval and row.outcome == "approve" and row.element_id != element_id
        and row.approval_stage == stage))


def _bar(barred: dict[int, str], rows: Iterable[HumanTask], element_id: str, makers: tuple[str, ...]) -> None:
    for row in rows:
        reason = MAKER if row.element_id in makers and row.element_id != element_id else APPROVER
        for person in people_of(row):
            barred.setdefault(person, reason)


def barred_people(instance: ProcessInstance, element_id: str, stage: str | None) -> dict[int, str]:
    """User id -> why they may not act on the approval step ``element_id``
    (of approval stage ``stage``) of ``instance``, from the request's task
    rows as this transaction holds them (task_rows.py): a task the command
    has just completed counts, flushed or not."""
    makers = makers_of(instance, element_id)
    barred = {instance.started_by_id: REQUESTER}
    _bar(barred, (row for row in task_rows.rows_of(instance) if _earlier(row, element_id, stage, makers)),
         element_id, makers)
    return barred


def barred_for_task(task: HumanTask) -> dict[int, str]:
    """``barred_people`` of a human task row; nobody for a task that is not
    an approval."""
    if not task.is_approval:
        return {}
    return barred_people(task.instance, task.element_id, task.approval_stage)


def barred_for_tasks(tasks: list[HumanTask], completed: list[HumanTask] | None = None) -> dict[int, dict[int, str]]:
    """``barred_for_task`` of many tasks (task id -> barred), in one query
    for all their instances: what the task list needs. ``completed``: the
    completed tasks of those instances when the caller has read them."""
    approvals = [task for task in tasks if task.is_approval]
    if not approvals:
        return {}
    if completed is None:
        completed = db.session.scalars(select(HumanTask).where(
            HumanTask.instance_id.in_({task.instance_id for task in approvals}),
            HumanTask.status == TaskStatus.completed))
    done: dict[int, list[HumanTask]] = {}
    for row in completed:
        done.setdefault(row.instance_id, []).append(row)
    out = {}
    for task in approvals:
        makers = makers_of(task.instance, task.element_id)
        barred = {task.instance.started_by_id: REQUESTER}
        earlier = [row for row in done.get(task.instance_id, ())
                   if _earlier(row, task.element_id, task.approval_stage, makers)]
        _bar(barred, earlier, task.element_id, makers)
        out[task.id] = barred
    return out


def involved(task: HumanTask, actor: User, principal: User | None) -> list[int]:
    """Everyone an action on ``task`` by ``actor`` (for ``principal``) counts:
    the task's delegation chain, the principal and the actor."""
    people = list(task.delegation_chain or ())
    for person in (principal, actor):
        if person is not None and person.id not in people:
            people.append(person.id)
    return people


def refusal(barred: dict[int, str], people: Iterable[int], actor: User, *, you: str = "you are") -> Forbidden | None:
    """The Forbidden to raise when one of ``people`` is barred, else None;
    ``you`` names ``actor`` in the message."""
    for person in people:
        reason = barred.get(person)
        if reason is None:
            continue
        if person == actor.id:
            who = you
        else:
            other = db.session.get(User, person)
            who = f"{other.display_name if other else person} (in this task's delegation chain) is"
        return Forbidden(f"Segregation of duties: {who} barred from this step, because {_WHY[reason]}.",
                         code="segregation_of_duties", details={"reason": reason})
    return None


def refusal_for(task: HumanTask, actor: User, principal: User | None) -> Forbidden | None:
    """The Forbidden an action on ``task`` by ``actor`` (for ``principal``)
    would meet, or None: what the task page tells before anyone types."""
    if not task.is_approval:
        return None
    return refusal(barred_for_task(task), involved(task, actor, principal), actor)


def ensure_may_act(task: HumanTask, actor: User, principal: User | None) -> None:
    """Refuse an action on an approval task when anyone it counts is barred.
    Raises Forbidden (code segregation_of_duties)."""
    problem = refusal_for(task, actor, principal)
    if problem is not None:
        raise problem
