"""/ledger/statements: the inventory system's outbound details and the
finance system's receivables, imported for the monthly reconciliation (F06).
The format is described in app/ledger/statement_import.py and in the
monthly_reconciliation diagram."""
from marshmallow import Schema, fields, validate

from app.api import current_user
from app.api.ledger import MONTH
from app.api.parsing import ApiBlueprint, Text
from app.models.external_statement import STATEMENT_KINDS
from app.services import statement_imports

blp = ApiBlueprint("statements", __name__, description="Statements the monthly reconciliation compares with")


class StatementFormSchema(Schema):
    kind = Text(required=True, validate=validate.OneOf(STATEMENT_KINDS),
                metadata={"description": "inventory_outbound (库存系统出库明细) or finance_receivables (财务系统应收帐款明细)"})
    month = Text(required=True, validate=validate.Regexp(MONTH, error="Use YYYY-MM."))


class StatementFileSchema(Schema):
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class StatementOutSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    month = fields.String(required=True)
    file_name = fields.String(required=True)
    sha256 = fields.String(required=True)
    rows = fields.Integer(required=True)
    imported_by = fields.String(required=True)


@blp.post("/ledger/statements")
@blp.arguments(StatementFormSchema, location="form")
@blp.arguments(StatementFileSchema, location="files")
@blp.response(201, StatementOutSchema)
def import_statement(form, files):
    """Import a CSV statement for a month (sales_admin, finance). The month is
    then reconciled against the latest import of each kind. A file that does
    not read is refused whole: 422 with the line and column of each problem."""
    upload = files["file"]
    return statement_imports.import_statement(current_user(), form["kind"], form["month"], upload.filename or "statement.csv",
                                              upload.stream.read(statement_imports.MAX_UPLOAD + 1))
