"""A flow's ledger action touches only its own request's documents: every
action that acts on an existing document, called by another instance with
that document's number (a number planted in its data), is refused with
``not_this_request`` and changes nothing; the instance that made the
document, and calls from outside the flows (instance 0: the ledger API),
still act on it."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (Allocation, CreditOverride, Invoice, ReceiptReversal, RevenueRecognition, SalesOrder,
                        SalesOrderCancellation, ShippingNote, StockMovement)
from app.actions import BusinessRuleViolation, run_action
from tests.support.ledger_harness import all_invariants_hold, new_call

MAKER, OTHER = 901, 902


@pytest.fixture
def documents(world):
    """Documents instance MAKER made: an approved order with a draft note, a
    held order, a shipped and invoiced order with its posted note, a receipt."""

    def make(operation, **params):
        return run_action(new_call(operation, instance_id=MAKER), params)

    approved = make("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 4}], date="2026-11-03")
    draft = make("ledger.create_shipping_note", order=approved["order_no"], lines=[{"line_no": 1, "qty": 1}], date="2026-11-03")
    held = make("ledger.create_sales_order", customer="D00002", lines=[{"material": "P200", "qty": 2}], date="2026-11-03")
    assert held["held"] is True
    shipped = make("ledger.create_sales_order", customer="C00001", lines=[{"material": "P100", "qty": 2}], date="2026-11-03")
    posted = make("ledger.create_shipping_note", order=shipped["order_no"], date="2026-11-04")
    make("ledger.post_outbound", shipping_note=posted["shipping_note_no"], date="2026-11-04")
    invoice = make("ledger.issue_invoice", order=shipped["order_no"], lines=[{"line_no": 1, "qty": 1}], date="2026-11-05")
    receipt = make("ledger.record_receipt", customer="C00001", amount="100", date="2026-11-06")
    return {"approved": approved["order_no"], "draft": draft["shipping_note_no"], "held": held["order_no"],
            "shipped": shipped["order_no"], "posted": posted["shipping_note_no"], "invoice": invoice["invoice_no"],
            "receipt": receipt["receipt_no"]}


# operation → its parameters, naming documents of MAKER by their key in ``documents``
ACTING_ON_A_DOCUMENT = [
    ("ledger.cancel_sales_order", {"order": "approved", "reason": "客户取消"}),
    ("ledger.cancel_unshipped_order", {"order": "approved"}),
    ("ledger.release_prepaid_order", {"order": "held"}),
    ("ledger.release_credit_hold", {"order": "held", "approver": "director_test"}),
    ("ledger.create_shipping_note", {"order": "approved"}),
    ("ledger.post_outbound", {"shipping_note": "draft"}),
    ("ledger.register_shipment", {"shipping_note": "posted", "tracking_number": "SF0001"}),
    ("ledger.check_traceability", {"shipping_note": "posted", "batches": []}),
    ("ledger.issue_invoice", {"order": "shipped"}),
    ("ledger.recognize_revenue", {"invoice": "invoice"}),
    ("ledger.allocate_receipt", {"receipt": "receipt"}),
    ("ledger.allocate_receipt", {"customer": "C00001", "invoices": ["invoice"]}),
    ("ledger.reverse_receipt", {"receipt": "receipt", "reason": "录错"}),
    ("ledger.check_return", {"order": "shipped", "lines": [{"line_no": 1, "qty": 1}]}),
    ("ledger.post_return", {"order": "shipped", "lines": [{"line_no": 1, "qty": 1}], "date": "2026-11-07"}),
    ("ledger.create_replacement", {"order": "shipped", "lines": [{"line_no": 1, "qty": 1}], "date": "2026-11-07"}),
]


def _params(template, documents):
    def resolve(value):
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return documents.get(value, value) if isinstance(value, str) else value

    return {name: resolve(value) for name, value in template.items()}


def _footprint():
    """What any of these actions would write."""
    counted = (SalesOrder, SalesOrderCancellation, ShippingNote, StockMovement, Invoice, Allocation, CreditOverride,
               RevenueRecognition, ReceiptReversal)
    statuses = sorted(db.session.execute(select(SalesOrder.number, SalesOrder.status)).all())
    notes = sorted(db.session.execute(select(ShippingNote.number, ShippingNote.status, ShippingNote.registered_at)).all())
    return [db.session.scalar(select(func.count()).select_from(model)) for model in counted], statuses, notes


@pytest.mark.parametrize("operation,template", ACTING_ON_A_DOCUMENT,
                         ids=[f"{op.split('.')[1]}-{'-'.join(t)}" for op, t in ACTING_ON_A_DOCUMENT])
def test_another_instance_is_refused_and_nothing_changes(documents, operation, template):
    before = _footprint()
    with pytest.raises(BusinessRuleViolation) as raised:
        run_action(new_call(operation, instance_id=OTHER), _params(template, documents))
    assert raised.value.code == "not_this_request"
    assert raised.value.details["document"] in documents.values()
    db.session.expire_all()
    assert _footprint() == before
    assert all_invariants_hold()


@pytest.mark.parametrize("operation,template", [
    ("ledger.release_credit_hold", {"order": "held", "approver": "director_test"}),
    ("ledger.cancel_unshipped_order", {"order": "approved"}),
    ("ledger.register_shipment", {"shipping_note": "posted", "tracking_number": "SF0001"}),
    ("ledger.recognize_revenue", {"invoice": "invoice"}),
    ("ledger.post_return", {"order": "shipped", "lines": [{"line_no": 1, "qty": 1}], "date": "2026-11-07"}),
])
def test_the_instance_that_made_the_document_acts_on_it(documents, operation, template):
    assert run_action(new_call(operation, instance_id=MAKER), _params(template, documents))["ok"] is True
    assert all_invariants_hold()


def test_calls_from_outside_the_flows_are_not_bound_to_an_instance(documents):
    """The ledger API (instance 0) is guarded by the caller's role instead."""
    result = run_action(new_call("ledger.cancel_unshipped_order", instance_id=0), {"order": documents["approved"]})
    assert result["status"] == "cancelled" and result["voided_notes"] == [documents["draft"]]


def test_a_refusal_reaches_the_diagram_as_a_result(documents):
    """The engine turns the refusal into {"ok": False, "error": {...}} like any broken rule."""
    violation = pytest.raises(BusinessRuleViolation, run_action, new_call("ledger.cancel_unshipped_order", instance_id=OTHER),
                              {"order": documents["approved"]}).value
    assert violation.as_result() == {"ok": False, "error": {
        "code": "not_this_request", "message": f"The order {documents['approved']} does not belong to this request.",
        "document": documents["approved"]}}
