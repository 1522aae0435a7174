"""The sales ledger: master data, documents and postings (LEDGER.md).
Importing the package registers its service-task actions."""
from app.ledger import (  # noqa: F401  (each registers its actions)
    collections, credit, customers, invoicing, orders, periods, pricing, returns, shipping,
)
