"""/ledger/reports/monthly: the lines behind a reconciled month's report,
filtered, totalled by product series, and exported as CSV."""
from flask import Response
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.ledger import MONTH
from app.api.parsing import ApiBlueprint, Text
from app.services import report_queries

blp = ApiBlueprint("reports", __name__, description="The monthly report's lines")


class ReportQuerySchema(Schema):
    month = Text(required=True, validate=validate.Regexp(MONTH, error="Use YYYY-MM."))
    region = Text(load_default=None, validate=validate.Length(max=64))
    salesperson = Text(load_default=None, validate=validate.Length(max=64), metadata={"description": "a username"})
    customer = Text(load_default=None, validate=validate.Length(max=32), metadata={"description": "a customer code"})
    series = Text(load_default=None, validate=validate.Length(max=128), metadata={"description": "a product series"})


class ReportLinesSchema(Schema):
    month = fields.String(required=True)
    filters = fields.Dict(required=True)
    lines = fields.List(fields.Dict(), required=True, metadata={"description": "shipping lines, invoice lines, receipts"})
    totals = fields.Dict(required=True)
    by_series = fields.List(fields.Dict(), required=True)


def _filters(query: dict) -> dict:
    return {key: query.get(key) for key in ("region", "salesperson", "customer", "series")}


@blp.get("/ledger/reports/monthly")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, ReportLinesSchema)
def monthly_lines(query):
    """The lines of a reconciled month (shipped, invoiced, received), narrowed
    by region, salesperson, customer and product series, with their totals
    and their totals by series."""
    return report_queries.monthly_lines(current_user(), query["month"], _filters(query))


@blp.get("/ledger/reports/monthly.csv")
@blp.arguments(ReportQuerySchema, location="query")
@blp.response(200, description="CSV, UTF-8 with a byte-order mark")
def monthly_lines_csv(query):
    """The same lines as a CSV download (导出明细)."""
    text = report_queries.monthly_lines_csv(current_user(), query["month"], _filters(query))
    return Response(text.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=monthly-report-{query['month']}.csv"})
