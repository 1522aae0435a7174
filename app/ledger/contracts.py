"""Sales contracts (销售合同) as master data: the customer, an amount cap,
price and payment terms, validity, and references to the signed files.

Versioned like the customer's credit history: the registered contract is
version 1; an amendment adds version 2, 3, … with its own validity, and a
closing record ends the contract. A later version ends the one before at
its ``valid_from`` — nothing is updated. An order is checked against the
version valid on its date."""
import re
from dataclasses import dataclass
from datetime import date as date_type
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger.customers import refreshed_customer
from app.ledger.dates import parse_date
from app.ledger.journal import today
from app.ledger.money import ZERO, money_str, round_money, to_decimal
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import Source, posted_once
from app.models import Contract, ContractAmendment, ContractAttachment, Customer, SalesOrder
from app.actions import ActionCall, BusinessRuleViolation, action

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _attachment(entry: dict, number: int) -> ContractAttachment:
    name, kind = str(entry.get("name") or "").strip(), str(entry.get("type") or "").strip()
    sha, size = str(entry.get("sha256") or "").lower(), entry.get("size")
    if not name or not kind or not SHA256.match(sha) or isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise BusinessRuleViolation("invalid_attachment", f"Attachment {number} needs name, type, size (bytes) and sha256.", field="attachments")
    return ContractAttachment(name=name[:255], content_type=kind[:128], size=size, sha256=sha)


def make_contract(customer: Customer, number: str, amount_cap, *, valid_from: date_type, valid_to: date_type | None,
                  price_terms: str | None, payment_terms: str | None, payment_days: int, attachments: list[dict],
                  signed_by_id: int | None, source_key: str) -> Contract:
    """Register a contract (flushes). Posts nothing. Raises
    BusinessRuleViolation ``duplicate_contract``, ``invalid_amount``,
    ``invalid_validity``, ``invalid_attachment``."""
    number = (number or "").strip()
    if not number:
        raise BusinessRuleViolation("missing_number", "A contract needs its number.", field="number")
    if db.session.scalar(select(Contract.id).where(Contract.number == number)) is not None:
        raise BusinessRuleViolation("duplicate_contract", f"Contract {number} is already registered.")
    cap = round_money(amount_cap, "amount_cap")
    if cap <= 0:
        raise BusinessRuleViolation("invalid_amount", "The amount cap must be positive.", field="amount_cap")
    if valid_to is not None and valid_to <= valid_from:
        raise BusinessRuleViolation("invalid_validity", "A contract must end after it starts.", field="valid_to")
    contract = Contract(number=number[:64], customer=customer, amount_cap=cap, price_terms=price_terms,
                        payment_terms=payment_terms, payment_days=int(payment_days), valid_from=valid_from,
                        valid_to=valid_to, signed_by_id=signed_by_id, source_key=source_key, created_at=clock.now(),
                        attachments=[_attachment(a, i) for i, a in enumerate(attachments or [], start=1)])
    db.session.add(contract)
    db.session.flush()
    return contract


def contract_used(contract: Contract) -> Decimal:
    """Gross of the orders that name the contract (held ones too: they
    are commitments; cancelled ones not), less red ones."""
    value = db.session.scalar(select(func.sum(SalesOrder.gross)).where(
        SalesOrder.contract_number == contract.number, SalesOrder.status != "cancelled"))
    return Decimal(value) if value is not None else ZERO


@dataclass(frozen=True)
class Terms:
    """One version of a contract: ``kind`` "sign" (version 1), "amend" or
    "close"; valid from ``valid_from`` until ``valid_to`` (exclusive) or the
    next version's ``valid_from``, whichever comes first."""

    version: int
    kind: str
    amount_cap: Decimal
    price_terms: str | None
    payment_terms: str | None
    payment_days: int
    valid_from: date_type
    valid_to: date_type | None
    reason: str | None


