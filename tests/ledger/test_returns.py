"""Returns (退货): limits, before and after invoicing, red documents."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger.balances import outstanding
from app.models import Invoice, Receivable, SalesOrder, SalesOrderLine, StockMovement
from app.actions import BusinessRuleViolation
from tests.support.ledger_harness import all_invariants_hold

D = Decimal


def _line(order_no, line_no=1):
    return db.session.scalar(select(SalesOrderLine).join(SalesOrder).where(SalesOrder.number == order_no,
                                                                           SalesOrderLine.line_no == line_no))


def test_returned_qty_may_not_exceed_delivered_minus_already_returned(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 6}], date="2026-11-05")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 5}], date="2026-11-05")
    assert raised.value.code == "return_exceeds_delivered"
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 4}], date="2026-11-05")
    assert _line(order_no).qty_returned == D(10)


def test_undelivered_goods_cannot_be_returned(world, act):
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 3}], date="2026-11-03")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.post_return", order=order["order_no"], lines=[{"line_no": 1, "qty": 1}], date="2026-11-05")
    assert raised.value.code == "return_exceeds_delivered"


def test_return_price_may_not_exceed_the_original(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)])
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1, "unit_price": "95.51"}], date="2026-11-05")
    assert raised.value.code == "return_price_too_high"
    result = act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1, "unit_price": "90"}], date="2026-11-05")
    assert result["net"] == "-90.00" and result["tax"] == "-11.70"  # exclusive KEY price, the original's 13%


def test_before_invoicing_a_return_only_reduces_what_is_delivered(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    result = act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 4}], date="2026-11-05")
    assert result["red_invoices"] == []
    invoice = act("ledger.issue_invoice", order=order_no, date="2026-11-06")
    assert invoice["net"] == "573.00"  # 6 × 95.50 — only what was kept
    assert all_invariants_hold()


def test_after_invoicing_a_red_invoice_and_red_receivable_offset_the_original(world, act, sell):
    order_no, invoice_no = sell("D00001", [("P100", 10)])
    result = act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 3}], date="2026-11-05")
    [red_no] = [r["invoice_no"] for r in result["red_invoices"]]
    red = db.session.scalar(select(Invoice).where(Invoice.number == red_no))
    blue = db.session.scalar(select(Invoice).where(Invoice.number == invoice_no))
    assert red.kind == "red" and red.original_invoice_id == blue.id
    assert red.lines[0].tax_rate == blue.lines[0].tax_rate and red.lines[0].original_line_id == blue.lines[0].id
    assert (red.net, red.tax, red.gross) == (D("-286.50"), D("-37.25"), D("-323.75"))
    blue_receivable = db.session.scalar(select(Receivable).where(Receivable.invoice_id == blue.id))
    assert outstanding(blue_receivable) == blue.gross + red.gross
    assert result["customer_credit"] == "0.00"
    line = _line(order_no)
    assert (line.qty_delivered, line.qty_returned, line.qty_invoiced) == (D(10), D(3), D(7))
    assert all_invariants_hold()


def test_return_of_a_paid_invoice_becomes_customer_credit(world, act, sell):
    order_no, invoice_no = sell("D00002", [("P100", 2)])  # 226.00
    receipt = act("ledger.record_receipt", customer="D00002", amount="226", date="2026-11-06")
    act("ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-06")
    result = act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1}], date="2026-11-07")
    assert result["customer_credit"] == "113.00"
    # the credit offsets the customer's next invoice
    _, later = sell("D00002", [("P100", 1)], day="2026-11-08")
    act("ledger.allocate_receipt", customer="D00002", date="2026-11-08")
    later_receivable = db.session.scalar(select(Receivable).join(Invoice).where(Invoice.number == later))
    assert outstanding(later_receivable) == D("0.00")
    assert all_invariants_hold()


def test_a_partly_invoiced_line_returns_the_uninvoiced_part_first(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    act("ledger.issue_invoice", order=order_no, lines=[{"line_no": 1, "qty": 6}], date="2026-11-04")
    result = act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 5}], date="2026-11-05")
    assert [r["gross"] for r in result["red_invoices"]] == ["-107.92"]  # 1 × 95.50 net + 12.42 tax: only 1 was invoiced
    line = _line(order_no)
    assert (line.qty_returned, line.qty_invoiced) == (D(5), D(5))
    assert all_invariants_hold()


def test_stock_comes_back_to_its_batch_at_the_original_cost(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 1200)], invoice=False)
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 250}], date="2026-11-05")
    back = db.session.scalars(select(StockMovement).where(StockMovement.kind == "red_outbound").order_by(StockMovement.seq)).all()
    assert [(m.batch_no, m.qty, m.unit_cost) for m in back] == [("B2611-P100", D(200), D(60)), ("B2610-P100", D(50), D(60))]


def test_check_return_prices_the_request_and_posts_nothing(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)])
    result = act("ledger.check_return", order=order_no, customer="D00001", lines=[{"line_no": 1, "qty": 3}])
    assert (result["net"], result["tax"], result["gross"]) == ("286.50", "37.25", "323.75")  # the red invoice's amounts, positive
    assert result["lines"] == [{"line_no": 1, "material": "P100", "qty": "3", "unit_price": "95.50000000", "gross": "323.75"}]
    assert db.session.scalar(select(SalesOrder).where(SalesOrder.kind == "red")) is None
    assert _line(order_no).qty_returned == D(0)


@pytest.mark.parametrize("lines, code", [
    ([{"line_no": 1, "qty": 11}], "return_exceeds_delivered"),
    ([{"line_no": 1, "qty": 6}, {"line_no": 1, "qty": 5}], "return_exceeds_delivered"),  # the same line twice adds up
    ([{"line_no": 1, "qty": 1, "unit_price": "95.51"}], "return_price_too_high"),
    ([{"line_no": 2, "qty": 1}], "unknown_line"),
    ([], "empty_return"),
])
def test_check_return_refuses_what_post_return_would(world, act, sell, lines, code):
    order_no, _ = sell("D00001", [("P100", 10)])
    for operation in ("ledger.check_return", "ledger.post_return"):
        with pytest.raises(BusinessRuleViolation) as raised:
            act(operation, order=order_no, lines=lines)
        assert raised.value.code == code, operation


def test_check_return_refuses_another_customers_order(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)])
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.check_return", order=order_no, customer="C00001", lines=[{"line_no": 1, "qty": 1}])
    assert raised.value.code == "wrong_customer"


def approved_by(user):
    """A call whose request's exchange ``user`` approved."""
    from app.actions import ActionCall

    return ActionCall(900, f"replace-{user.id}", "Task_CreateReplacement", "ledger.create_replacement", None,
                      approver_of_record=lambda _steps: user.id)


