"""The ledger's write side for the API: what a finance user does outside the
flows — record a receipt (optionally writing it off at once), reverse a
mistaken receipt, register, amend and close a contract, change a customer's
file.

Each is one use case (one commit) that calls the same ledger write a
service task's action calls, with typed values and a source of its own
(``OUTSIDE_FLOWS``: the caller's role was checked here instead of the
request's ownership of documents), so the rules and the once-per-key
posting are the flows'. The key comes from the client's ``Idempotency-Key``
header (a retried request posts once) or is fresh per request. A broken
business rule becomes 422 naming the input the rule names, 404 when that
input is the document the path names, or 409 when the books' state forbids
the write."""
import hashlib
import uuid
from datetime import date
from decimal import Decimal
from typing import Callable

from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.audit.chain import lock_chain, record_chain_event
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.ledger import collections, contracts, customers
from app.ledger.ownership import OUTSIDE_FLOWS
from app.ledger.posting import Source
from app.models import AuditEvent, User
from app.services.permissions import require_role
from app.services.unit_of_work import use_case

# Every accepted write is appended to this hash chain with its actor, request
# and result, in the write's own transaction: a refused write leaves nothing.
LEDGER_CHAIN = "ledger"

MONEY_ROLES = ("finance",)                      # cash is finance's: sales may not record or cancel it
CONTRACT_ROLES = ("finance", "sales_admin")     # sales administration keeps the contract file
CUSTOMER_FILE_ROLES = ("finance", "sales_admin", "statistician")  # who keeps the customer file (客户档案)


def _refusal(violation: BusinessRuleViolation, path_field: str | None):
    """The API error for a broken rule: the document the path names is
    missing (404), an input of the request is wrong (422 naming it), or the
    books' state forbids the write (409)."""
    if violation.field is not None and violation.field == path_field:
        return NotFound(violation.message, code=violation.code)
    if violation.field is not None:
        return ValidationFailed(violation.message, code=violation.code,
                                details={"fields": {violation.field: [violation.message]}, **violation.details})
    return Conflict(violation.message, code=violation.code, details=violation.details)


def _logged(value):
    """A typed input as the ledger log records it (JSON)."""
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, date) else value


def _write(actor: User, operation: str, key: str | None, write: Callable[..., dict], path_field: str | None = None,
           **params) -> dict:
    """``write(source, **params)`` under the key of this request and
    ``operation`` (the action a flow would run), logged in the ledger chain.
    ``path_field`` is the input the request's path names (a receipt, a
    contract, a customer)."""
    # One ledger write at a time, from before its checks: a request repeated
    # under its key finds what the first one posted, and a second reversal of
    # a receipt finds the first, instead of both passing the checks at once.
    lock_chain(LEDGER_CHAIN)
    logged = {name: _logged(value) for name, value in params.items()}
    if key is not None:
        _ensure_same_request(actor, operation, key, logged)
    source = Source(f"{OUTSIDE_FLOWS}:api:{actor.id}:{key or uuid.uuid4().hex}:{operation}", actor.id)
    try:
        result = write(source, **params)
    except BusinessRuleViolation as violation:
        raise _refusal(violation, path_field) from None
    record_chain_event(LEDGER_CHAIN, "ledger_write", actor=actor.username, task_id=_key_digest(key),
                       data={"operation": operation, "params": logged, "result": result, "idempotency_key": key})
    return result


# The ledger's other doors outside the flows (price master data) write and log the same way.
logged_write = _write


def earlier_result(actor: User, operation: str, key: str | None, **params) -> dict | None:
    """What the actor's accepted ``operation`` with these ``params`` under
    ``key`` answered, for writes that keep no key of their own (master
    data): a retried request answers as the first did. None: no such write."""
    if key is None:
        return None
    lock_chain(LEDGER_CHAIN)
    logged = {name: _logged(value) for name, value in params.items()}
    for data in db.session.scalars(select(AuditEvent.data).where(
            AuditEvent.chain == LEDGER_CHAIN, AuditEvent.task_id == _key_digest(key), AuditEvent.actor == actor.username)):
        if data.get("operation") == operation and data.get("params") == logged:
            return data["result"]
    return None


