"""Importing the inventory and finance systems' statements for the monthly
reconciliation (F06): one use case per file, by the sales office or finance."""
from app.actions import BusinessRuleViolation
from app.audit.chain import lock_chain, record_chain_event
from app.errors import ValidationFailed
from app.ledger import statement_import
from app.models import User
from app.services.ledger_commands import LEDGER_CHAIN
from app.services.permissions import require_role
from app.services.unit_of_work import use_case

MAX_UPLOAD = statement_import.MAX_BYTES
IMPORT_ROLES = ("sales_admin", "finance")  # the sales office reconciles; finance keeps the receivables


@use_case
def import_statement(actor: User, kind: str, month: str, file_name: str, data: bytes) -> dict:
    """Store a statement file as the latest of its kind for ``month`` and
    record the import in the ledger chain. Raises Forbidden for other roles
    and ValidationFailed (422) naming the field: ``kind``, ``month``
    (invalid or closed) or ``file`` (with every problem's line and column
    in ``details.problems``). Returns the import's summary."""
    require_role(actor, IMPORT_ROLES, "import reconciliation statements")
    lock_chain(LEDGER_CHAIN)
    try:
        statement = statement_import.import_statement(kind, month, file_name, data, actor.id)
    except BusinessRuleViolation as violation:
        raise ValidationFailed(violation.message, code=violation.code,
                               details={"fields": {violation.field or "file": [violation.message]}, **violation.details}) from None
    result = {"id": statement.id, "kind": statement.kind, "month": statement.month, "file_name": statement.file_name,
              "sha256": statement.sha256, "rows": statement.line_count, "imported_by": actor.username}
    record_chain_event(LEDGER_CHAIN, "ledger_write", actor=actor.username, task_id=None,
                       data={"operation": "ledger.import_statement", "params": {"kind": kind, "month": month},
                             "result": result, "idempotency_key": None})
    return result