def test_replacement_is_a_new_order_with_its_shipping_note(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)])
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 2}], date="2026-11-05")
    result = act("ledger.create_replacement", order=order_no, lines=[{"line_no": 1, "qty": 2}], date="2026-11-05",
                 call=approved_by(world.gm))
    replacement = db.session.scalar(select(SalesOrder).where(SalesOrder.number == result["order_no"]))
    assert replacement.kind == "blue" and replacement.status == "approved" and result["gross"] == "215.83"
    assert [(line.material.code, line.qty) for line in replacement.lines] == [("P100", D(2))]
    shipped = act("ledger.post_outbound", shipping_note=result["shipping_note_no"], date="2026-11-05")
    assert [m["qty"] for m in shipped["movements"]] == ["2"]
    assert all_invariants_hold()


def test_replacement_over_the_credit_limit_is_refused_and_leaves_nothing(world, act, sell):
    order_no, _ = sell("D00002", [("P100", 8)], invoice=False)  # 904.00 of a 1000.00 limit
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_replacement", order=order_no, lines=[{"line_no": 1, "qty": 1}], date="2026-11-05",
            call=approved_by(world.gm))
    assert raised.value.code == "credit_hold"


def test_replacement_keeps_the_original_price_whatever_the_price_list_says_now(world, act, sell):
    from datetime import date

    from app.ledger import pricing
    from app.models import PriceItem

    order_no, _ = sell("D00002", [("P100", 2)], invoice=False)  # 113.00 each, tax included
    [item] = db.session.scalars(select(PriceItem).where(PriceItem.material_id == world.p100.id, PriceItem.unit_price == D("113"),
                                                        PriceItem.price_list_id == world.standard.id))
    pricing.apply_price_adjustment(item, "150.00", date(2026, 11, 4))
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1}], date="2026-11-05")
    result = act("ledger.create_replacement", order=order_no, lines=[{"line_no": 1, "qty": 1}], date="2026-11-05",
                 call=approved_by(world.director))
    [line] = db.session.scalar(select(SalesOrder).where(SalesOrder.number == result["order_no"])).lines
    assert (line.unit_price, line.tax_inclusive, result["gross"]) == (D("113.00000000"), True, "113.00")
    assert line.price_override_by_id == world.director.id and line.price_item_id is None  # the exchange's approver stands behind it
    assert all_invariants_hold()


def test_a_replacement_nobody_approved_is_refused(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)])
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_replacement", order=order_no, lines=[{"line_no": 1, "qty": 2}], date="2026-11-05")
    assert raised.value.code == "price_not_approved"
    assert db.session.scalar(select(SalesOrder).where(SalesOrder.number != order_no)) is None
