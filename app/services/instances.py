"""Starting, cancelling and retrying process instances; reading them."""
import secrets

from app import clock
from app.audit.chain import jsonable, record_instance_event
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, ProcessDefinition, ProcessInstance, User
from app.services.accounts import find_user, hash_password
from app.services import customer_scope
from app.services.commands import command, finish, lock_instance, open_run, refuse_missing_input, start_run
from app.services.deployment import find_definition, latest_definitions
from app.services.form_figures import with_computed_figures
from app.services.forms import validate_form
from app.services.permissions import READ_ONLY_ROLE, ensure_may_change, ensure_process_admin, storable_text
from app.services.role_scope import org_id_of

SYSTEM_USERNAME = "system"


def requester_facts(user: User) -> dict:
    """What a diagram may know about the person who started it."""
    return {"username": user.username, "display_name": user.display_name, "level": user.level.value,
            "department": user.department, "region": user.region}


def system_user() -> User:
    """The account timer-started instances run as (it cannot sign in and
    holds no role, so it starts nothing by hand)."""
    user = find_user(SYSTEM_USERNAME)
    if user is None:
        user = User(username=SYSTEM_USERNAME, display_name="系统", active=False, department="系统",
                    password_hash=hash_password(secrets.token_hex(16)))
        db.session.add(user)
        db.session.flush()
    return user


def may_start(definition: ProcessDefinition, user: User | None) -> bool:
    """Whether ``user`` may start ``definition`` by hand: an active person
    holding a role its diagram names in ``startRoles``. Nobody is implied:
    not process admins, not integration accounts, never auditors."""
    if user is None or not user.active or user.has_role(READ_ONLY_ROLE):
        return False
    return any(user.has_role(code) for code in definition.start_roles or ())


def startable_definitions(user: User) -> list[ProcessDefinition]:
    """The latest version of every process ``user`` may start by hand: the
    start catalogue (empty for auditors and the system account)."""
    return [definition for definition in latest_definitions() if may_start(definition, user)]


def _deployed(process_key: str, business_key: str | None) -> ProcessDefinition:
    if business_key is not None and (not storable_text(business_key) or len(business_key) > 128):
        raise ValidationFailed.for_fields({"business_key": ["Up to 128 characters of text."]})
    definition = find_definition(process_key) if isinstance(process_key, str) else None
    if definition is None:
        raise ValidationFailed.for_fields({"process_key": [f"No process {process_key!r} is deployed."]})
    return definition


@command
def start_instance(process_key: str, data: dict, actor: User, business_key: str | None = None,
                   confirm_foreign_customer: bool | None = None) -> ProcessInstance:
    """Start the latest version of ``process_key`` by hand, with start-form
    ``data``: every door (web, API) comes here. Raises ValidationFailed
    (unknown key, bad business key, bad start data; ``foreign_customer``: the
    data names a customer that is not the actor's own and
    ``confirm_foreign_customer`` is False; None, the default for trusted
    callers such as the command line, checks nothing: see customer_scope.py),
    Forbidden (``read_only``: auditors; ``not_a_starter``: none of the actor's
    roles is in the diagram's ``startRoles``), checked before the data is looked at."""
    ensure_may_change(actor)
    definition = _deployed(process_key, business_key)
    if not may_start(definition, actor):
        named = ", ".join(definition.start_roles or ()) or "nobody (only its timer)"
        raise Forbidden(f"Your roles may not start {definition.name!r}; its diagram lets {named} start it.",
                        code="not_a_starter")
    return _start(definition, data, actor, business_key, confirm_foreign_customer)


@command
def start_on_schedule(process_key: str, data: dict, business_key: str) -> ProcessInstance:
    """The worker's start of ``process_key`` when its timer start event is
    due, as the system account. Raises ValidationFailed (unknown key, bad
    data), Forbidden (``no_timer_start``: the latest version has no timer
    start event, so the system may not start it)."""
    definition = _deployed(process_key, business_key)
    if not definition.timer_start:
        raise Forbidden(f"{definition.name!r} has no timer start event; the system starts only timer starts.",
                        code="no_timer_start")
    return _start(definition, data, system_user(), business_key)


