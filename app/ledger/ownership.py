"""Whose document is it: a flow's ledger action touches only documents of its
own request.

A document records the idempotency key of the action that made it
(``source_key`` = "<instance id>:<task>:<operation>", or a key derived from
it), so the instance that made it is known. A service task that acts on an
existing document (cancels an order, ships it, picks a note, invoices,
settles an advance) gets the document's number from the instance's data;
if that number was planted in the data (a forged ``order_result``), the
action would otherwise act on somebody else's document. Some requests are
about a document made elsewhere (an invoice or a return for an order
shipped by another request, a receipt written off against a named
invoice): there the number must be one a person of this request typed into
a form, as recorded in its audit log.

Calls from outside any flow (the ledger API, the demo month) use instance
0; their doors check the caller's role, so this rule does not apply."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.actions import BusinessRuleViolation

NOT_THIS_REQUEST = "not_this_request"
OUTSIDE_FLOWS = 0
# audit events that carry what people submitted (start form, task forms)
_PERSON_SUBMITTED = ("instance_started", "task_completed")


def made_by_instance(source_key: str | None, instance_id: int) -> bool:
    """Whether a document with ``source_key`` was made by an action of ``instance_id``."""
    return bool(source_key) and source_key.startswith(f"{instance_id}:")


def instance_of(source_key: str | None) -> int | None:
    """The request (instance id) whose action made a document with
    ``source_key``; None for a document made outside any flow."""
    head = (source_key or "").partition(":")[0]
    return int(head) if head.isdigit() and int(head) != OUTSIDE_FLOWS else None


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def named_by_a_person(instance_id: int, number: str) -> bool:
    """Whether somebody typed ``number`` into a form of the instance (its
    start form or a task's form, as the audit log recorded them)."""
    for data in db.session.scalars(select(AuditEvent.data).where(
            AuditEvent.instance_id == instance_id, AuditEvent.kind.in_(_PERSON_SUBMITTED))):
        if any(text.strip() == number for text in _strings(data)):
            return True
    return False


def ensure_of_this_request(call, document, *, kind: str, requested: bool = False) -> None:
    """Refuse to act on ``document`` (an ORM row with ``number`` and
    ``source_key``) unless the calling instance made it, or, when the action
    may act on a document the request is about (``requested``), a person of
    the instance named its number in a form. ``call`` is the service task's
    ActionCall or a posting Source: only its ``instance_id`` is read.
    ``kind`` names the document in
    the message. Raises BusinessRuleViolation ``not_this_request``."""
    if call.instance_id == OUTSIDE_FLOWS or made_by_instance(document.source_key, call.instance_id):
        return
    if requested and named_by_a_person(call.instance_id, document.number):
        return
    raise BusinessRuleViolation(NOT_THIS_REQUEST, f"The {kind} {document.number} does not belong to this request.",
                                {"document": document.number})
