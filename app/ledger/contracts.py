"""Sales contracts (销售合同) as master data: the customer, an amount cap,
price and payment terms, validity, and references to the signed files."""
import re
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger.catalogue import customer_by_code
from app.ledger.money import ZERO, money_str, round_money
from app.models import Contract, ContractAttachment, Customer, SalesOrder
from app.workflow.actions import ActionCall, BusinessRuleViolation, action

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _attachment(entry: dict, number: int) -> ContractAttachment:
    name, kind = str(entry.get("name") or "").strip(), str(entry.get("type") or "").strip()
    sha, size = str(entry.get("sha256") or "").lower(), entry.get("size")
    if not name or not kind or not SHA256.match(sha) or isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise BusinessRuleViolation("invalid_attachment", f"Attachment {number} needs name, type, size (bytes) and sha256.")
    return ContractAttachment(name=name[:255], content_type=kind[:128], size=size, sha256=sha)


def make_contract(customer: Customer, number: str, amount_cap, *, valid_from: date_type, valid_to: date_type | None,
                  price_terms: str | None, payment_terms: str | None, payment_days: int, attachments: list[dict],
                  signed_by_id: int | None, source_key: str) -> Contract:
    """Register a contract (flushes). Posts nothing. Raises
    BusinessRuleViolation ``duplicate_contract``, ``invalid_amount``,
    ``invalid_validity``, ``invalid_attachment``."""
    number = (number or "").strip()
    if not number:
        raise BusinessRuleViolation("missing_number", "A contract needs its number.")
    if db.session.scalar(select(Contract.id).where(Contract.number == number)) is not None:
        raise BusinessRuleViolation("duplicate_contract", f"Contract {number} is already registered.")
    cap = round_money(amount_cap)
    if cap <= 0:
        raise BusinessRuleViolation("invalid_amount", "The amount cap must be positive.")
    if valid_to is not None and valid_to <= valid_from:
        raise BusinessRuleViolation("invalid_validity", "A contract must end after it starts.")
    contract = Contract(number=number[:64], customer=customer, amount_cap=cap, price_terms=price_terms,
                        payment_terms=payment_terms, payment_days=int(payment_days), valid_from=valid_from,
                        valid_to=valid_to, signed_by_id=signed_by_id, source_key=source_key, created_at=clock.now(),
                        attachments=[_attachment(a, i) for i, a in enumerate(attachments or [], start=1)])
    db.session.add(contract)
    db.session.flush()
    return contract


def contract_used(contract: Contract) -> Decimal:
    """Gross of the orders that name the contract (held ones too: they
    are commitments; cancelled ones, status "closed", not), less red ones."""
    value = db.session.scalar(select(func.sum(SalesOrder.gross)).where(
        SalesOrder.contract_number == contract.number, SalesOrder.status != "closed"))
    return Decimal(value) if value is not None else ZERO


def check_order_against_contract(customer: Customer, contract_number: str | None, gross: Decimal, on: date_type) -> None:
    """When an order names a registered contract: it must be the customer's,
    valid on ``on``, and the order must fit under the cap. Unregistered
    numbers pass (older contracts live on paper). Raises
    BusinessRuleViolation ``contract_customer``, ``contract_expired``,
    ``contract_cap_exceeded``."""
    contract = db.session.scalar(select(Contract).where(Contract.number == contract_number)) if contract_number else None
    if contract is None:
        return
    if contract.customer_id != customer.id:
        raise BusinessRuleViolation("contract_customer", f"Contract {contract.number} belongs to another customer.")
    if on < contract.valid_from or (contract.valid_to is not None and on >= contract.valid_to):
        raise BusinessRuleViolation("contract_expired", f"Contract {contract.number} is not valid on {on}.")
    left = contract.amount_cap - contract_used(contract)
    if gross > left:
        raise BusinessRuleViolation("contract_cap_exceeded", f"Contract {contract.number} has {money_str(left)} left.",
                                    {"left": money_str(left)})


def contract_result(contract: Contract) -> dict:
    return {"contract_no": contract.number, "customer": contract.customer.code, "amount_cap": money_str(contract.amount_cap),
            "used": money_str(contract_used(contract)), "price_terms": contract.price_terms,
            "payment_terms": contract.payment_terms, "payment_days": contract.payment_days,
            "valid_from": contract.valid_from.isoformat(),
            "valid_to": contract.valid_to.isoformat() if contract.valid_to else None,
            "attachments": [{"name": a.name, "type": a.content_type, "size": a.size, "sha256": a.sha256}
                            for a in contract.attachments]}


@action("ledger.register_contract")
def register_contract(call: ActionCall, *, customer: str, number: str, amount_cap, valid_from: str,
                      valid_to: str | None = None, price_terms: str | None = None, payment_terms: str | None = None,
                      payment_days=30, attachments: list | None = None) -> dict:
    """F13/F14: register the signed contract of ``customer``; ``attachments``
    [{"name", "type", "size", "sha256"}] reference the stored files. Result
    see ``contract_result``. Idempotent per call. Raises ``unknown_customer``,
    ``duplicate_contract``, ``invalid_amount``, ``invalid_validity``,
    ``invalid_attachment``, ``invalid_date``."""
    from app.ledger.orders import parse_date  # orders checks contracts: import at call time

    contract = db.session.scalar(select(Contract).where(Contract.source_key == call.idempotency_key))
    if contract is None:
        contract = make_contract(customer_by_code(customer), number, amount_cap, valid_from=parse_date(valid_from, "valid_from"),
                                 valid_to=parse_date(valid_to, "valid_to") if valid_to else None, price_terms=price_terms,
                                 payment_terms=payment_terms, payment_days=int(payment_days or 0),
                                 attachments=attachments or [], signed_by_id=call.actor_id, source_key=call.idempotency_key)
    return contract_result(contract)
