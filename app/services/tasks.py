"""What people do with human tasks: see, claim, release, delegate, complete,
and (process administrators) reassign. Who may not act on an approval task is
decided in segregation.py; every command here asks it."""
import functools

from sqlalchemy import bindparam, select

from app import clock
from app.audit.chain import record_instance_event
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import HumanTask, InstanceStatus, ProcessInstance, TaskStatus, User
from app.services.accounts import find_user
from app.services.acting import acting_as
from app.services.role_scope import holds
from app.services.row_writes import save_now
from app.services.commands import command, finish, open_run, refuse_missing_input
from app.services.customer_scope import ACKNOWLEDGED, acknowledgement, check_foreign_customers
from app.services.form_figures import with_computed_figures
from app.services.forms import validate_form
from app.services.instance_summaries import refresh_summary
from app.services.step_visits import refresh_step_visits
from app.services import task_rows
from app.services.notifications import notify
from app.services.permissions import ensure_may_change, ensure_process_admin
from app.services.sod_refusals import recording_refusals
from app.services.segregation import barred_for_task, ensure_may_act, may_hold_tasks, refusal
from app.services.work_list import WorkList
from app.workflow.runtime import DataRefused, TaskNotReady


@functools.cache
def _instance_of_task_locked():
    """The instance of a task, locked, overwriting what the session held
    (built once: building it cost more than sending it)."""
    return (select(ProcessInstance).join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
            .where(HumanTask.id == bindparam("task_id")).with_for_update(of=ProcessInstance)
            .execution_options(populate_existing=True))


def _locked_task(task_id: int) -> HumanTask:
    """The task, read after its instance is locked (so its status is the
    one every concurrent command will see). Raises NotFound, Conflict
    (``instance_suspended``, ``task_not_ready``)."""
    instance = db.session.scalar(_instance_of_task_locked(), {"task_id": task_id})
    if instance is None:
        raise NotFound(f"Task {task_id} does not exist.")
    if instance.status == InstanceStatus.suspended:  # a process admin holds it: nobody works on it until resumed
        raise Conflict(f"The request of task {task_id} is suspended by a process administrator.",
                       code="instance_suspended")
    # Read fresh with the request's other rows (segregation and the bars ask about them next), each
    # pointing at the locked instance instead of loading it again.
    task = next(row for row in task_rows.load(instance, fresh=True, task_id=task_id) if row.id == task_id)
    if task.status != TaskStatus.ready:
        raise Conflict(f"Task {task_id} is already {task.status.value}.", code="task_not_ready")
    return task


def _may_act(user: User, task: HumanTask) -> User | None:
    """Whom ``user`` acts for on ``task`` (None: themselves), once segregation
    of duties is satisfied. Raises Forbidden, Conflict."""
    ensure_may_change(user)
    if not may_hold_tasks(user):
        raise Forbidden("Integration accounts send messages; they do not work on tasks.", code="not_a_person")
    allowed, principal = acting_as(user, task)
    if not allowed:
        if task.assignee_id is not None and holds(user, task.candidate_role, task.candidate_org_id):
            raise Conflict(f"{task.assignee.display_name} has claimed this task.", code="claimed_by_other")
        raise Forbidden("You are not a performer of this task.")
    ensure_may_act(task, user, principal)
    return principal


def _chain(*people: int | None, start: list | None = None) -> list[int]:
    """``start`` extended by those of ``people`` not in it yet, in order."""
    chain = list(start or ())
    for person in people:
        if person is not None and person not in chain:
            chain.append(person)
    return chain


def _eligible_target(task: HumanTask, to_username) -> User:
    """The person ``task`` may be handed to. Raises ValidationFailed (no such
    active person, or one who may hold no task), Forbidden (segregation)."""
    target = find_user(to_username) if isinstance(to_username, str) else None
    if target is None or not target.active:
        raise ValidationFailed.for_fields({"to": [f"No active user {to_username!r}."]})
    if not may_hold_tasks(target):
        raise ValidationFailed.for_fields({"to": [f"{target.display_name} reads or integrates; they cannot hold a task."]})
    if task.is_approval:
        problem = refusal(barred_for_task(task), [target.id], target, you=f"{target.display_name} is")
        if problem is not None:
            problem.details["fields"] = {"to": [problem.message]}
            raise problem
    return target


