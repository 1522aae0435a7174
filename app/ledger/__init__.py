"""The sales ledger: master data, documents and postings (LEDGER.md).
Importing the package registers its service-task actions."""
from app.ledger import customers  # noqa: F401
