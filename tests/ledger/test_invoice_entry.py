"""Invoices issued from picked lines (F04): what the ledger refuses, and
revenue, receivable and credit exposure before and after the entry into
the books (发票录入 → 形成销售收入)."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import BusinessRuleViolation, run_action
from app.extensions import db
from app.ledger.balances import exposure
from app.models import Customer, LedgerEntry, Receivable
from app.services.ledger_queries import customer_statement, document_for_reader
from tests.support.ledger_harness import all_invariants_hold, new_call

ISSUE = {"invoice_type": "special_vat", "tax_invoice_number": "No.04418832", "date": "2026-11-05"}


def _issue(act, customer, *refs, **extra):
    return act("ledger.invoice_shipped_lines", customer=customer, lines=[{"order_line": r} for r in refs],
               **{**ISSUE, **extra})


def _revenue():
    return db.session.scalar(select(func.sum(LedgerEntry.credit - LedgerEntry.debit)).where(LedgerEntry.account == "6001")) or 0


@pytest.mark.parametrize("change, code, field", [
    ({"invoice_type": "receipt"}, "unknown_invoice_type", "invoice_type"),
    ({"tax_invoice_number": "0441883"}, "invalid_tax_invoice_number", "tax_invoice_number"),
    ({"invoice_type": "digital_ordinary_vat"}, "invalid_tax_invoice_number", "tax_invoice_number"),
])
def test_the_kind_and_the_printed_number_are_checked(world, act, sell, change, code, field):
    order_no, _ = sell("D00001", [("P100", 2)], invoice=False)
    with pytest.raises(BusinessRuleViolation) as caught:
        _issue(act, "D00001", f"{order_no}/1", **change)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_lines_of_another_customer_twice_or_of_other_salespeople_are_refused(world, act, sell):
    mine, _ = sell("D00001", [("P100", 2)], invoice=False)
    theirs, _ = sell("C00001", [("P100", 1)], invoice=False)
    for refs, code, field in (([f"{theirs}/1"], "wrong_customer", "lines.0.order_line"),
                              ([f"{mine}/1", f"{mine}/1"], "duplicate_line", "lines.1.order_line"),
                              ([f"{mine}/9"], "unknown_line", "lines.0.order_line"),
                              ([], "no_lines", "lines")):
        with pytest.raises(BusinessRuleViolation) as caught:
            _issue(act, "D00001", *refs)
        assert (caught.value.code, caught.value.field) == (code, field), refs


def test_issued_is_not_recognised_until_entered_and_exposure_counts_it_throughout(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 2)], invoice=False)
    customer = db.session.scalar(select(Customer).where(Customer.code == "D00001"))
    before = exposure(customer.id)
    issued = _issue(act, "D00001", f"{order_no}/1")
    assert _revenue() == 0 and db.session.scalar(select(func.count()).select_from(Receivable)) == 0
    assert exposure(customer.id) == before and all_invariants_hold()
    statement = customer_statement("D00001")
    [row] = [d for d in statement["documents"] if d["kind"] == "invoice"]
    assert row["awaiting_entry"] and (row["invoice_type"], row["tax_invoice_number"]) == ("special_vat", "04418832")
    assert document_for_reader("invoice", issued["invoice_no"])["facts"]["tax_invoice_number"] == "04418832"

    entered = run_action(new_call("ledger.recognize_revenue", instance_id=0), {"invoice": issued["invoice_no"], "date": "2026-11-20"})
    again = run_action(new_call("ledger.recognize_revenue", instance_id=0), {"invoice": issued["invoice_no"]})
    assert entered["recognized_on"] == again["recognized_on"] == "2026-11-20"
    assert _revenue() == Decimal(issued["net"]) and exposure(customer.id) == before
    receivable = db.session.scalar(select(Receivable))
    assert str(receivable.posting_date) == "2026-11-20" and receivable.amount == Decimal(issued["gross"])
    [row] = [d for d in customer_statement("D00001")["documents"] if d["kind"] == "invoice"]
    assert "awaiting_entry" not in row and row["tax_invoice_number"] == "04418832"
    assert all_invariants_hold()


def test_an_invoice_with_entries_but_not_entered_breaks_the_invariant(world, act, sell):
    from app.ledger import checks, journal
    from app.models import Invoice

    order_no, _ = sell("D00001", [("P100", 1)], invoice=False)
    issued = _issue(act, "D00001", f"{order_no}/1")
    invoice = db.session.scalar(select(Invoice).where(Invoice.number == issued["invoice_no"]))
    journal.post("invoice", invoice.id, invoice.invoice_date, [journal.Line("1122", "D", invoice.gross),
                                                               journal.Line("6001", "C", invoice.gross)])
    assert not checks.invoices_match_ledger()["ok"]
