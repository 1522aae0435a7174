"""The warning a form page shows when a request names a customer that is
not the person's own (app/services/customer_scope.py): one sentence per
customer in the reader's language, on the field and above the submit
button, with the tick box that confirms it."""
from flask import request
from flask_babel import gettext

from app.errors import ValidationFailed
from app.services.customer_scope import CONFIRM_FIELD


def confirmed() -> bool:
    """Whether the posted form ticked the confirmation box."""
    return request.form.get(CONFIRM_FIELD) == "yes"


def warning_text(entry: dict) -> str:
    customer = f"{entry['customer']} {entry['name']}"
    if entry.get("salesperson"):
        return gettext("%(customer)s is served by %(person)s (%(region)s) — the ledger credits what this request "
                       "sells to %(person)s, not to you.", customer=customer, person=entry["salesperson_name"],
                       region=entry["region"])
    return gettext("%(customer)s belongs to region %(region)s, outside yours, and has no salesperson — the ledger "
                   "credits what this request sells to %(region)s and to no salesperson.",
                   customer=customer, region=entry["region"])


def warnings(exc: ValidationFailed) -> list[str]:
    """The sentences of a ``foreign_customer`` refusal; [] for any other."""
    if exc.code != "foreign_customer":
        return []
    return [warning_text(entry) for entry in exc.details.get("foreign_customers") or []]


def field_errors(exc: ValidationFailed) -> dict:
    """details.fields with each foreign customer's field given its sentence."""
    if exc.code != "foreign_customer":
        return exc.details.get("fields") or {}
    return {entry["field"]: [warning_text(entry)] for entry in exc.details.get("foreign_customers") or []}
