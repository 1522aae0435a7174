"""/ledger: the ledger's checks, customer statements and documents, read by
finance, sales administration, management, auditors and process admins; and
the writes finance does outside the flows (receipts, their reversal,
contracts, changes of a customer's file), each one committed use case."""
import functools

from marshmallow import Schema, ValidationError, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, BusinessDate, Text
from app.bounds import FILE_NAME_MAX, LIST_MAX, is_ascii_number
from app.services import ledger_commands, ledger_queries

blp = ApiBlueprint("ledger", __name__, description="The sales ledger")

MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class ChecksQuerySchema(Schema):
    month = Text(load_default=None, validate=validate.Regexp(MONTH, error="Use YYYY-MM."),
                 metadata={"description": "YYYY-MM: narrow the per-month invariants to this month"})


class CheckSchema(Schema):
    name = fields.String(required=True)
    ok = fields.Boolean(required=True)
    violations = fields.List(fields.Dict(), required=True)


class ChecksSchema(Schema):
    checks = fields.List(fields.Nested(CheckSchema), required=True)


class StatementSchema(Schema):
    customer = fields.Dict(required=True)
    documents = fields.List(fields.Dict(), required=True, metadata={"description": "invoices and receipts, amounts as strings"})
    allocations = fields.List(fields.Dict(), required=True)
    balance = fields.Dict(required=True, metadata={"description": "open_receivables, advances, balance, ledger"})


class CustomerHistorySchema(Schema):
    customer = fields.String(required=True)
    name = fields.String(required=True)
    current = fields.Integer(allow_none=True, metadata={"description": "the version number effective today"})
    versions = fields.List(fields.Dict(), required=True, metadata={"description": "oldest first, numbered from 1"})


class DocumentSchema(Schema):
    kind = fields.String(required=True)
    document = fields.Dict(required=True)
    entries = fields.List(fields.Dict(), required=True)


def readers_only(view):
    """403 unless the caller may read the ledger; checked before the query is read."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        ledger_queries.require_ledger_reader(current_user())
        return view(*args, **kwargs)

    return wrapper


@blp.get("/ledger/checks")
@readers_only
@blp.arguments(ChecksQuerySchema, location="query")
@blp.response(200, ChecksSchema)
def checks(query):
    """Every invariant of LEDGER.md (``?month=YYYY-MM`` narrows the monthly ones)."""
    return {"checks": ledger_queries.run_checks(query["month"])}


@blp.get("/ledger/customers/<code>/statement")
@readers_only
@blp.response(200, StatementSchema)
def statement(code):
    """A customer's documents, allocations and balance."""
    return ledger_queries.customer_statement(code)


@blp.get("/ledger/customers/<code>/history")
@readers_only
@blp.response(200, CustomerHistorySchema)
def customer_history(code):
    """The versions of a customer's file (class, region, channel, salesperson,
    payment days, hold, active), oldest first; ``current`` is today's."""
    return ledger_queries.customer_history(code)


@blp.get("/ledger/documents/<kind>/<number>")
@readers_only
@blp.response(200, DocumentSchema)
def document(kind, number):
    """One document (sales_order, shipping_note, invoice, receipt, receipt_reversal,
    employee_advance, expense_claim, reimbursement, collection_assessment, contract,
    price_adjustment, price_adjustment_sheet) with its ledger entries."""
    return ledger_queries.document(kind, number)


# --- writes: finance's work outside the flows (app/services/ledger_commands.py) -----------------------------------