def versions(contract: Contract) -> list[Terms]:
    """Every version, oldest first."""
    first = Terms(1, "sign", contract.amount_cap, contract.price_terms, contract.payment_terms, contract.payment_days,
                  contract.valid_from, contract.valid_to, None)
    later = db.session.scalars(select(ContractAmendment).where(ContractAmendment.contract_id == contract.id)
                               .order_by(ContractAmendment.seq)).all()
    return [first] + [Terms(a.seq, a.kind, a.amount_cap, a.price_terms, a.payment_terms, a.payment_days, a.valid_from,
                            a.valid_to, a.reason) for a in later]


def terms_on(contract: Contract, day: date_type) -> Terms | None:
    """The version in force on ``day`` (a "close" version once closed), or
    None before the contract starts. Ignores ``valid_to``: see ``check``."""
    current = None
    for terms in versions(contract):  # valid_from never decreases from one version to the next
        if terms.valid_from <= day:
            current = terms
    return current


def contract_by_number(number: str, field: str = "contract") -> Contract:
    """Raises BusinessRuleViolation ``unknown_contract``."""
    contract = db.session.scalar(select(Contract).where(Contract.number == (number or "").strip()))
    if contract is None:
        raise BusinessRuleViolation("unknown_contract", f"No contract is numbered {number!r}.", field=field)
    return contract


def check_order_against_contract(customer: Customer, contract_number: str | None, gross: Decimal, on: date_type) -> None:
    """When an order names a registered contract: it must be the customer's,
    in force on ``on`` (the version valid that day, not closed), and the
    order must fit under that version's cap. Unregistered numbers pass
    (older contracts live on paper). Raises BusinessRuleViolation
    ``contract_customer``, ``contract_expired``, ``contract_closed``,
    ``contract_cap_exceeded``."""
    contract = db.session.scalar(select(Contract).where(Contract.number == contract_number)) if contract_number else None
    if contract is None:
        return
    if contract.customer_id != customer.id:
        raise BusinessRuleViolation("contract_customer", f"Contract {contract.number} belongs to another customer.", field="contract_number")
    terms = terms_on(contract, on)
    if terms is not None and terms.kind == "close":
        raise BusinessRuleViolation("contract_closed", f"Contract {contract.number} was closed on {terms.valid_from}.")
    if terms is None or (terms.valid_to is not None and on >= terms.valid_to):
        raise BusinessRuleViolation("contract_expired", f"Contract {contract.number} is not valid on {on}.")
    left = terms.amount_cap - contract_used(contract)
    if gross > left:
        raise BusinessRuleViolation("contract_cap_exceeded", f"Contract {contract.number} has {money_str(left)} left.",
                                    {"left": money_str(left)})


def _next_version(contract: Contract, on: date_type, field: str) -> Terms:
    """The latest version, after checking a new one may start on ``on``.
    Raises BusinessRuleViolation ``contract_closed``, ``invalid_validity``."""
    latest = versions(contract)[-1]
    if latest.kind == "close":
        raise BusinessRuleViolation("contract_closed", f"Contract {contract.number} was closed on {latest.valid_from}.")
    if on < latest.valid_from:
        raise BusinessRuleViolation("invalid_validity", f"A new version of {contract.number} starts on or after "
                                    f"{latest.valid_from}, when version {latest.version} took effect.", field=field)
    return latest


