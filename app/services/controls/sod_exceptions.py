"""The segregation-of-duties exceptions report: refused attempts, one
person at two approval steps of one instance, a requester or maker
approving their own document, and approvals done by delegation or on
someone's behalf (with who delegated)."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import HumanTask, ProcessInstance, SodRefusal, TaskStatus, User
from app.services.controls import ensure_reviewer, in_range
from app.services.segregation import makers_of

REFUSED = "refused"
TWO_APPROVALS = "two_approvals"
OWN_REQUEST = "own_request"
OWN_DOCUMENT = "own_document"
DELEGATED = "delegated"
KINDS = (REFUSED, TWO_APPROVALS, OWN_REQUEST, OWN_DOCUMENT, DELEGATED)

COLUMNS = ["at", "kind", "instance_id", "process", "business_key", "step", "step_name", "person", "on_behalf_of",
           "detail"]


def sod_exceptions(user: User, start: datetime | None = None, end: datetime | None = None) -> list[dict]:
    """Every exception with ``start`` <= its time < ``end``, newest first.
    ``detail`` says it in English; ``facts`` holds its parts for a page to
    say it in the reader's language. Raises Forbidden for anyone but auditors and process administrators."""
    ensure_reviewer(user)
    people: dict[int, User] = {}
    rows = _refusals(start, end) + _approval_rows(start, end, people)
    rows.sort(key=lambda row: (row["at"], row["instance_id"], row["kind"]), reverse=True)
    return rows


def _name(people: dict[int, User], user_id: int | None) -> str | None:
    if user_id is None:
        return None
    if user_id not in people:
        people[user_id] = db.session.get(User, user_id)
    person = people[user_id]
    return person.username if person is not None else str(user_id)


def _refusals(start, end) -> list[dict]:
    query = (select(SodRefusal, ProcessInstance, HumanTask.name)
             .join(ProcessInstance, ProcessInstance.id == SodRefusal.instance_id)
             .outerjoin(HumanTask, HumanTask.id == SodRefusal.task_id)
             .where(*in_range(SodRefusal.at, start, end)))
    return [{"at": refusal.at, "kind": REFUSED, "instance_id": refusal.instance_id,
             "process": instance.definition.name, "business_key": instance.business_key,
             "step": refusal.element_id, "step_name": step_name, "person": refusal.actor,
             "on_behalf_of": refusal.on_behalf_of, "detail": f"{refusal.action}: {refusal.message}",
             "facts": {"action": refusal.action, "reason": refusal.reason}}
            for refusal, instance, step_name in db.session.execute(query)]


def _approval_rows(start, end, people) -> list[dict]:
    approvals = list(db.session.scalars(
        select(HumanTask).where(HumanTask.status == TaskStatus.completed, HumanTask.is_approval.is_(True),
                                *in_range(HumanTask.completed_at, start, end))
        .options(selectinload(HumanTask.instance))))
    if not approvals:
        return []
    done: dict[int, list[HumanTask]] = {}
    for row in db.session.scalars(select(HumanTask).where(
            HumanTask.instance_id.in_({task.instance_id for task in approvals}),
            HumanTask.status == TaskStatus.completed).order_by(HumanTask.completed_at, HumanTask.id)):
        done.setdefault(row.instance_id, []).append(row)
    rows = []
    for task in approvals:
        rows += _exceptions_of(task, done[task.instance_id], people)
    return rows


def _doers(task: HumanTask) -> list[int]:
    return [person for person in (task.completed_by_id, task.on_behalf_of_id) if person is not None]


def _exceptions_of(task: HumanTask, done: list[HumanTask], people) -> list[dict]:
    instance = task.instance
    base = {"at": task.completed_at, "instance_id": instance.id, "process": instance.definition.name,
            "business_key": instance.business_key, "step": task.element_id, "step_name": task.name,
            "person": _name(people, task.completed_by_id), "on_behalf_of": _name(people, task.on_behalf_of_id)}
    doers = set(_doers(task))
    rows = []
    if instance.started_by_id in doers:
        requester = _name(people, instance.started_by_id)
        rows.append({**base, "kind": OWN_REQUEST, "detail": f"requester {requester}", "facts": {"requester": requester}})
    makers = makers_of(instance, task.element_id)
    for other in done:
        if other.id == task.id or not doers & set(_doers(other)):
            continue
        if other.element_id in makers:
            rows.append({**base, "kind": OWN_DOCUMENT, "detail": f"made at {other.element_id}",
                         "facts": {"made_at": other.name}})
        elif other.is_approval and (other.completed_at, other.id) < (task.completed_at, task.id):
            # reported once, at the later of the two steps
            rows.append({**base, "kind": TWO_APPROVALS,
                         "detail": f"also {other.element_id} ({other.outcome or '-'}, stage {other.approval_stage or '-'})",
                         "facts": {"other_step": other.name, "outcome": other.outcome}})
    chain = [_name(people, person) for person in task.delegation_chain or ()]
    if task.on_behalf_of_id is not None or chain:
        delegated_by = _name(people, task.on_behalf_of_id) or (chain[0] if chain else None)
        rows.append({**base, "kind": DELEGATED,
                     "detail": f"delegated by {delegated_by}" + (f"; chain {' → '.join(chain)}" if chain else ""),
                     "facts": {"delegated_by": delegated_by, "chain": " → ".join(chain)}})
    return rows
