"""/expense-budgets: the sales expense budgets (F22) — budget, used and
remaining per department, region and category for a year (finance, the
sales director, the general manager, auditors), and finance setting a
line's amount (a new version, never an update)."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.ledger import Amount
from app.api.parsing import ApiBlueprint, Text
from app.ledger.expense_budgets import CATEGORIES
from app.services import expense_budgets

blp = ApiBlueprint("expense_budgets", __name__, description="Sales expense budgets (F22)")


class BudgetQuerySchema(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "default: the business date's year"})


class BudgetLineSchema(Schema):
    department = fields.String()
    region = fields.String(metadata={"description": "a region, or 总部 for head-office staff"})
    category = fields.String()
    year = fields.Integer()
    budget = fields.Decimal(as_string=True)
    used = fields.Decimal(as_string=True, metadata={"description": "claims charged + what is still open on advances charged"})
    remaining = fields.Decimal(as_string=True)


class BudgetTotalsSchema(Schema):
    budget = fields.Decimal(as_string=True)
    used = fields.Decimal(as_string=True)
    remaining = fields.Decimal(as_string=True)


class BudgetReportSchema(Schema):
    year = fields.Integer()
    categories = fields.Dict(keys=fields.String(), values=fields.String())
    rows = fields.List(fields.Nested(BudgetLineSchema))
    totals = fields.Nested(BudgetTotalsSchema)


class BudgetInSchema(Schema):
    department = Text(required=True, validate=validate.Length(min=1, max=128))
    region = Text(load_default="", validate=validate.Length(max=64), metadata={"description": "empty: the head office (总部)"})
    category = fields.String(required=True, validate=validate.OneOf(list(CATEGORIES)))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    amount = Amount(required=True, positive=False, metadata={"description": "yuan, at most two decimal places; 0 or more"})
    note = Text(load_default=None, validate=validate.Length(max=255))


class BudgetOutSchema(BudgetLineSchema):
    version = fields.Integer()


@blp.get("/expense-budgets")
@blp.arguments(BudgetQuerySchema, location="query")
@blp.response(200, BudgetReportSchema)
def budget_report(args):
    """Budget, used and remaining per department, region and category of a year."""
    return expense_budgets.budget_report(current_user(), args.get("year"))


@blp.post("/expense-budgets")
@blp.arguments(BudgetInSchema)
@blp.response(201, BudgetOutSchema)
def set_budget(body):
    """Finance sets a budget line's amount: a new version of the line."""
    return expense_budgets.set_budget(current_user(), **body)
