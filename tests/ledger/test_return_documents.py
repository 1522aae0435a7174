"""F03's return document: quality's inspection, the authorised return with
the customer's price agreement, its receipt with the quantities that
arrived, and quarantined stock that FIFO never allocates."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger.shipping import batch_stock
from app.models import ReturnInspection, ReturnReceipt, SalesOrder, SalesOrderLine, SalesReturn, StockMovement
from tests.support.ledger_harness import all_invariants_hold

D = Decimal
QUALIFIED = {"inspection_result": "qualified", "defect_cause": "客户订错型号", "responsibility": "customer", "disposition": "restock"}
DEFECTIVE = {"inspection_result": "defective", "defect_cause": "叶轮裂纹", "responsibility": "production", "disposition": "quarantine"}
AGREED = {"price_agreed_via": "phone", "price_agreed_on": "2026-11-04"}


@pytest.fixture
def authorised(act, sell):
    """``authorised(findings, qty=3)``: 10 × P100 sold to D00001 and shipped
    (not invoiced), inspected, and a return of ``qty`` authorised."""

    def make(findings, qty=3, kind="return", **extra):
        order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
        act("ledger.record_inspection", order=order_no, date="2026-11-04", **findings)
        return order_no, act("ledger.register_return", order=order_no, kind=kind, lines=[{"line_no": 1, "qty": qty}],
                             date="2026-11-05", **{**AGREED, **extra})

    return make


def _on_hand(material, status):
    return db.session.scalar(select(func.coalesce(func.sum(StockMovement.qty), 0)).where(
        StockMovement.material_id == material.id, StockMovement.stock_status == status))


def test_defective_goods_cannot_be_restocked(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.record_inspection", order=order_no, **{**DEFECTIVE, "disposition": "restock"})
    assert (raised.value.code, raised.value.field) == ("defective_goods_restocked", "disposition")
    assert db.session.scalar(select(func.count()).select_from(ReturnInspection)) == 0


@pytest.mark.parametrize("change, field", [
    ({"inspection_result": "so-so"}, "inspection_result"), ({"defect_cause": "  "}, "defect_cause"),
    ({"responsibility": "nobody"}, "responsibility"), ({"disposition": "sell_cheap"}, "disposition"),
])
def test_the_inspection_records_result_cause_responsibility_and_disposition(world, act, sell, change, field):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.record_inspection", order=order_no, **{**DEFECTIVE, **change})
    assert raised.value.field == field


def test_an_authorised_return_keeps_the_agreement_and_moves_no_stock(world, act, authorised):
    order_no, result = authorised(QUALIFIED)
    document = db.session.scalar(select(SalesReturn).where(SalesReturn.number == result["return_no"]))
    assert (document.disposition, document.price_agreed_via, str(document.price_agreed_on)) == ("restock", "phone", "2026-11-04")
    assert (document.inspection.result, document.inspection.cause, document.inspection.responsibility) == \
        ("qualified", "客户订错型号", "customer")
    assert [(line.qty, line.unit_price) for line in document.lines] == [(D(3), D("95.50000000"))]
    assert _on_hand(world.p100, "saleable") == 1500 - 10  # nothing comes back before the warehouse has it
    assert db.session.scalar(select(func.count()).select_from(SalesOrder).where(SalesOrder.kind == "red")) == 0
    assert all_invariants_hold()


@pytest.mark.parametrize("change, code, field", [
    ({"price_agreed_via": None}, "price_not_agreed", "price_agreed_via"),
    ({"price_agreed_on": None}, "missing_date", "price_agreed_on"),
    ({"kind": "gift"}, "invalid_kind", "kind"),
])
def test_no_return_without_the_customers_agreement_to_the_price(world, act, sell, change, code, field):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    act("ledger.record_inspection", order=order_no, **QUALIFIED)
    params = {"order": order_no, "kind": "return", "lines": [{"line_no": 1, "qty": 1}], **AGREED, **change}
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.register_return", **params)
    assert (raised.value.code, raised.value.field) == (code, field)


def test_no_return_before_quality_inspected(world, act, sell):
    order_no, _ = sell("D00001", [("P100", 10)], invoice=False)
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.register_return", order=order_no, kind="return", lines=[{"line_no": 1, "qty": 1}], **AGREED)
    assert raised.value.code == "not_inspected"


def test_stock_comes_back_with_the_quantity_received(world, act, authorised):
    order_no, result = authorised(QUALIFIED, qty=3)
    before = _on_hand(world.p100, "saleable")
    received = act("ledger.receive_return", sales_return=result["return_no"], received_lines=[{"line_no": 1, "qty": 2}],
                   date="2026-11-07", condition_note="到货两台，一台未寄回")
    assert received["received_lines"] == [{"line_no": 1, "material": "P100", "qty": "2"}] and received["stock_status"] == "saleable"
    assert _on_hand(world.p100, "saleable") == before + 2
    original = db.session.scalar(select(SalesOrderLine).join(SalesOrder).where(SalesOrder.number == order_no))
    assert original.qty_returned == D(2)
    [receipt] = db.session.scalars(select(ReturnReceipt))
    assert (str(receipt.received_on), receipt.red_order.number, receipt.red_order.gross) == \
        ("2026-11-07", received["return_order_no"], D("-215.83"))
    assert all_invariants_hold()


@pytest.mark.parametrize("lines, code", [
    ([{"line_no": 1, "qty": 4}], "over_received"),
    ([{"line_no": 1, "qty": 0}], "nothing_received"),
    ([{"line_no": 2, "qty": 1}], "unknown_line"),
])
def test_the_warehouse_receives_no_more_than_was_authorised(world, act, authorised, lines, code):
    _, result = authorised(QUALIFIED, qty=3)
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.receive_return", sales_return=result["return_no"], received_lines=lines)
    assert (raised.value.code, raised.value.field) == (code, "received_lines")


def test_a_return_is_received_once(world, act, authorised):
    _, result = authorised(QUALIFIED, qty=3)
    act("ledger.receive_return", sales_return=result["return_no"], received_lines=[{"line_no": 1, "qty": 1}])
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.receive_return", sales_return=result["return_no"], received_lines=[{"line_no": 1, "qty": 2}])
    assert raised.value.code == "already_received"


def test_defective_goods_go_to_quarantine_and_are_never_allocated(world, act, authorised, sell):
    _, result = authorised(DEFECTIVE, qty=3)
    act("ledger.receive_return", sales_return=result["return_no"], received_lines=[{"line_no": 1, "qty": 3}])
    assert _on_hand(world.p100, "quarantine") == 3
    assert sum(qty for _, qty in batch_stock(world.p100.id)) == 1500 - 10  # the saleable batches do not count them
    # the warehouse sells all its saleable stock; only the quarantined goods are left, and no order gets them
    sell("D00001", [("P100", 1490)], invoice=False)
    assert batch_stock(world.p100.id) == []
    order = act("ledger.create_sales_order", customer="D00001", date="2026-11-08", lines=[{"material": "P100", "qty": 1}])
    note = act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-08")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-08")
    assert raised.value.code == "insufficient_stock"
    assert _on_hand(world.p100, "quarantine") == 3
    assert all_invariants_hold()


def test_the_replacement_is_for_what_came_back_at_the_original_price(world, act, authorised):
    from tests.ledger.test_returns import approved_by

    _, result = authorised(DEFECTIVE, qty=3, kind="exchange")
    act("ledger.receive_return", sales_return=result["return_no"], received_lines=[{"line_no": 1, "qty": 2}])
    replacement = act("ledger.create_replacement", sales_return=result["return_no"], date="2026-11-07",
                      call=approved_by(world.gm))
    [line] = db.session.scalar(select(SalesOrder).where(SalesOrder.number == replacement["order_no"])).lines
    assert (line.material.code, line.qty, line.unit_price) == ("P100", D(2), D("95.50000000"))
    assert all_invariants_hold()
