"""/ledger: the ledger's checks, customer statements and documents, read by
finance, sales administration, management, auditors and process admins."""
import functools

from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.services import ledger_queries

blp = ApiBlueprint("ledger", __name__, description="The sales ledger (read only)")

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


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


@blp.get("/ledger/documents/<kind>/<number>")
@readers_only
@blp.response(200, DocumentSchema)
def document(kind, number):
    """One document (sales_order, shipping_note, invoice, receipt, employee_advance,
    expense_claim, reimbursement, collection_assessment, contract, price_adjustment)
    with its ledger entries."""
    return ledger_queries.document(kind, number)
