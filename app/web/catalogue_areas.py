"""The areas of the start catalogue (FLOWS.md's sections, as employees
think of them) and which process keys belong where. A process not listed
here appears under "Other"."""
from flask_babel import lazy_gettext

AREAS = [
    ("sales_office", lazy_gettext("Sales office"),
     ("contract_shipment", "mail_order", "return_exchange", "invoice_request", "receipt_writeoff",
      "monthly_reconciliation", "shipment_approval", "borrow_to_sale", "price_adjustment")),
    ("expenses", lazy_gettext("Expenses"), ("promotion_expense", "expense_advance", "expense_claim", "campaign")),
    ("dealers", lazy_gettext("Dealers and customers"), ("dealer_onboarding", "credit_rating", "collection_assessment")),
    ("travel", lazy_gettext("Travel"), ("travel_request", "travel_claim")),
    ("service", lazy_gettext("After-sales and proposals"), ("after_sales", "presales_proposal")),
    ("planning", lazy_gettext("Plans, reports and reviews"), ("sales_plan", "monthly_report", "performance_review")),
]
OTHER = ("other", lazy_gettext("Other"))


def group_by_area(definitions) -> list[tuple[str, str, list]]:
    """``(area code, area title, definitions)`` for the areas that have any."""
    area_of = {key: code for code, _, keys in AREAS for key in keys}
    titles = {code: title for code, title, _ in AREAS} | {OTHER[0]: OTHER[1]}
    groups: dict[str, list] = {}
    for definition in definitions:
        groups.setdefault(area_of.get(definition.key, OTHER[0]), []).append(definition)
    order = [code for code, _, _ in AREAS] + [OTHER[0]]
    return [(code, str(titles[code]), sorted(groups[code], key=lambda d: d.name)) for code in order if code in groups]
