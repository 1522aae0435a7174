"""The ledger's write side for the API: what a finance user does outside the
flows — record a receipt (optionally writing it off at once), reverse a
mistaken receipt, register, amend and close a contract, change a customer's
file.

Each is one use case (one commit) that runs the same registered ledger
action a service task runs, so the rules and the idempotency are the
flows'. The idempotency key comes from the client's ``Idempotency-Key``
header (a retried request posts once) or is fresh per request. A broken
business rule becomes 422 naming the field, 404 for an unknown document in
the path, or 409 when the document's state forbids it."""
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

# rule code → the request field it is about (422); codes not listed are 409 (state) unless in NOT_FOUND
FIELD_OF = {
    "unknown_customer": "customer", "invalid_amount": "amount", "period_closed": "date", "invalid_date": "date",
    "missing_reason": "reason", "unknown_salesperson": "salesperson", "missing_number": "number",
    "invalid_attachment": "attachments", "invalid_validity": "valid_to", "contract_cap_below_used": "amount_cap",
    "version_out_of_order": "valid_from", "unknown_class": "customer_class", "unknown_region": "region",
    "invalid_channel": "channel", "not_a_sales_rep": "salesperson", "invalid_payment_days": "payment_days",
    "no_change": "_schema",
}
NOT_FOUND = {"unknown_receipt", "unknown_contract"}
AMOUNT_FIELDS = {"ledger.register_contract": "amount_cap", "ledger.amend_contract": "amount_cap"}
DATE_FIELDS = {"ledger.register_contract": "valid_from", "ledger.amend_contract": "valid_from",
               "ledger.change_customer": "valid_from"}


def _field(operation: str, violation: BusinessRuleViolation) -> str:
    if violation.code == "invalid_amount":
        return AMOUNT_FIELDS.get(operation, "amount")
    if violation.code in ("invalid_date", "period_closed"):
        message = violation.message
        for name in ("valid_from", "valid_to", "date"):
            if message.startswith(name):
                return name
        return DATE_FIELDS.get(operation, "date") if violation.code == "invalid_date" else "date"
    return FIELD_OF[violation.code]


def _run(actor: User, operation: str, params: dict, key: str | None) -> dict:
    call = ActionCall(0, f"api:{actor.id}:{key or uuid.uuid4().hex}", "api", operation, actor.id)
    try:
        result = run_action(call, {name: value for name, value in params.items() if value is not None})
    except BusinessRuleViolation as violation:
        if violation.code in NOT_FOUND:
            raise NotFound(violation.message, code=violation.code) from None
        if violation.code in FIELD_OF or violation.code in ("invalid_date", "period_closed"):
            field = violation.details.get("field") or _field(operation, violation)
            raise ValidationFailed(violation.message, code=violation.code,
                                   details={"fields": {field: [violation.message]}, **violation.details}) from None
        raise Conflict(violation.message, code=violation.code, details=violation.details) from None
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
                key)


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
        "reason": data.get("reason")}, key)


@use_case
def close_contract(actor: User, number: str, data: dict, key: str | None = None) -> dict:
    require_role(actor, CONTRACT_ROLES, "close contracts")
    return _run(actor, "ledger.close_contract", {"contract": number, "reason": data["reason"],
                                                  "date": _iso(data.get("date"))}, key)


@use_case
def change_customer(actor: User, code: str, data: dict, key: str | None = None) -> dict:
    """A new version of customer ``code``'s file from ``valid_from`` (finance,
    sales administration, the statistician). 404 for an unknown customer."""
    require_role(actor, CUSTOMER_FILE_ROLES, "change customer files")
    try:
        return _run(actor, "ledger.change_customer", {"customer": code, **{name: data.get(name) for name in (
            "reason", "customer_class", "region", "province", "channel", "salesperson", "payment_days", "on_hold",
            "active")}, "valid_from": _iso(data.get("valid_from"))}, key)
    except ValidationFailed as failed:
        if failed.code == "unknown_customer":
            raise NotFound(failed.message, code="unknown_customer") from None
        raise
