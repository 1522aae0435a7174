"""The ledger's write side for the API: what a finance user does outside the
flows — record a receipt (optionally writing it off at once), reverse a
mistaken receipt, register, amend and close a contract, change a customer's
file.

Each is one use case (one commit) that runs the same registered ledger
action a service task runs, so the rules and the idempotency are the
flows'. The idempotency key comes from the client's ``Idempotency-Key``
header (a retried request posts once) or is fresh per request. A broken
business rule becomes 422 naming the field the rule names, 404 when that
field is the document the path names, or 409 when the books' state forbids
the write."""
import uuid

from app.audit.chain import record_chain_event
from app.errors import Conflict, NotFound, ValidationFailed
from app.models import User
from app.services.permissions import require_role
from app.services.unit_of_work import use_case
from app.actions import ActionCall, BusinessRuleViolation, run_action

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


def _run(actor: User, operation: str, params: dict, key: str | None, path_field: str | None = None) -> dict:
    """Run ``operation``; ``path_field`` is the action's input that the
    request's path names (a receipt, a contract, a customer)."""
    call = ActionCall(0, f"api:{actor.id}:{key or uuid.uuid4().hex}", "api", operation, actor.id)
    try:
        result = run_action(call, {name: value for name, value in params.items() if value is not None})
    except BusinessRuleViolation as violation:
        raise _refusal(violation, path_field) from None
    result.pop("ok", None)
    record_chain_event(LEDGER_CHAIN, "ledger_write", actor=actor.username,
                       data={"operation": operation, "params": params, "result": result, "idempotency_key": key})
    return result


def _iso(value):
    return value.isoformat() if value is not None else None


@use_case
def record_receipt(actor: User, data: dict, key: str | None = None) -> dict:
    """Money in from a customer; with ``allocate`` written off at once
    (rules 1–5) and the rest kept as advance."""
    require_role(actor, MONEY_ROLES, "record receipts")
    receipt = _run(actor, "ledger.record_receipt", {
        "customer": data["customer"], "amount": str(data["amount"]), "date": _iso(data.get("date")),
        "bank_reference": data.get("bank_reference"), "invoice_reference": data.get("invoice_reference"),
        "contract_reference": data.get("contract_reference")}, key)
    if data.get("allocate"):
        written = _run(actor, "ledger.allocate_receipt", {"receipt": receipt["receipt_no"], "date": _iso(data.get("date"))},
                       f"{key}:allocate" if key else None)
        receipt = {**receipt, "allocations": written["allocations"], "unallocated": written["advance_left"]}
    return receipt


@use_case
def reverse_receipt(actor: User, number: str, data: dict, key: str | None = None) -> dict:
    """Cancel a receipt entered by mistake (red receipt, reversing allocations)."""
    require_role(actor, MONEY_ROLES, "reverse receipts")
    return _run(actor, "ledger.reverse_receipt", {"receipt": number, "reason": data["reason"], "date": _iso(data.get("date"))},
                key, "receipt")


@use_case
def register_contract(actor: User, data: dict, key: str | None = None) -> dict:
    require_role(actor, CONTRACT_ROLES, "register contracts")
    return _run(actor, "ledger.register_contract", {
        "customer": data["customer"], "number": data["number"], "amount_cap": str(data["amount_cap"]),
        "valid_from": _iso(data["valid_from"]), "valid_to": _iso(data.get("valid_to")),
        "price_terms": data.get("price_terms"), "payment_terms": data.get("payment_terms"),
        "payment_days": data.get("payment_days"), "attachments": data.get("attachments")}, key)


@use_case
def amend_contract(actor: User, number: str, data: dict, key: str | None = None) -> dict:
    require_role(actor, CONTRACT_ROLES, "amend contracts")
    cap = data.get("amount_cap")
    return _run(actor, "ledger.amend_contract", {
        "contract": number, "valid_from": _iso(data["valid_from"]), "valid_to": _iso(data.get("valid_to")),
        "amount_cap": str(cap) if cap is not None else None, "price_terms": data.get("price_terms"),
        "payment_terms": data.get("payment_terms"), "payment_days": data.get("payment_days"),
        "reason": data.get("reason")}, key, "contract")


@use_case
def close_contract(actor: User, number: str, data: dict, key: str | None = None) -> dict:
    require_role(actor, CONTRACT_ROLES, "close contracts")
    return _run(actor, "ledger.close_contract", {"contract": number, "reason": data["reason"],
                                                  "date": _iso(data.get("date"))}, key, "contract")


@use_case
def change_customer(actor: User, code: str, data: dict, key: str | None = None) -> dict:
    """A new version of customer ``code``'s file from ``valid_from`` (finance,
    sales administration, the statistician). 404 for an unknown customer."""
    require_role(actor, CUSTOMER_FILE_ROLES, "change customer files")
    return _run(actor, "ledger.change_customer", {"customer": code, **{name: data.get(name) for name in (
        "reason", "customer_class", "region", "province", "channel", "salesperson", "payment_days", "on_hold",
        "active")}, "valid_from": _iso(data.get("valid_from"))}, key, "customer")