class Amount(fields.Field):
    """Money: a JSON number or numeric string with at most two places, read
    through its decimal text (never a binary float)."""

    def __init__(self, *, positive: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.positive = positive

    def _deserialize(self, value, attr, data, **kwargs):
        from decimal import Decimal, InvalidOperation

        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or not is_ascii_number(str(value)):
            raise ValidationError("Must be an amount.")
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValidationError("Must be an amount.") from None
        if not amount.is_finite() or amount.as_tuple().exponent < -2 or abs(amount) >= Decimal("1e15"):
            raise ValidationError("Must be an amount with at most two decimal places.")
        if self.positive and amount <= 0:
            raise ValidationError("Must be positive.")
        return amount


class ReceiptInSchema(Schema):
    customer = Text(required=True, validate=validate.Length(min=1, max=32), metadata={"description": "customer code"})
    amount = Amount(required=True)
    date = BusinessDate(load_default=None, metadata={"description": "receipt date (default today)"})
    bank_reference = Text(load_default=None, validate=validate.Length(max=64))
    invoice_reference = Text(load_default=None, validate=validate.Length(max=32),
                             metadata={"description": "an invoice number: written off first (rule 2)"})
    contract_reference = Text(load_default=None, validate=validate.Length(max=64))
    allocate = fields.Boolean(load_default=False, metadata={"description": "write off against open invoices at once"})


class ReversalInSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=255))
    date = BusinessDate(load_default=None, metadata={"description": "date of the red receipt (default today)"})


class AttachmentSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=FILE_NAME_MAX))
    type = Text(required=True, validate=validate.Length(min=1, max=128))
    size = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))
    sha256 = Text(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))


class ContractInSchema(Schema):
    customer = Text(required=True, validate=validate.Length(min=1, max=32))
    number = Text(required=True, validate=validate.Length(min=1, max=64))
    amount_cap = Amount(required=True)
    valid_from = BusinessDate(required=True)
    valid_to = BusinessDate(load_default=None, metadata={"description": "exclusive; none = open"})
    price_terms = Text(load_default=None, validate=validate.Length(max=255))
    payment_terms = Text(load_default=None, validate=validate.Length(max=255))
    payment_days = fields.Integer(load_default=30, strict=True, validate=validate.Range(min=0, max=3650))
    attachments = fields.List(fields.Nested(AttachmentSchema), load_default=None,
                              validate=validate.Length(max=LIST_MAX))


class AmendmentInSchema(Schema):
    valid_from = BusinessDate(required=True, metadata={"description": "the new version applies from this date"})
    valid_to = BusinessDate(load_default=None, metadata={"description": "default: the previous version's"})
    amount_cap = Amount(load_default=None)
    price_terms = Text(load_default=None, validate=validate.Length(max=255))
    payment_terms = Text(load_default=None, validate=validate.Length(max=255))
    payment_days = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=0, max=3650))
    reason = Text(load_default=None, validate=validate.Length(max=255))


class ClosureInSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=255))
    date = BusinessDate(load_default=None, metadata={"description": "no orders from this date on (default today)"})


class CustomerChangeInSchema(Schema):
    reason = Text(required=True, validate=validate.Length(min=1, max=255))
    valid_from = BusinessDate(load_default=None, metadata={"description": "the version applies from this date (default today)"})
    customer_class = Text(load_default=None, validate=validate.Length(min=1, max=64),
                          metadata={"description": "code of a customer class (tree node)"})
    region = Text(load_default=None, validate=validate.Length(min=1, max=64))
    province = Text(load_default=None, validate=validate.Length(max=64))
    channel = Text(load_default=None, validate=validate.OneOf(("direct", "dealer", "mail_order")))
    salesperson = Text(load_default=None, validate=validate.Length(min=1, max=64),
                       metadata={"description": "username of an active sales representative"})
    payment_days = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=0, max=3650))
    on_hold = fields.Boolean(load_default=None)
    active = fields.Boolean(load_default=None)


class CustomerVersionOutSchema(Schema):
    customer = fields.String(required=True)
    version_id = fields.Integer(required=True)
    version = fields.Integer(required=True, metadata={"description": "1 = the opening version"})
    valid_from = fields.String(required=True)
    effective = fields.Boolean(required=True, metadata={"description": "false: dated in the future, not yet current"})
    current = fields.Boolean(required=True, metadata={"description": "the version effective today"})
    customer_class = fields.String(required=True)
    channel = fields.String(required=True)
    region = fields.String(required=True)
    province = fields.String(allow_none=True)
    salesperson = fields.String(allow_none=True)
    payment_days = fields.Integer(required=True)
    on_hold = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    reason = fields.String(required=True)
    decided_by = fields.String(allow_none=True)


