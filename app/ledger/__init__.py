"""The sales ledger: master data, documents and postings (LEDGER.md).
Importing the package registers its service-task actions."""
from app.ledger import (  # noqa: F401  (each registers its actions)
    adjustments, assessment, collections, contracts, credit, customers, dealer_terms, delivery_notes, expenses, invoicing, orders, periods, pricing,
    performance, receipt_lists, reports, returns, shipping, signed_receipts, travel, uninvoiced,
)
from app.ledger import credit_profile, customer_onboarding, payment_notice, price_impact, return_documents, walk_in  # noqa: F401
from app.ledger import expense_requests  # noqa: F401
from app.ledger import monthly_plan, plan_achievement, plan_additions, plan_inputs, sales_plan, service_cases  # noqa: F401
from app.ledger import campaign_results, campaigns  # noqa: F401
from app.ledger import presales  # noqa: F401
from app.ledger import cross_org_sale, internal_settlement_actions  # noqa: F401
from app.ledger import loan_outcomes, stock_loans  # noqa: F401