def amend_contract(contract: Contract, *, valid_from: date_type, valid_to: date_type | None = None, amount_cap=None,
                   price_terms: str | None = None, payment_terms: str | None = None, payment_days: int | None = None,
                   reason: str | None, decided_by_id: int | None, source_key: str) -> ContractAmendment:
    """Add the next version (flushes); what is not given is carried over
    from the latest one (``valid_to`` too). Raises BusinessRuleViolation
    ``contract_closed``, ``invalid_validity``, ``invalid_amount``,
    ``contract_cap_below_used`` (a cap under what orders already use)."""
    latest = _next_version(contract, valid_from, "valid_from")
    cap = round_money(amount_cap, "amount_cap") if amount_cap is not None else latest.amount_cap
    if cap <= 0:
        raise BusinessRuleViolation("invalid_amount", "The amount cap must be positive.", field="amount_cap")
    used = contract_used(contract)
    if cap < used:
        raise BusinessRuleViolation("contract_cap_below_used", f"Orders already use {money_str(used)} of {contract.number}.",
                                    {"used": money_str(used)}, field="amount_cap")
    valid_to = valid_to if valid_to is not None else latest.valid_to
    if valid_to is not None and valid_to <= valid_from:
        raise BusinessRuleViolation("invalid_validity", "A contract version must end after it starts.", field="valid_to")
    amendment = ContractAmendment(
        contract_id=contract.id, seq=latest.version + 1, kind="amend", amount_cap=cap,
        price_terms=price_terms if price_terms is not None else latest.price_terms,
        payment_terms=payment_terms if payment_terms is not None else latest.payment_terms,
        payment_days=int(payment_days) if payment_days is not None else latest.payment_days,
        valid_from=valid_from, valid_to=valid_to, reason=reason, decided_by_id=decided_by_id, source_key=source_key,
        created_at=clock.now())
    db.session.add(amendment)
    db.session.flush()
    return amendment


def close_contract(contract: Contract, *, on: date_type, reason: str | None, decided_by_id: int | None,
                   source_key: str) -> ContractAmendment:
    """Record that the contract ends on ``on`` (flushes): no order dated
    ``on`` or later may name it. Raises BusinessRuleViolation
    ``contract_closed``, ``invalid_validity``, ``missing_reason``."""
    if not (reason or "").strip():
        raise BusinessRuleViolation("missing_reason", "Say why the contract is closed.", field="reason")
    latest = _next_version(contract, on, "date")
    closing = ContractAmendment(contract_id=contract.id, seq=latest.version + 1, kind="close", amount_cap=latest.amount_cap,
                                price_terms=latest.price_terms, payment_terms=latest.payment_terms,
                                payment_days=latest.payment_days, valid_from=on, valid_to=None, reason=reason.strip()[:255],
                                decided_by_id=decided_by_id, source_key=source_key, created_at=clock.now())
    db.session.add(closing)
    db.session.flush()
    return closing


def _terms_json(terms: Terms) -> dict:
    return {"version": terms.version, "kind": terms.kind, "amount_cap": money_str(terms.amount_cap),
            "price_terms": terms.price_terms, "payment_terms": terms.payment_terms, "payment_days": terms.payment_days,
            "valid_from": terms.valid_from.isoformat(), "valid_to": terms.valid_to.isoformat() if terms.valid_to else None,
            "reason": terms.reason}


def contract_result(contract: Contract) -> dict:
    """The latest version's terms at the top level, every version under
    "versions", and "status" (active | closed)."""
    history = versions(contract)
    latest = history[-1]
    end = latest.valid_from if latest.kind == "close" else latest.valid_to
    return {"contract_no": contract.number, "customer": contract.customer.code, "amount_cap": money_str(latest.amount_cap),
            "used": money_str(contract_used(contract)), "price_terms": latest.price_terms,
            "payment_terms": latest.payment_terms, "payment_days": latest.payment_days,
            "valid_from": contract.valid_from.isoformat(),
            "valid_to": end.isoformat() if end else None,
            "version": latest.version, "status": "closed" if latest.kind == "close" else "active",
            "versions": [_terms_json(t) for t in history],
            "attachments": [{"name": a.name, "type": a.content_type, "size": a.size, "sha256": a.sha256}
                            for a in contract.attachments]}


def register_contract_once(source: Source, customer: str, number: str, amount_cap: Decimal, valid_from: date_type, *,
                           valid_to: date_type | None = None, price_terms: str | None = None,
                           payment_terms: str | None = None, payment_days: int = 30,
                           attachments: list | None = None) -> dict:
    """Register the signed contract of ``customer``, once per source;
    ``attachments`` [{"name", "type", "size", "sha256"}] reference the
    stored files. Result see ``contract_result``. Raises
    ``unknown_customer``, ``missing_number``, ``duplicate_contract``,
    ``invalid_amount``, ``invalid_validity``, ``invalid_attachment``."""
    return contract_result(posted_once(Contract, source.key, lambda: make_contract(
        refreshed_customer(customer), number, amount_cap, valid_from=valid_from, valid_to=valid_to, price_terms=price_terms,
        payment_terms=payment_terms, payment_days=payment_days, attachments=attachments or [],
        signed_by_id=source.actor_id, source_key=source.key)))