@command
def start_on_request(process_key: str, data: dict, business_key: str) -> ProcessInstance:
    """The platform's start of ``process_key`` that another instance asked
    for with a message (credit_requests.py), as the system account. Only a
    diagram with a timer start may be started so: like its timer, the
    request names no person who could be checked against ``startRoles``.
    Raises ValidationFailed (unknown key, bad data), Forbidden
    (``no_timer_start``)."""
    return start_on_schedule(process_key, data, business_key)


def _start(definition: ProcessDefinition, data: dict, actor: User, business_key: str | None,
           confirm_foreign_customer: bool | None = None) -> ProcessInstance:
    validate_form(definition.form_schema(definition.start_form), data, form_name=definition.start_form, actor=actor)
    foreign = customer_scope.check_foreign_customers(actor, definition.form_schema(definition.start_form), data,
                                                     confirm_foreign_customer)
    data = with_computed_figures(definition.form_schema(definition.start_form), data)  # figures decide, not typing
    full_data = {**data, "requester": requester_facts(actor)}
    now = clock.now()
    instance = ProcessInstance(
        definition=definition, process_key=definition.key, business_key=business_key, status=InstanceStatus.running,
        state="", data={}, engine_version=definition.engine_version, started_by=actor, started_at=now,
        org_unit_id=org_id_of(actor),  # the starter's organisation, fixed for the instance's life
    )
    db.session.add(instance)
    db.session.flush()
    record_instance_event(instance, "instance_started", actor=actor.username,
                          data={"process_key": definition.key, "version": definition.version,
                                "business_key": business_key, "data": jsonable(full_data)})
    if foreign:  # the warning the starter confirmed, kept beside the start
        record_instance_event(instance, customer_scope.ACKNOWLEDGED, actor=actor.username,
                              data=customer_scope.acknowledgement(foreign))
    outcome = start_run(instance, actor, full_data).settle()
    refuse_missing_input(outcome, definition.form_schema(definition.start_form))
    finish(instance, outcome, actor)
    return instance


@command
def cancel_instance(instance_id: int, actor: User, reason: str | None = None) -> ProcessInstance:
    """Cancel a running (or failed) instance: its starter or a process admin.
    Raises Forbidden, Conflict (already ended; ``instance_suspended``)."""
    ensure_may_change(actor)
    instance = lock_instance(instance_id)
    if instance.started_by_id != actor.id and not actor.has_role("process_admin"):
        raise Forbidden("Only the person who started the request or a process administrator may cancel it.")
    if instance.status == InstanceStatus.suspended:
        raise Conflict("The instance is suspended: a process administrator resumes it first.", code="instance_suspended")
    if instance.status not in (InstanceStatus.running, InstanceStatus.error):
        raise Conflict(f"The instance is already {instance.status.value}.", code="instance_ended")
    run = open_run(instance, actor)
    run.cancel()
    instance.status = InstanceStatus.cancelled
    instance.ended_at = clock.now()
    record_instance_event(instance, "instance_cancelled", actor=actor.username, data={"reason": reason})
    finish(instance, run.outcome(), actor)
    return instance


@command
def retry_instance(instance_id: int, actor: User, batch: int | None = None) -> ProcessInstance:
    """Run the failed task of an instance in error again (process admins);
    ``batch``: the bulk retry (app/services/incidents.py) it is part of,
    recorded on the ``retry`` event. Raises Forbidden, Conflict (not in error; ``instance_suspended``)."""
    ensure_process_admin(actor, "retry a failed instance")
    instance = lock_instance(instance_id)
    if instance.status == InstanceStatus.suspended:
        raise Conflict("The instance is suspended: resume it before retrying.", code="instance_suspended")
    if instance.status != InstanceStatus.error or not instance.error_task_id:
        raise Conflict("The instance has no failed step to retry.", code="not_in_error")
    run = open_run(instance, actor)
    record_instance_event(instance, "retry", element_id=instance.error_element_id, task_id=instance.error_task_id,
                          actor=actor.username, data={"previous_error": instance.error_message,
                                                      **({"batch": batch} if batch is not None else {})})
    run.retry(instance.error_task_id)
    instance.status = InstanceStatus.running
    finish(instance, run.settle(), actor)
    return instance


def get_instance(instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"Process instance {instance_id} does not exist.")
    return instance

