"""Each invariant check of LEDGER.md catches the breach it is about. Rows
are written around the ledger's functions, as a broken import or a bug
would write them; the other tests prove the functions never do."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.ledger import checks
from app.models import Allocation, Invoice, LedgerEntry, PriceItem, Receipt, Receivable, SalesOrderLine, StockMovement

D = Decimal


def _failing():
    return {r["name"] for r in checks.run_all() if not r["ok"]}


def _receivable():
    return db.session.scalar(select(Receivable).join(Invoice).where(Invoice.kind == "blue"))


def _rogue_allocation(receipt_no, amount):
    receipt = db.session.scalar(select(Receipt).where(Receipt.number == receipt_no))
    receivable = _receivable()
    db.session.add(Allocation(customer_id=receipt.customer_id, receivable_id=receivable.id, receipt_id=receipt.id,
                              amount=D(amount), allocation_date=date(2026, 11, 10), source_key="rogue", seq=1))
    db.session.flush()


def test_invariant_2_an_allocation_beyond_the_invoice(world, act, sell):
    sell("D00002", [("P100", 1)])  # 113.00
    receipt = act("ledger.record_receipt", customer="D00002", amount="500", date="2026-11-10")
    assert _failing() == set()
    _rogue_allocation(receipt["receipt_no"], "200")
    assert "invoice_outstanding" in _failing()


def test_invariant_3_allocations_beyond_the_receipt(world, act, sell):
    sell("D00001", [("P200", 1)])  # 1130.00
    receipt = act("ledger.record_receipt", customer="D00001", amount="100", date="2026-11-10")
    _rogue_allocation(receipt["receipt_no"], "150")
    assert "receipt_allocations" in _failing()


def test_invariant_4_a_customer_ledger_balance_no_document_explains(world, act, sell):
    sell("D00001", [("P100", 1)])
    customer_id = world.c1.id
    for account, debit, credit in (("1002", D("50"), D("0")), ("2203", D("0"), D("50"))):
        db.session.add(LedgerEntry(source_type="import", source_id=1, account=account, customer_id=customer_id,
                                   debit=debit, credit=credit, posting_date=date(2026, 11, 9)))
    db.session.flush()
    assert _failing() == {"customer_balances"}


def test_invariant_5_a_running_total_its_documents_do_not_explain(world, act, sell):
    sell("D00001", [("P100", 2)], invoice=False)
    line = db.session.scalar(select(SalesOrderLine))
    line.qty_delivered = line.qty_delivered - 1  # a running total may move; this move has no movement behind it
    db.session.flush()
    assert _failing() == {"order_line_quantities"}


def test_invariant_6_an_outbound_movement_without_its_shipment(world, act, sell):
    sell("D00001", [("P100", 2)], invoice=False)
    db.session.add(StockMovement(kind="outbound", material_id=world.p100.id, qty=D("-1"), unit_cost=D("60"),
                                 batch_no="B2610-P100", movement_date=date(2026, 11, 3), source_key="rogue", seq=1))
    db.session.flush()
    assert "shipments_match_stock" in _failing()


def test_invariant_7_revenue_the_invoices_do_not_explain(world, act, sell):
    sell("D00001", [("P100", 1)])
    for account, debit, credit in (("1002", D("5"), D("0")), ("6001", D("0"), D("5"))):
        db.session.add(LedgerEntry(source_type="import", source_id=2, account=account, debit=debit, credit=credit,
                                   posting_date=date(2026, 11, 9)))
    db.session.flush()
    assert _failing() == {"revenue_and_receivables"}


def test_invariant_9_an_order_line_whose_price_item_was_closed_behind_it(world, act, sell):
    sell("D00002", [("V10", 1)], invoice=False, day="2026-11-20")
    line = db.session.scalar(select(SalesOrderLine))
    item = db.session.get(PriceItem, line.price_item_id)
    item.valid_to = date(2026, 11, 15)  # what an unchecked edit of the price list would do
    db.session.flush()
    assert _failing() == {"order_line_prices"}


def test_invariant_10_stock_in_a_warehouse_nobody_named(world, act, sell):
    sell("D00001", [("P100", 1)])
    assert _failing() == set()
    db.session.add(StockMovement(kind="opening", material_id=world.p100.id, qty=D("1"), unit_cost=D("60"),
                                 batch_no="B-ROGUE", movement_date=date(2026, 11, 10), location="warehouse",
                                 warehouse_id=None, source_key="rogue-place", seq=1))
    db.session.flush()
    assert "stock_places" in _failing()


def test_invariant_10_more_taken_from_a_warehouse_batch_than_it_held(world, act, sell):
    from app.ledger.stock_places import main_warehouse
    db.session.add(StockMovement(kind="outbound", material_id=world.p100.id, qty=D("-5"), unit_cost=D("60"),
                                 batch_no="B-NEVER-RECEIVED", movement_date=date(2026, 11, 10), location="warehouse",
                                 warehouse_id=main_warehouse().id, source_key="rogue-negative", seq=1))
    db.session.flush()
    assert "stock_places" in _failing()


def test_invariant_10_an_unknown_location_kind(world, act, sell):
    from app.ledger.stock_places import main_warehouse
    db.session.add(StockMovement(kind="opening", material_id=world.p100.id, qty=D("1"), unit_cost=D("60"),
                                 batch_no="B-ELSEWHERE", movement_date=date(2026, 11, 10), location="on_the_moon",
                                 warehouse_id=main_warehouse().id, source_key="rogue-kind", seq=1))
    db.session.flush()
    assert "stock_places" in _failing()
