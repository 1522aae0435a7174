"""/reports/receivables: receivables ageing as of a date, and the open
invoices behind it, inside the caller's report scope (a rep reads their
own, a regional manager their region)."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.parsing import ApiBlueprint, Text
from app.services import receivables_report

blp = ApiBlueprint("report_receivables", __name__, description="Receivables ageing and overdue invoices")


class AgeingQuerySchema(Schema):
    as_of = fields.Date(load_default=None, metadata={"description": "YYYY-MM-DD; default the business date"})
    region = Text(load_default=None, validate=validate.Length(max=64))
    salesperson = Text(load_default=None, validate=validate.Length(max=64), metadata={"description": "a username"})
    customer = Text(load_default=None, validate=validate.Length(max=32), metadata={"description": "a customer code"})
    bucket = Text(load_default=None, validate=validate.OneOf(receivables_report.BUCKETS))


class BucketsSchema(Schema):
    current = fields.Decimal(as_string=True, metadata={"description": "not yet due"})
    d1_30 = fields.Decimal(as_string=True)
    d31_60 = fields.Decimal(as_string=True)
    d61_90 = fields.Decimal(as_string=True)
    over_90 = fields.Decimal(as_string=True)


class AgeingRowSchema(Schema):
    key = fields.String(metadata={"description": "customer code, salesperson username or region"})
    name = fields.String()
    buckets = fields.Nested(BucketsSchema)
    total = fields.Decimal(as_string=True)
    advances = fields.Decimal(as_string=True, metadata={"description": "unallocated receipts (预收)"})


class AgeingTotalsSchema(Schema):
    buckets = fields.Nested(BucketsSchema)
    total = fields.Decimal(as_string=True)
    advances = fields.Decimal(as_string=True)


class AgeingSchema(Schema):
    as_of = fields.Date()
    filters = fields.Dict()
    buckets = fields.List(fields.String())
    by_customer = fields.List(fields.Nested(AgeingRowSchema))
    by_salesperson = fields.List(fields.Nested(AgeingRowSchema))
    by_region = fields.List(fields.Nested(AgeingRowSchema))
    totals = fields.Nested(AgeingTotalsSchema)


class OpenInvoiceSchema(Schema):
    number = fields.String()
    kind = fields.String(metadata={"description": "blue, or red for a credit not yet used"})
    invoice_date = fields.Date()
    due_date = fields.Date()
    days_overdue = fields.Integer()
    bucket = fields.String()
    amount = fields.Decimal(as_string=True)
    open = fields.Decimal(as_string=True)
    customer = fields.String()
    customer_name = fields.String()
    salesperson = fields.String()
    region = fields.String()
    instance_id = fields.Integer(allow_none=True, metadata={"description": "the request that made it, if yours to see"})


class OpenInvoicesSchema(Schema):
    as_of = fields.Date()
    filters = fields.Dict()
    count = fields.Integer()
    total = fields.Decimal(as_string=True)
    invoices = fields.List(fields.Nested(OpenInvoiceSchema))


def _query(args: dict) -> receivables_report.AgeingQuery:
    as_of = args.pop("as_of")
    return receivables_report.parse_query({**args, "as_of": as_of.isoformat() if as_of else None})


@blp.get("/reports/receivables")
@blp.arguments(AgeingQuerySchema, location="query")
@blp.response(200, AgeingSchema)
def receivables_ageing(args):
    """Open receivables as of ``as_of`` in buckets of days overdue (0,
    1–30, 31–60, 61–90, >90), by customer, salesperson and region, with
    unallocated receipts beside and the totals."""
    return receivables_report.ageing(current_user(), _query(args))


@blp.get("/reports/receivables/invoices")
@blp.arguments(AgeingQuerySchema, location="query")
@blp.response(200, OpenInvoicesSchema)
def receivables_invoices(args):
    """The open invoices behind the ageing, most overdue first (at most 500; ``count`` and ``total`` cover all)."""
    return receivables_report.open_invoices(current_user(), _query(args))
