"""The payment notice of a mail order (F02, seed L11: 告知其价款及公司银行帐号,
要求其先款后货): what the customer owes and the company account to pay it
into, from the order and the settings, never from what a person typed."""
from flask import current_app

from app.actions import ActionCall, BusinessRuleViolation, action
from app.ledger.money import money_str
from app.ledger.orders import order_by_number
from app.ledger.ownership import ensure_of_this_request

BANK_FIELDS = ("bank_name", "account_name", "account_number")


def company_bank_account() -> dict:
    """The account customers pay into (setting ``COMPANY_BANK_ACCOUNT``).
    Raises BusinessRuleViolation ``no_bank_account`` when a part is blank."""
    account = current_app.config.get("COMPANY_BANK_ACCOUNT") or {}
    values = {field: str(account.get(field) or "").strip() for field in BANK_FIELDS}
    missing = [field for field, value in values.items() if not value]
    if missing:
        raise BusinessRuleViolation("no_bank_account", f"The company bank account is not set up ({', '.join(missing)}).")
    return values


@action("ledger.payment_notice")
def payment_notice(call: ActionCall, *, order: str) -> dict:
    """F02: what the representative tells the customer: the order of this
    request, the amount to pay and the company's bank account. Posts
    nothing. Result {"order_no", "customer", "gross", "currency",
    "bank_name", "account_name", "account_number"}. Raises
    ``unknown_order``, ``not_this_request``, ``no_bank_account``."""
    found = order_by_number(order)
    ensure_of_this_request(call, found, kind="order")
    return {"order_no": found.number, "customer": found.customer.name, "gross": money_str(found.gross),
            "currency": found.currency, **company_bank_account()}
