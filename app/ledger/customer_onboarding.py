"""Customers of every channel but dealers (直销、邮购客户建档): the likely
duplicates the sales office checks a proposal against, and the customer
file opened once it has approved it. Dealers are established by F13.

A new customer opens with no credit: limit 0, no rating, payment days 0
(pay on delivery), until F12 rates it — the onboarding flow asks for that
first rating as soon as the file exists, so the rating and the limit have
one source of truth, F12's approvals and ``set_credit``."""
import re
from difflib import SequenceMatcher

from sqlalchemy import select

from app.actions import ActionCall, BusinessRuleViolation, action
from app.extensions import db
from app.ledger.customers import create_customer
from app.models import Customer, User

ONBOARDED_CHANNELS = ("direct", "mail_order")  # dealers: F13 dealer_onboarding
# 统一社会信用代码 (18 characters, no I, O, S, V, Z) or the old 15-digit tax registration number
TAX_ID = re.compile(r"^(?:[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|\d{15})$")
# what Chinese company names share and says nothing about which company it is
_NAME_NOISE = re.compile(r"(股份有限公司|有限责任公司|有限公司|集团|公司|经销部|服务部|商行|\s|[()（）])")
SIMILAR = 0.75
MAX_MATCHES = 20


def _core(name: str) -> str:
    return _NAME_NOISE.sub("", name or "")


def similar_names(one: str, other: str) -> bool:
    """Whether two customer names likely mean one company: one's core holds
    the other's, or they match at SIMILAR or more, the legal form aside."""
    a, b = _core(one), _core(other)
    if not a or not b:
        return False
    return a in b or b in a or SequenceMatcher(None, a, b).ratio() >= SIMILAR


def normalised_tax_id(tax_id: str | None) -> str:
    """The tax id upper-cased without spaces. Raises ``invalid_tax_id``."""
    value = re.sub(r"\s", "", tax_id or "").upper()
    if not TAX_ID.match(value):
        raise BusinessRuleViolation("invalid_tax_id", "A tax id is the 18-character unified social credit code "
                                    "or a 15-digit tax registration number.", field="tax_id")
    return value


@action("ledger.customer_duplicates")
def customer_duplicates(call: ActionCall, *, name: str, tax_id: str = "") -> dict:
    """The customers a proposal may duplicate, for the sales office to judge:
    the same tax id, or a similar name. Reads only. Result {"count",
    "matches"} (at most MAX_MATCHES, the same tax id first), each
    match {"customer" (its code), "customer_channel", "region", "tax_id", "why"}."""
    wanted = re.sub(r"\s", "", tax_id or "").upper()
    matches = []
    for customer in db.session.scalars(select(Customer).order_by(Customer.code)):
        why = "tax_id" if wanted and customer.tax_id == wanted else "name" if similar_names(name, customer.name) else None
        if why:
            matches.append({"customer": customer.code, "customer_channel": customer.channel, "region": customer.region,
                            "tax_id": customer.tax_id or "", "why": why})
    matches.sort(key=lambda match: (match["why"] != "tax_id", match["customer"]))
    return {"count": len(matches), "matches": matches[:MAX_MATCHES]}


@action("ledger.open_customer_file")
def open_customer_file(call: ActionCall, *, name: str, channel: str, region: str, tax_id: str, address: str,
                       contact: str, salesperson: str, customer_class: str = "", province: str = "") -> dict:
    """The approved proposal's customer file, with no credit until F12 rates
    it (limit 0, payment days 0); idempotent per call (``create_customer``).
    Result {"customer_code", "customer_id", "credit_limit", "notice"} — the
    notice tells the salesperson and the regional manager. Raises
    ``dealer_through_onboarding`` (a dealer), ``invalid_channel``,
    ``invalid_tax_id``, ``duplicate_tax_id``, ``unknown_salesperson``,
    ``missing_name``, ``duplicate_customer`` (the name)."""
    if channel == "dealer":
        raise BusinessRuleViolation("dealer_through_onboarding", "Dealers are established by the dealer onboarding flow.",
                                    field="channel")
    if channel not in ONBOARDED_CHANNELS:
        raise BusinessRuleViolation("invalid_channel", "The channel is direct or mail_order.", field="channel")
    found = db.session.scalar(select(Customer).where(Customer.source_key == call.idempotency_key))
    if found is None:
        number = normalised_tax_id(tax_id)
        holder = db.session.scalar(select(Customer.code).where(Customer.tax_id == number))
        if holder is not None:
            raise BusinessRuleViolation("duplicate_tax_id", f"Customer {holder} already has tax id {number}.", field="tax_id")
        rep = db.session.scalar(select(User).where(User.username == salesperson, User.active.is_(True)))
        if rep is None:
            raise BusinessRuleViolation("unknown_salesperson", f"No active user {salesperson!r}.", field="salesperson")
    made = create_customer(call, name=name, region=region, channel=channel, province=province or None, credit_limit=0,
                           payment_days=0, salesperson=salesperson, customer_class=customer_class or None)
    customer = db.session.get(Customer, made["customer_id"])
    if found is None:
        customer.tax_id, customer.address, customer.contact = number, address.strip(), contact.strip()
    return {**made, "credit_limit": "0.00", "notice": {
        "customer": customer.code,
        "text": f"新客户 {customer.code} {customer.name} 已建档；首次信用评级由统计员提出并经审批后生效，之前信用额度为 0。"}}