@recording_refusals("claim")
@command
def claim_task(task_id: int, actor: User) -> HumanTask:
    """Take a role task for yourself. Raises Forbidden, Conflict."""
    task = _locked_task(task_id)
    principal = _may_act(actor, task)
    if task.assignee_id is None:
        task.assignee_id = actor.id
        task.delegated_from = principal
        task.claimed_at = clock.now()
        # claimed through a standing delegation: both count from now on
        task.delegation_chain = _chain(principal.id, actor.id) if principal is not None else []
        record_instance_event(task.instance, "task_claimed", element_id=task.element_id, task_id=task.task_guid,
                              actor=actor.username, on_behalf_of=principal.username if principal else None, data={})
        refresh_step_visits(task.instance)
        if principal is not None:
            notify([principal], "task_claimed_for_you", process=task.instance.definition.name, task=task,
                   instance=task.instance, actor=actor.display_name)
    return task


@command
def release_task(task_id: int, actor: User) -> HumanTask:
    """Give a claimed role task back to its role. Raises Forbidden, Conflict."""
    task = _locked_task(task_id)
    if task.assignee_id != actor.id:
        raise Forbidden("Only the person holding a task can release it.")
    if task.candidate_role is None:
        raise Conflict("This task was given to you by its lane; delegate it instead of releasing it.",
                       code="not_releasable")
    task.assignee_id = None
    task.delegated_from = None
    task.claimed_at = None
    task.delegation_chain = []
    record_instance_event(task.instance, "task_released", element_id=task.element_id, task_id=task.task_guid,
                          actor=actor.username, data={})
    refresh_step_visits(task.instance)
    return task


@recording_refusals("delegate")
@command
def delegate_task(task_id: int, actor: User, to_username: str) -> HumanTask:
    """Hand a task to another person, who then acts on your behalf. The
    delegator must be able to approve it themselves (with everyone the task
    passed through), and so must the delegate; the chain grows by one.
    Raises Forbidden (not a performer, segregation of duties), Conflict,
    ValidationFailed (unknown, inactive, read-only or integration user)."""
    task = _locked_task(task_id)
    principal = _may_act(actor, task) or actor
    target = _eligible_target(task, to_username)
    if target.id == actor.id:
        raise ValidationFailed.for_fields({"to": ["You cannot delegate a task to yourself."]})
    task.delegation_chain = _chain(task.assignee_id, principal.id, actor.id, target.id, start=task.delegation_chain)
    task.assignee = target
    task.delegated_from = principal
    task.claimed_at = clock.now()
    record_instance_event(task.instance, "task_delegated", element_id=task.element_id, task_id=task.task_guid,
                          actor=actor.username, on_behalf_of=principal.username,
                          data={"to": target.username})
    refresh_step_visits(task.instance)
    notify([target], "task_delegated", process=task.instance.definition.name, task=task, instance=task.instance,
           actor=actor.display_name)
    return task


