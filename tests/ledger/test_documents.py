"""Orders → shipping notes → outbound → invoices, their postings, posted
rows that never change, and closed periods."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app.extensions import db
from app.ledger import checks
from app.models import (
    Invoice, LedgerEntry, PostedRecordImmutable, Receivable, SalesOrder, SalesOrderLine, ShippingNote, StockMovement,
)
from app.actions import BusinessRuleViolation
from ledger.harness import all_invariants_hold

D = Decimal


def _entries(source_type, source_id):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.source_type == source_type,
                                                        LedgerEntry.source_id == source_id)).all()


def test_order_line_freezes_the_price_and_where_it_came_from(world, act):
    result = act("ledger.create_sales_order", customer="D00002", lines=[{"material": "V10", "qty": "0.5"}], date="2026-11-03")
    line = db.session.scalar(select(SalesOrderLine))
    assert line.unit_price == D("20.005") and line.tax_inclusive and line.tax_rate == D("0.13")
    assert line.price_item.price_list.code == "STD" and line.price_rule.customer_class_id == world.dealer.id
    assert (line.gross, line.net, line.tax) == (D("10.00"), D("8.85"), D("1.15"))  # 0.5 × 20.005 = 10.0025 → 10.00
    assert result["gross"] == "10.00"


def test_shipping_invoicing_post_balanced_entries(world, act, sell):
    order_no, invoice_no = sell("D00001", [("P100", 10), ("V10", "2.5")])
    invoice = db.session.scalar(select(Invoice).where(Invoice.number == invoice_no))
    assert invoice.tax == sum(line.tax for line in invoice.lines)
    entries = _entries("invoice", invoice.id)
    assert sum(e.debit for e in entries) == sum(e.credit for e in entries) == invoice.gross
    revenue = sum(e.credit for e in entries if e.account == "6001")
    assert revenue == invoice.net
    receivable = db.session.scalar(select(Receivable).where(Receivable.invoice_id == invoice.id))
    assert receivable.amount == invoice.gross and receivable.due_date.isoformat() == "2026-12-03"
    note = db.session.scalar(select(ShippingNote))
    cost = _entries("shipping_note", note.id)
    assert note.status == "posted" and sum(e.debit for e in cost) == sum(e.credit for e in cost) == D("608.75")  # 10×60 + 2.5×3.5
    moves = db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound")).all()
    assert {m.batch_no for m in moves} == {"B2610-P100", "B2610-V10"}  # oldest batch first
    assert all_invariants_hold("2026-11")


def test_outbound_takes_the_oldest_batch_and_then_the_next(world, act, sell):
    sell("D00001", [("P200", 1200)], invoice=False)
    moves = db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound").order_by(StockMovement.seq)).all()
    assert [(m.batch_no, -m.qty) for m in moves] == [("B2610-P200", D(1000)), ("B2611-P200", D(200))]


def test_cannot_ship_more_than_ordered_nor_more_than_in_stock(world, act):
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P200", "qty": 1600}], date="2026-11-03")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_shipping_note", order=order["order_no"], lines=[{"line_no": 1, "qty": 1601}])
    assert raised.value.code == "over_delivery"
    note = act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-03")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-03")
    assert raised.value.code == "insufficient_stock"


def test_cannot_invoice_more_than_delivered(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.issue_invoice", order=order_no, lines=[{"line_no": 1, "qty": 11}], date="2026-11-04")
    assert raised.value.code == "over_invoicing"
    act("ledger.issue_invoice", order=order_no, lines=[{"line_no": 1, "qty": 4}], date="2026-11-04")
    act("ledger.issue_invoice", order=order_no, date="2026-11-05")  # the remaining 6
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.issue_invoice", order=order_no, date="2026-11-06")
    assert raised.value.code == "nothing_to_invoice"
    assert all_invariants_hold()


# --- posted rows never change -------------------------------------------------------------------------------------


def test_orm_update_of_a_posted_row_is_refused(world, sell):
    _, invoice_no = sell("D00001", [("P100", 1)])
    invoice = db.session.scalar(select(Invoice).where(Invoice.number == invoice_no))
    invoice.gross = D("1.00")
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_orm_delete_of_a_posted_row_is_refused(world, sell):
    sell("D00001", [("P100", 1)])
    entry = db.session.scalar(select(LedgerEntry).limit(1))
    db.session.delete(entry)
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_commercial_fields_of_an_order_line_are_frozen_but_running_totals_move(world, sell):
    sell("D00001", [("P100", 1)], invoice=False)
    line = db.session.scalar(select(SalesOrderLine))
    line.unit_price = D("1")
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


def test_bulk_update_and_delete_statements_are_refused(world, sell):
    sell("D00001", [("P100", 1)])
    with pytest.raises(PostedRecordImmutable):
        db.session.execute(sa.update(LedgerEntry).values(debit=0))
    with pytest.raises(PostedRecordImmutable):
        db.session.execute(sa.delete(Receivable))


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_entry SET debit = 0",
    "DELETE FROM ledger_entry",
    "UPDATE invoice SET gross = 0",
    "DELETE FROM receivable",
    "UPDATE stock_movement SET qty = 0",
])
def test_the_database_refuses_raw_updates_and_deletes_of_posted_rows(world, sell, statement):
    sell("D00001", [("P100", 1)])
    savepoint = db.session.begin_nested()
    with pytest.raises(sa.exc.DatabaseError, match="immutable"):
        db.session.execute(sa.text(statement))
    savepoint.rollback()
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) > 0


def test_a_draft_shipping_note_may_change_a_posted_one_may_not(world, act):
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 2}], date="2026-11-03")
    number = act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-03")["shipping_note_no"]
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.number == number))
    note.ship_date = note.ship_date.replace(day=4)
    db.session.flush()  # a draft
    act("ledger.post_outbound", shipping_note=number, date="2026-11-04")
    note.ship_date = note.ship_date.replace(day=5)
    with pytest.raises(PostedRecordImmutable):
        db.session.flush()
    db.session.rollback()


# --- periods ------------------------------------------------------------------------------------------------------


def test_nothing_is_posted_into_a_closed_period(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 5)], invoice=False, day="2026-10-30")
    closed = act("ledger.close_period", month="2026-10")
    assert closed["status"] == "closed"
    for operation, params in [
        ("ledger.issue_invoice", {"order": order_no, "date": "2026-10-31"}),
        ("ledger.record_receipt", {"customer": "D00001", "amount": "10", "date": "2026-10-15"}),
        ("ledger.post_return", {"order": order_no, "lines": [{"line_no": 1, "qty": 1}], "date": "2026-10-31"}),
    ]:
        with pytest.raises(BusinessRuleViolation) as raised:
            act(operation, **params)
        assert raised.value.code == "period_closed"
    # the same documents go into the open month
    act("ledger.issue_invoice", order=order_no, date="2026-11-02")
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1}], date="2026-11-02")
    assert all_invariants_hold()


def test_reconcile_reports_a_difference(world, act, sell):
    sell("D00001", [("P100", 1)])
    assert act("ledger.reconcile", month="2026-11")["balanced"] is True
    # a rogue unbalanced entry (as a broken import would write) shows up
    db.session.add(LedgerEntry(source_type="import", source_id=1, account="6001", credit=D("5"), debit=D("0"),
                               posting_date=date(2026, 11, 9)))
    db.session.flush()
    report = act("ledger.reconcile", month="2026-11")
    assert report["ok"] is True and report["balanced"] is False  # the run worked; the books differ
    assert {d["name"] for d in report["differences"]} == {"entries_balance", "revenue_and_receivables"}
    assert not checks.entries_balance("2026-11")["ok"]


def test_an_exchange_is_a_return_plus_a_new_order(world, act, sell):
    """LEDGER.md "Returns": no exchange document — the wrong goods go back on
    a red order that references the original line, the right ones go out on
    a new blue order; each keeps its own price, stock and receivable trail."""
    order_no, invoice_no = sell("D00002", [("P100", 2)])  # 2 × 113.00
    back = act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 2}], date="2026-11-08", reason="换货")
    new_no, new_invoice = sell("D00002", [("V10", "10.5")], day="2026-11-08")
    red = db.session.scalar(select(SalesOrder).where(SalesOrder.number == back["return_order_no"]))
    original = db.session.scalar(select(SalesOrder).where(SalesOrder.number == order_no))
    assert red.kind == "red" and red.lines[0].original_line_id == original.lines[0].id and red.lines[0].qty == -2
    assert original.lines[0].qty_returned == 2 and new_no != order_no and new_invoice != invoice_no
    assert [r["gross"] for r in back["red_invoices"]] == ["-226.00"]
    assert all_invariants_hold()


def test_an_undated_document_takes_the_business_date_not_the_utc_one(world, act, frozen_clock):
    """01:00 on 1 January in Shanghai is still 31 December in UTC: money
    recorded then belongs to January (and its month), as the office sees it."""
    from datetime import datetime, timezone

    from app.models import Receipt

    frozen_clock.now = datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)
    receipt = act("ledger.record_receipt", customer="D00001", amount="100")
    recorded = db.session.scalar(select(Receipt).where(Receipt.number == receipt["receipt_no"]))
    assert str(recorded.receipt_date) == "2027-01-01" and receipt["receipt_no"].startswith("RC202701-")


def test_a_delivery_note_is_priced_on_the_approval_its_caller_records(world, act):
    from dataclasses import replace

    from ledger.harness import new_call

    note = dict(customer="D00001", delivery_note_no="JH-TEST-1", price_approved_in=["Task_PriceApproval"],
                lines=[{"material": "P100", "qty": 2, "unit_price": "100.00"}], date="2026-11-03")
    with pytest.raises(BusinessRuleViolation) as refused:  # outside a flow nobody approved a price
        act("ledger.issue_delivery_note", **note)
    assert refused.value.code == "price_not_approved"
    asked = []
    call = replace(new_call("ledger.issue_delivery_note"),
                   approver_of_record=lambda steps: asked.append(list(steps)) or world.director.id)
    issued = act("ledger.issue_delivery_note", call=call, **note)
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == issued["order_no"]))
    assert asked == [["Task_PriceApproval"]]
    assert [(line.unit_price, line.price_override_by_id) for line in order.lines] == [(D("100.00"), world.director.id)]
