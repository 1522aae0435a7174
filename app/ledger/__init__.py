"""The sales ledger: master data, documents and postings (LEDGER.md).
Importing the package registers its service-task actions."""
from app.ledger import (  # noqa: F401  (each registers its actions)
    adjustments, assessment, collections, contracts, credit, customers, expenses, invoicing, orders, periods, pricing,
    performance, reports, returns, shipping, travel,
)