@action("ledger.register_contract")
def register_contract(call: ActionCall, *, customer: str, number: str, amount_cap, valid_from: str,
                      valid_to: str | None = None, price_terms: str | None = None, payment_terms: str | None = None,
                      payment_days=30, attachments: list | None = None) -> dict:
    """F13/F14: ``register_contract_once`` for a service task. Idempotent
    per call. Raises as it does, and ``invalid_date``, ``invalid_number``."""
    return register_contract_once(
        Source.of(call), customer, number, to_decimal(amount_cap, "amount_cap"), parse_date(valid_from, "valid_from"),
        valid_to=parse_date(valid_to, "valid_to") if valid_to else None, price_terms=price_terms,
        payment_terms=payment_terms, payment_days=int(payment_days or 0), attachments=attachments)


def _contract_of_this_request(source: Source, contract: str) -> Contract:
    found = contract_by_number(contract)
    ensure_of_this_request(source, found, kind="contract", requested=True)
    return found


def amend_contract_once(source: Source, contract: str, valid_from: date_type, *, valid_to: date_type | None = None,
                        amount_cap: Decimal | None = None, price_terms: str | None = None,
                        payment_terms: str | None = None, payment_days: int | None = None,
                        reason: str | None = None) -> dict:
    """The approved amendment of ``contract`` from ``valid_from`` (a new
    version; omitted terms carry over), once per source. Result see
    ``contract_result``. Raises ``unknown_contract``, ``contract_closed``,
    ``invalid_validity``, ``invalid_amount``, ``contract_cap_below_used``,
    ``not_this_request``."""
    done = posted_once(ContractAmendment, source.key, lambda: amend_contract(
        _contract_of_this_request(source, contract), valid_from=valid_from, valid_to=valid_to, amount_cap=amount_cap,
        price_terms=price_terms, payment_terms=payment_terms, payment_days=payment_days, reason=reason,
        decided_by_id=source.actor_id, source_key=source.key))
    return contract_result(done.contract)


@action("ledger.amend_contract")
def amend_contract_action(call: ActionCall, *, contract: str, valid_from: str, valid_to: str | None = None,
                          amount_cap=None, price_terms: str | None = None, payment_terms: str | None = None,
                          payment_days=None, reason: str | None = None) -> dict:
    """F13/F14: ``amend_contract_once`` for a service task. Idempotent per
    call. Raises as it does, and ``invalid_date``, ``invalid_number``."""
    return amend_contract_once(
        Source.of(call), contract, parse_date(valid_from, "valid_from"),
        valid_to=parse_date(valid_to, "valid_to") if valid_to else None,
        amount_cap=to_decimal(amount_cap, "amount_cap") if amount_cap is not None else None, price_terms=price_terms,
        payment_terms=payment_terms, payment_days=int(payment_days) if payment_days not in (None, "") else None,
        reason=reason)


def close_contract_once(source: Source, contract: str, reason: str, date: date_type | None = None) -> dict:
    """Close ``contract`` from ``date`` (default today), once per source.
    Result see ``contract_result`` (status "closed"). Raises
    ``unknown_contract``, ``contract_closed``, ``invalid_validity``,
    ``missing_reason``, ``not_this_request``."""
    done = posted_once(ContractAmendment, source.key, lambda: close_contract(
        _contract_of_this_request(source, contract), on=date or today(), reason=reason, decided_by_id=source.actor_id,
        source_key=source.key))
    return contract_result(done.contract)


@action("ledger.close_contract")
def close_contract_action(call: ActionCall, *, contract: str, reason: str, date: str | None = None) -> dict:
    """``close_contract_once`` for a service task. Idempotent per call.
    Raises as it does, and ``invalid_date``."""
    return close_contract_once(Source.of(call), contract, reason, parse_date(date))
