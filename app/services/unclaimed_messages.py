"""Messages that arrived with no instance waiting for them.

A message no running instance awaits stays undelivered: the worker offers
it again whenever some instance awaits its name (app/services/events.py),
forever. Past a grace period (``OPERATE_MESSAGE_GRACE_SECONDS`` of the
business clock) it is listed here for process admins, who either deliver
it by hand to an instance that now awaits it with matching correlation
values (recorded on that instance's chain as ``message_delivered`` with who
and why), or discard it with a reason: the row is kept and marked, never
deleted, the worker leaves it alone from then on, and the discard is
recorded on the ``messages`` chain as ``message_discarded``.

There is no override of the correlation check: a correlation is what ties a
message to its request (the customer's confirmation of *this* delivery
note); handing it to a request whose values differ would bypass that
control. If the values themselves are wrong, that is a data correction of
the instance (with its own approval) or a message sent again."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import clock
from app.audit.chain import jsonable, record_chain_event, record_instance_event
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, MessageSubscription, ProcessInstance, ProcessMessage, User
from app.services.commands import command, finish, lock_instance, open_run
from app.services.events import correlates, sent_by_whom_it_waits_for
from app.services.instance_waits import checked_reason, ensure_may_read
from app.services.permissions import ensure_may_change, ensure_process_admin
from app.services.unit_of_work import use_case
from app.workflow.runtime import DataRefused
from app.workflow.waits import message_payload

MESSAGES_CHAIN = "messages"
DISCARDED = "message_discarded"
DELIVERED = "message_delivered"
MAX_LISTED = 500
MAX_RECEIVERS = 20  # instances awaiting the name, offered on the deliver form


@dataclass(frozen=True)
class Unclaimed:
    """A stored message not delivered: ``state`` is ``unclaimed`` (past the
    grace period), ``recent`` (within it) or ``discarded``; ``receivers``
    the running instances that await it now with its correlation values."""

    message: ProcessMessage
    state: str
    age: timedelta
    payload: object
    receivers: tuple[int, ...]


def grace() -> timedelta:
    return timedelta(seconds=float(current_app.config.get("OPERATE_MESSAGE_GRACE_SECONDS", 60)))


def unclaimed_messages(user: User, unclaimed_only: bool = True) -> list[Unclaimed]:
    """Undelivered messages, oldest first: those past the grace period and
    not discarded; with ``unclaimed_only`` False also the recent and the
    discarded ones. Raises Forbidden (anyone but process admins and auditors)."""
    ensure_may_read(user)
    now, cutoff = clock.now(), clock.now() - grace()
    query = select(ProcessMessage).where(ProcessMessage.delivered_at.is_(None))
    if unclaimed_only:
        query = query.where(ProcessMessage.discarded_at.is_(None), ProcessMessage.created_at <= cutoff)
    messages = list(db.session.scalars(query.order_by(ProcessMessage.created_at, ProcessMessage.id).limit(MAX_LISTED)))
    receivers = _Receivers({message.name for message in messages if message.discarded_at is None})
    return [Unclaimed(message, _state(message, cutoff), now - message.created_at, _payload(message),
                      receivers.of(message) if message.discarded_at is None else ()) for message in messages]


def _state(message: ProcessMessage, cutoff: datetime) -> str:
    if message.discarded_at is not None:
        return "discarded"
    return "unclaimed" if message.created_at <= cutoff else "recent"


def _payload(message: ProcessMessage):
    try:
        return jsonable(message_payload(message.payload))
    except Exception:  # a stored event the engine cannot read back: show it raw
        return message.payload


class _Receivers:
    """The running instances that await a message's name with the correlation
    values it carries (the first ``MAX_RECEIVERS`` awaiting each name are
    read, each instance once per list)."""

    def __init__(self, names: set[str]):
        self._awaiting = _awaiting(names)
        self._runs: dict[int, object] = {}

    def of(self, message: ProcessMessage) -> tuple[int, ...]:
        return tuple(instance_id for instance_id in self._awaiting.get(message.name, ())[:MAX_RECEIVERS]
                     if instance_id != message.source_instance_id and self._expects(instance_id, message))

    def _expects(self, instance_id: int, message: ProcessMessage) -> bool:
        if instance_id not in self._runs:
            instance = db.session.get(ProcessInstance, instance_id)
            running = instance is not None and instance.status == InstanceStatus.running
            self._runs[instance_id] = open_run(instance, None) if running else None
        run = self._runs[instance_id]
        return run is not None and correlates(message, run.correlations_for(message.name)) \
            and sent_by_whom_it_waits_for(message, run)


def _awaiting(names: set[str]) -> dict[str, list[int]]:
    if not names:
        return {}
    found: dict[str, list[int]] = {}
    for name, instance_id in db.session.execute(select(MessageSubscription.name, MessageSubscription.instance_id)
                                                .where(MessageSubscription.name.in_(names))
                                                .order_by(MessageSubscription.instance_id)):
        found.setdefault(name, []).append(instance_id)
    return found


def _locked_message(message_id: int) -> ProcessMessage:
    """The message row, locked, still undelivered and not discarded. Raises
    NotFound, Conflict (``already_delivered``, ``message_discarded``)."""
    message = db.session.scalar(select(ProcessMessage).where(ProcessMessage.id == message_id)
                                .with_for_update().execution_options(populate_existing=True))
    if message is None:
        raise NotFound(f"Message {message_id} does not exist.")
    if message.delivered_at is not None:
        raise Conflict(f"Message {message_id} was delivered to instance {message.target_instance_id} already.",
                       code="already_delivered")
    if message.discarded_at is not None:
        raise Conflict(f"Message {message_id} was discarded.", code="message_discarded")
    return message


@command
def deliver_by_hand(message_id: int, instance_id, reason: str, actor: User) -> ProcessMessage:
    """Deliver an undelivered message to the running instance ``instance_id``,
    which must await its name with the correlation values the message
    carries; the instance's path goes on. Recorded on the instance's chain
    as ``message_delivered`` (actor, ``by_hand``, reason). Raises Forbidden
    (auditors, anyone but a process admin), ValidationFailed (no reason; no
    instance_id; the payload lacks or contradicts a correlation property,
    naming it), NotFound (message), Conflict (delivered or discarded
    already; ``instance_not_running``; ``not_awaiting``;
    ``correlation_mismatch``, naming instance_id; ``wrong_sender``: the catch
    names the flows it takes the message from)."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "deliver a message by hand")
    reason = checked_reason(reason)
    if not isinstance(instance_id, int) or isinstance(instance_id, bool) or not 0 < instance_id <= 2_147_483_647:
        raise ValidationFailed.for_fields({"instance_id": ["The id of the instance to deliver to."]})
    message = _locked_message(message_id)
    instance = lock_instance(instance_id)
    if instance.status != InstanceStatus.running:
        raise Conflict(f"Instance {instance.id} is {instance.status.value}; only a running instance receives messages.",
                       code="instance_not_running", details={"fields": {"instance_id": ["not running"]}})
    if instance.id == message.source_instance_id:
        raise Conflict("A message is not delivered back to the instance that sent it.", code="not_awaiting",
                       details={"fields": {"instance_id": ["the sender"]}})
    run = open_run(instance, actor)
    if message.name not in run.awaited_messages():
        raise Conflict(f"Instance {instance.id} does not wait for a message {message.name!r}.", code="not_awaiting",
                       details={"fields": {"instance_id": [f"does not await {message.name!r}"]}})
    expected = run.correlations_for(message.name)
    if not correlates(message, expected):
        raise Conflict(f"Instance {instance.id} waits for {message.name!r} with other correlation values.",
                       code="correlation_mismatch",
                       details={"fields": {"instance_id": ["its correlation values differ from the message's"]},
                                "expected": jsonable(expected), "given": jsonable(message.correlations)})
    if not sent_by_whom_it_waits_for(message, run):
        raise Conflict(f"Instance {instance.id} takes {message.name!r} only from {sorted(run.senders_for(message.name))}.",
                       code="wrong_sender", details={"fields": {"instance_id": ["waits for another sender"]}})
    try:
        caught = run.deliver(message.payload)
    except DataRefused as refused:
        raise ValidationFailed.for_fields({refused.name: [refused.message]},
                                          "The message cannot be delivered as it is.") from None
    if not caught:
        raise Conflict(f"Instance {instance.id} does not catch the message {message.name!r}.", code="not_awaiting",
                       details={"fields": {"instance_id": ["does not catch it"]}})
    record_instance_event(instance, DELIVERED, actor=actor.username, data={
        "name": message.name, "correlations": message.correlations, "message_id": message.id,
        "source_instance_id": message.source_instance_id, "payload": message.payload,
        "by_hand": True, "by": actor.username, "reason": reason,
        "waited_seconds": int((clock.now() - message.created_at).total_seconds())})
    message.delivered_at = clock.now()
    message.target_instance_id = instance.id
    finish(instance, run.settle(), actor)
    return message