@recording_refusals("complete")
@command
def complete_task(task_id: int, actor: User, data: dict, confirm_foreign_customer: bool | None = None):
    """Submit a task's form. Raises Forbidden (not a performer, segregation
    of duties), Conflict (already done, stale), ValidationFailed (bad fields;
    a data output of the task's diagram left unset, or a field of its form
    a following step needs; ``foreign_customer``: a revision names a customer
    that is not the actor's own and ``confirm_foreign_customer`` is False;
    None, for trusted callers, checks nothing: see customer_scope.py)."""
    task = _locked_task(task_id)
    principal = _may_act(actor, task)
    instance = task.instance
    validate_form(instance.definition.form_schema(task.form_key), data, form_name=task.form_key, actor=actor,
                  held=instance.data)
    foreign = check_foreign_customers(actor, instance.definition.form_schema(task.form_key), data,
                                      confirm_foreign_customer)
    data = with_computed_figures(instance.definition.form_schema(task.form_key), data)  # figures decide, not typing
    run = open_run(instance, actor)
    try:
        run.complete(task.task_guid, data)
    except TaskNotReady as exc:
        raise Conflict(str(exc), code="task_not_ready") from exc
    except DataRefused as refused:  # the diagram needs a value the form did not give: nothing changes
        raise ValidationFailed.for_fields({refused.name or refused.element_id: [refused.message]}) from None
    now = clock.now()
    task.status = TaskStatus.completed
    task.completed_at = now
    task.completed_by_id = actor.id
    task.on_behalf_of = principal
    task.outcome = str(data.get("decision"))[:32] if task.is_approval and data.get("decision") is not None else None
    if task.assignee_id is None:
        task.assignee_id = actor.id
    # The next steps' performers are chosen in this command, and whoever just
    # did this one may be barred from them (the bars and visits read the table).
    save_now(task)
    record_instance_event(instance, "task_completed", element_id=task.element_id, task_id=task.task_guid,
                          actor=actor.username, on_behalf_of=principal.username if principal else None, data=data)
    if foreign:  # the warning the performer confirmed, kept beside the step
        record_instance_event(instance, ACKNOWLEDGED, element_id=task.element_id, actor=actor.username, data=acknowledgement(foreign))
    if task.outcome == "reject" and instance.started_by_id != actor.id:
        notify([instance.started_by], "request_rejected", process=instance.definition.name, task=task,
               instance=instance, actor=actor.display_name, body=str(data.get("comment") or ""))
    outcome = run.settle()
    refuse_missing_input(outcome, instance.definition.form_schema(task.form_key))
    finish(instance, outcome, actor, done=task.task_guid)
    return instance


def _usernames(user_ids) -> list[str]:
    people = (db.session.get(User, user_id) for user_id in user_ids or ())
    return [person.username for person in people if person is not None]


@recording_refusals("reassign")
@command
def reassign_task(task_id: int, actor: User, to_username: str, reason: str) -> HumanTask:
    """A process administrator gives a READY task (stuck or not) to another
    eligible person, who then holds it on their own account; the delegation
    chain starts afresh with them, and the audit event keeps the reason, the
    former holder and the former chain. Raises Forbidden (not a process
    administrator; the target is barred by segregation of duties),
    ValidationFailed (no reason; unknown, inactive, read-only or integration
    target), NotFound, Conflict."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "reassign a task")
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationFailed.for_fields({"reason": ["Say why the task is reassigned."]})
    task = _locked_task(task_id)
    target = _eligible_target(task, to_username)
    former = {"assignee": task.assignee.username if task.assignee else None,
              "delegated_from": task.delegated_from.username if task.delegated_from else None,
              "chain": _usernames(task.delegation_chain)}
    task.assignee = target  # the relationship, not only the id: the answer names whoever holds it now
    task.delegated_from = None
    task.delegation_chain = []
    task.claimed_at = clock.now()
    record_instance_event(task.instance, "task_reassigned", element_id=task.element_id, task_id=task.task_guid,
                          actor=actor.username if actor else None,
                          data={"to": target.username, "reason": reason, "former": former})
    refresh_summary(task.instance)
    notify([target], "task_assigned", process=task.instance.definition.name, task=task, instance=task.instance)
    return task


def tasks_for(user: User, scope: str = "all") -> list[HumanTask]:
    """READY tasks ``user`` may act on: assigned to them, claimable through
    their roles, or theirs through a delegation, less the approvals
    segregation of duties bars them from (nobody is offered a task they
    would be refused), oldest first. ``scope="mine"``: only those assigned
    to or claimed by them. The work list pages this (work_list.py)."""
    return WorkList(user, scope).every_task()


def get_task(task_id: int) -> HumanTask:
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"Task {task_id} does not exist.")
    return task
