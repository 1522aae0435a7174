"""F03's controls, attacked through the real diagram: quality's findings are
kept on the return document and defective goods are never restocked; stock
and the customer's account move only when the warehouse has the goods, and
only for what arrived; quarantined goods stay out of saleable stock; the
customer's agreement to the prices is required and kept; the replacement
keeps the original price; an approver cannot rewrite quality's decision."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.shipping import batch_stock
from app.models import Customer, InstanceStatus, Material, ReturnInspection, ReturnReceipt, SalesOrder, SalesReturn, StockMovement
from tests.support.return_exchange import (DEALER, DEFECTIVE, QUALIFIED, REP, approve_through_gm, inspect, receive, reds,
                                           ship_replacement)
from tests.support.return_exchange import invoiced_order, proof, request_for  # noqa: F401  (fixtures)
from tests.support.ledger_harness import all_invariants_hold

D = Decimal


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _saleable(code):
    material = db.session.scalar(select(Material).where(Material.code == code))
    return sum((qty for _, qty in batch_stock(material.id)), D(0))


def _authorised(sales, instance, findings=DEFECTIVE):
    approve_through_gm(sales, instance, findings)
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})


def test_quality_findings_and_the_customers_agreement_are_kept_on_the_return_document(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no, price_agreed_via="signed_form"), REP)
    _authorised(sales, instance)
    document = db.session.scalar(select(SalesReturn).where(SalesReturn.number == instance.data["return_result"]["return_no"]))
    inspection = document.inspection
    assert (inspection.result, inspection.cause, inspection.responsibility, inspection.disposition) == \
        ("defective", "电机轴承异响，拆检见滚道剥落", "production", "quarantine")
    assert inspection.inspected_by.username == "quality" and inspection.order.number == order_no
    assert (document.disposition, document.price_agreed_via, str(document.price_agreed_on)) == \
        ("quarantine", "signed_form", "2026-11-30")
    assert document.authorized_by_id is not None and [(line.qty, line.unit_price) for line in document.lines] == [(D(1), D(980))]


def test_no_request_without_the_customers_agreement_to_the_price(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)])
    request = request_for(order_no)
    del request["price_agreed_via"]
    with pytest.raises(ValidationFailed) as refused:
        sales.start("return_exchange", request, REP)
    assert "price_agreed_via" in refused.value.details["fields"]


def test_quality_cannot_send_defective_goods_back_to_saleable_stock(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)
    sales.approve(instance, "Task_SalesReview", "order_clerk")
    with pytest.raises(ValidationFailed) as refused:
        inspect(sales, instance, {**DEFECTIVE, "disposition": "restock"})
    assert "disposition" in refused.value.details["fields"]
    assert sales.ready_elements(instance) == ["Task_QualityInspection"] and _count(ReturnInspection) == 0


def test_a_refused_finding_goes_back_to_quality(sales, invoiced_order, request_for, refuse_once):
    calls = refuse_once("ledger.record_inspection", "defective_goods_restocked", "Goods found defective cannot go back.")
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)
    sales.approve(instance, "Task_SalesReview", "order_clerk")
    inspect(sales, instance)
    assert instance.data["inspection"]["error"]["code"] == "defective_goods_restocked"
    assert sales.ready_elements(instance) == ["Task_QualityInspection"]
    inspect(sales, instance)
    assert len(calls) == 2 and sales.ready_elements(instance) == ["Task_DirectorApproval"]


def test_an_approver_cannot_rewrite_qualitys_disposition(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)
    sales.approve(instance, "Task_SalesReview", "order_clerk")
    inspect(sales, instance)
    with pytest.raises(ValidationFailed) as refused:
        sales.complete(instance, "Task_DirectorApproval", "director", {"decision": "approve", "disposition": "restock"})
    assert "disposition" in refused.value.details["fields"]
    assert instance.data["disposition"] == "quarantine"


def test_stock_and_account_move_only_when_the_goods_arrive_and_only_for_what_arrived(sales, invoiced_order, request_for):
    order_no, invoice_no = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no, [{"line_no": 1, "qty": 2}]), REP)
    _authorised(sales, instance, QUALIFIED)
    saleable = _saleable("MTR001")
    assert reds() == [] and _count(StockMovement, StockMovement.kind == "red_outbound") == 0  # authorised, not yet here
    assert sales.task(instance, "Task_WarehouseExecute").candidate_role == "warehouse"
    receive(sales, instance, [{"line_no": 1, "qty": 1}], condition="只收到一台，另一台客户未寄回")
    assert instance.status is InstanceStatus.completed
    [red] = reds()
    assert ([line.qty for line in red.lines], red.gross, str(red.order_date)) == ([D(-1)], D("-980.00"), "2026-12-03")
    assert _saleable("MTR001") == saleable + 1  # qualified goods: back into saleable stock, one of them
    assert instance.data["return_receipt"]["red_invoices"][0]["gross"] == "-980.00"  # credited for what arrived only
    [receipt] = db.session.scalars(select(ReturnReceipt))
    assert (receipt.stock_status, receipt.condition_note) == ("saleable", "只收到一台，另一台客户未寄回")
    assert all_invariants_hold()


def test_the_warehouse_cannot_receive_more_than_was_authorised(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)  # one pump authorised
    _authorised(sales, instance)
    receive(sales, instance, [{"line_no": 1, "qty": 2}])
    error = instance.data["return_receipt"]["error"]
    assert (error["code"], error["field"]) == ("over_received", "received_lines")
    assert sales.ready_elements(instance) == ["Task_WarehouseExecute"] and reds() == []
    receive(sales, instance, [{"line_no": 1, "qty": 1}])
    assert instance.status is InstanceStatus.completed and [r.gross for r in reds()] == [D("-980.00")]


def test_defective_goods_come_back_into_quarantine_not_saleable_stock(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)
    _authorised(sales, instance, DEFECTIVE)
    saleable = _saleable("MTR001")
    receive(sales, instance)
    assert _saleable("MTR001") == saleable  # FIFO allocation never sees the returned pump
    [back] = db.session.scalars(select(StockMovement).where(StockMovement.kind == "red_outbound"))
    assert (back.qty, back.stock_status) == (D(1), "quarantine")
    assert instance.data["return_receipt"]["stock_status"] == "quarantine"
    assert all_invariants_hold()


def test_the_replacement_keeps_the_original_price_when_the_price_list_has_moved(sales, invoiced_order, request_for):
    from app.ledger import pricing

    order_no, _ = invoiced_order([("MTR001", 2)])  # 980.00 each
    customer = db.session.scalar(select(Customer).where(Customer.name == DEALER))
    material = db.session.scalar(select(Material).where(Material.code == "MTR001"))
    item = pricing.resolve_price(customer, material, date(2026, 12, 1), 1).item
    pricing.apply_price_adjustment(item, "1150.00", date(2026, 12, 2))  # dearer from the day after the sale
    instance = sales.start("return_exchange", request_for(order_no, kind="exchange"), REP)
    _authorised(sales, instance)
    receive(sales, instance)
    replacement = instance.data["replacement_result"]
    assert replacement["gross"] == "980.00"
    [line] = db.session.scalar(select(SalesOrder).where(SalesOrder.number == replacement["order_no"])).lines
    assert line.unit_price == D("980") and line.price_item_id is None and line.price_override_by_id is not None
    ship_replacement(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert all_invariants_hold()