@use_case
def discard_message(message_id: int, reason: str, actor: User) -> ProcessMessage:
    """Set an undelivered message aside with a reason: the row stays (marked
    discarded, by whom, why), the worker no longer offers it, and the
    ``messages`` chain records ``message_discarded``. Raises Forbidden,
    ValidationFailed (no reason), NotFound, Conflict (delivered or
    discarded already)."""
    ensure_may_change(actor)
    ensure_process_admin(actor, "discard a message")
    reason = checked_reason(reason)
    message = _locked_message(message_id)
    now = clock.now()
    message.discarded_at, message.discarded_by_id, message.discard_reason = now, actor.id, reason
    record_chain_event(MESSAGES_CHAIN, DISCARDED, actor=actor.username, data={
        "message_id": message.id, "name": message.name, "correlations": message.correlations,
        "source_instance_id": message.source_instance_id, "created_at": message.created_at.isoformat(),
        "age_seconds": int((now - message.created_at).total_seconds()), "reason": reason})
    db.session.flush()
    return message


def get_message(message_id: int, user: User) -> Unclaimed:
    """One stored message as the list shows it. Raises Forbidden, NotFound."""
    ensure_may_read(user)
    message = db.session.get(ProcessMessage, message_id)
    if message is None:
        raise NotFound(f"Message {message_id} does not exist.")
    state = "delivered" if message.delivered_at is not None else _state(message, clock.now() - grace())
    receivers = _Receivers({message.name}).of(message) if state in ("unclaimed", "recent") else ()
    return Unclaimed(message, state, clock.now() - message.created_at, _payload(message), receivers)


def discarded_by(message: ProcessMessage) -> str | None:
    """The username of the admin who discarded ``message`` (None if nobody did)."""
    user = db.session.get(User, message.discarded_by_id) if message.discarded_by_id else None
    return user.username if user else None