def _key_digest(key: str | None) -> str | None:
    """What the ledger chain's event is found by: the key's sha256 (64
    characters, whatever the key: an allocation's is the receipt's plus a suffix)."""
    return hashlib.sha256(key.encode()).hexdigest() if key is not None else None


def _ensure_same_request(actor: User, operation: str, key: str, logged: dict) -> None:
    """A key the actor already used for ``operation`` answers only the same
    request again. Raises ValidationFailed ``idempotency_key_reused``."""
    earlier = db.session.scalars(select(AuditEvent.data).where(
        AuditEvent.chain == LEDGER_CHAIN, AuditEvent.task_id == _key_digest(key), AuditEvent.actor == actor.username))
    if any(data.get("operation") == operation and data.get("params") != logged for data in earlier):
        message = "This Idempotency-Key was used for a different request; use a new key."
        raise ValidationFailed(message, code="idempotency_key_reused", details={"fields": {"Idempotency-Key": [message]}})


@use_case
def record_receipt(actor: User, data: dict, key: str | None = None) -> dict:
    """Money in from a customer; with ``allocate`` written off at once
    (rules 1–5) and the rest kept as advance."""
    require_role(actor, MONEY_ROLES, "record receipts")
    receipt = _write(actor, "ledger.record_receipt", key, collections.record_receipt_once,
                     customer=data["customer"], amount=data["amount"], date=data.get("date"),
                     bank_reference=data.get("bank_reference"), invoice_reference=data.get("invoice_reference"),
                     contract_reference=data.get("contract_reference"))
    if data.get("allocate"):
        written = _write(actor, "ledger.allocate_receipt", f"{key}:allocate" if key else None,
                         collections.allocate_receipt_once, receipt=receipt["receipt_no"], date=data.get("date"))
        receipt = {**receipt, "allocations": written["allocations"], "unallocated": written["advance_left"]}
    return receipt


@use_case
def reverse_receipt(actor: User, number: str, data: dict, key: str | None = None) -> dict:
    """Cancel a receipt entered by mistake (red receipt, reversing allocations)."""
    require_role(actor, MONEY_ROLES, "reverse receipts")
    return _write(actor, "ledger.reverse_receipt", key, collections.reverse_receipt_once, "receipt",
                  receipt=number, reason=data["reason"], date=data.get("date"))


@use_case
def register_contract(actor: User, data: dict, key: str | None = None) -> dict:
    require_role(actor, CONTRACT_ROLES, "register contracts")
    return _write(actor, "ledger.register_contract", key, contracts.register_contract_once, **{name: data.get(name) for name in (
        "customer", "number", "amount_cap", "valid_from", "valid_to", "price_terms", "payment_terms", "payment_days",
        "attachments")})


@use_case
def amend_contract(actor: User, number: str, data: dict, key: str | None = None) -> dict:
    require_role(actor, CONTRACT_ROLES, "amend contracts")
    return _write(actor, "ledger.amend_contract", key, contracts.amend_contract_once, "contract", contract=number,
                  **{name: data.get(name) for name in ("valid_from", "valid_to", "amount_cap", "price_terms",
                                                       "payment_terms", "payment_days", "reason")})


@use_case
def close_contract(actor: User, number: str, data: dict, key: str | None = None) -> dict:
    require_role(actor, CONTRACT_ROLES, "close contracts")
    return _write(actor, "ledger.close_contract", key, contracts.close_contract_once, "contract", contract=number,
                  reason=data["reason"], date=data.get("date"))


@use_case
def change_customer(actor: User, code: str, data: dict, key: str | None = None) -> dict:
    """A new version of customer ``code``'s file from ``valid_from`` (finance,
    sales administration, the statistician). 404 for an unknown customer."""
    require_role(actor, CUSTOMER_FILE_ROLES, "change customer files")
    return _write(actor, "ledger.change_customer", key, customers.change_customer_once, "customer", customer=code,
                  **{name: data.get(name) for name in ("reason", "valid_from", "customer_class", "region", "province",
                                                       "channel", "salesperson", "payment_days", "on_hold", "active")})