class ReceiptOutSchema(Schema):
    receipt_no = fields.String(required=True)
    customer = fields.String(required=True)
    amount = fields.String(required=True)
    unallocated = fields.String(required=True, metadata={"description": "what stays as advance (预收)"})
    allocations = fields.List(fields.Dict(), metadata={"description": "with allocate: the write-offs made"})


class ReversalOutSchema(Schema):
    reversal_no = fields.String(required=True)
    receipt_no = fields.String(required=True)
    customer = fields.String(required=True)
    amount = fields.String(required=True, metadata={"description": "negative: the red receipt"})
    date = fields.String(required=True)
    reason = fields.String(required=True)
    reversed_allocations = fields.List(fields.Dict(), required=True)


class ContractOutSchema(Schema):
    contract_no = fields.String(required=True)
    customer = fields.String(required=True)
    amount_cap = fields.String(required=True, metadata={"description": "the latest version's"})
    used = fields.String(required=True)
    price_terms = fields.String(allow_none=True)
    payment_terms = fields.String(allow_none=True)
    payment_days = fields.Integer()
    valid_from = fields.String(required=True)
    valid_to = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "active | closed"})
    versions = fields.List(fields.Dict(), required=True)
    attachments = fields.List(fields.Dict(), required=True)


RECEIPT_NO = "<string(maxlength=32):number>"
CUSTOMER_CODE = "<string(maxlength=32):code>"
CONTRACT_NO = "<string(maxlength=64):number>"


def idempotency_key():
    """The client's Idempotency-Key header: a retried request posts once."""
    from flask import request

    from app.errors import ValidationFailed

    key = request.headers.get("Idempotency-Key")
    if key is not None and not (0 < len(key) <= 64 and key.isascii() and key.isprintable()):
        raise ValidationFailed.for_fields({"Idempotency-Key": ["Use 1–64 printable ASCII characters."]})
    return key


@blp.post("/ledger/receipts")
@blp.arguments(ReceiptInSchema)
@blp.response(201, ReceiptOutSchema)
def record_receipt(body):
    """Record money received (finance). ``allocate``: write it off at once;
    what is left stays as the customer's advance."""
    return ledger_commands.record_receipt(current_user(), body, idempotency_key())


@blp.post(f"/ledger/receipts/{RECEIPT_NO}/reversal")
@blp.arguments(ReversalInSchema)
@blp.response(201, ReversalOutSchema)
def reverse_receipt(body, number):
    """Reverse a receipt entered by mistake (finance): its write-offs are
    undone and a red receipt cancels it."""
    return ledger_commands.reverse_receipt(current_user(), number, body, idempotency_key())


@blp.post("/ledger/contracts")
@blp.arguments(ContractInSchema)
@blp.response(201, ContractOutSchema)
def register_contract(body):
    """Register a signed contract (finance, sales_admin)."""
    return ledger_commands.register_contract(current_user(), body, idempotency_key())


@blp.post(f"/ledger/contracts/{CONTRACT_NO}/amendments")
@blp.arguments(AmendmentInSchema)
@blp.response(201, ContractOutSchema)
def amend_contract(body, number):
    """Amend a contract: a new version from ``valid_from`` (finance, sales_admin)."""
    return ledger_commands.amend_contract(current_user(), number, body, idempotency_key())


@blp.post(f"/ledger/contracts/{CONTRACT_NO}/closure")
@blp.arguments(ClosureInSchema)
@blp.response(201, ContractOutSchema)
def close_contract(body, number):
    """Close a contract from ``date`` (finance, sales_admin)."""
    return ledger_commands.close_contract(current_user(), number, body, idempotency_key())


@blp.post(f"/ledger/customers/{CUSTOMER_CODE}/changes")
@blp.arguments(CustomerChangeInSchema)
@blp.response(201, CustomerVersionOutSchema)
def change_customer(body, code):
    """Change a customer's file (finance, sales_admin, statistician): a new
    version from ``valid_from`` with the fields given, the others carried
    over; the history keeps every earlier version."""
    return ledger_commands.change_customer(current_user(), code, body, idempotency_key())
