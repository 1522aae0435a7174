"""F03 return_exchange through the service layer with the real diagram: a
return before and after invoicing, an exchange, every rejection, the
ledger's refusals (over-return, price above the original, a return posted
meanwhile), the general manager's review of every return, proof
attachments, the customer's agreement to the prices, quality's findings,
stock that comes back only with the quantity received (defective goods into
quarantine), and a replacement at the original price; the documents posted
and the ledger invariants after each."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.extensions import db
from app.ledger.balances import outstanding
from app.models import Invoice, InstanceStatus, Receivable, SalesOrder, SalesOrderLine, SalesReturn, ShippingNote, StockMovement
from tests.support.ledger_harness import all_invariants_hold
from tests.support.return_exchange import (DEALER, DEFECTIVE, QUALIFIED, REP, approve_through_gm, inspect, receive, reds,
                                           reduce_and_execute, ship_replacement)
from tests.support.return_exchange import invoiced_order, proof, request_for  # noqa: F401  (fixtures)

D = Decimal


def _line(order_no, line_no=1):
    return db.session.scalar(select(SalesOrderLine).join(SalesOrder).where(SalesOrder.number == order_no,
                                                                           SalesOrderLine.line_no == line_no))


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_return_before_invoicing_only_reduces_what_was_delivered(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)
    assert instance.data["check_result"]["gross"] == "980.00"
    approve_through_gm(sales, instance)
    assert "gm_review_required" not in instance.data  # 980.00, the company's fault: the GM reviewed it all the same
    reduce_and_execute(sales, instance)

    [red] = reds()
    assert (red.gross, red.order_date.isoformat()) == (D("-980.00"), "2026-12-03")  # booked the day the goods arrived
    assert [(line.qty, line.original_line.order.number) for line in red.lines] == [(D(-1), order_no)]
    assert instance.data["return_receipt"]["red_invoices"] == [] and _count(Invoice) == 0
    back = db.session.scalars(select(StockMovement).where(StockMovement.kind == "red_outbound")).all()
    assert [(m.qty, m.batch_no, m.stock_status) for m in back] == [(D(1), "B2512-MTR001", "quarantine")]  # defective
    line = _line(order_no)
    assert (line.qty_delivered, line.qty_returned, line.qty_invoiced) == (D(2), D(1), D(0))
    assert all_invariants_hold()


def test_return_after_invoicing_posts_a_red_invoice_that_offsets_the_original(sales, invoiced_order, request_for):
    order_no, invoice_no = invoiced_order([("MTR001", 2)])  # 1960.00 invoiced
    instance = sales.start("return_exchange", request_for(order_no), REP)
    approve_through_gm(sales, instance)
    reduce_and_execute(sales, instance)

    result = instance.data["return_receipt"]
    [red_invoice] = db.session.scalars(select(Invoice).where(Invoice.kind == "red"))
    blue = db.session.scalar(select(Invoice).where(Invoice.number == invoice_no))
    assert result["red_invoices"] == [{"invoice_no": red_invoice.number, "gross": "-980.00"}]
    assert red_invoice.original_invoice_id == blue.id and (red_invoice.net + red_invoice.tax) == D("-980.00")
    blue_receivable = db.session.scalar(select(Receivable).where(Receivable.invoice_id == blue.id))
    assert outstanding(blue_receivable) == D("980.00") and result["customer_credit"] == "0.00"
    line = _line(order_no)
    assert (line.qty_returned, line.qty_invoiced) == (D(1), D(1))
    assert all_invariants_hold()


def test_exchange_returns_the_goods_and_ships_a_replacement(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2), ("PRT001", 3)])
    instance = sales.start("return_exchange", request_for(order_no, [{"line_no": 2, "qty": 2}], kind="exchange"), REP)
    assert instance.data["check_result"]["gross"] == "170.00"
    approve_through_gm(sales, instance)
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    assert "replacement_result" not in instance.data  # nothing is replaced before the goods are back
    receive(sales, instance, condition="外壳开裂")
    replacement = instance.data["replacement_result"]
    assert replacement["ok"] and replacement["gross"] == "170.00"
    ship_replacement(sales, instance)
    assert instance.status is InstanceStatus.completed
    assert [m["qty"] for m in instance.data["outbound_result"]["movements"]] == ["2"]

    [red] = reds()
    assert red.gross == D("-170.00")
    new = db.session.scalar(select(SalesOrder).where(SalesOrder.number == replacement["order_no"]))
    assert new.kind == "blue" and [(line.material.code, line.qty, line.qty_delivered) for line in new.lines] == [("PRT001", D(2), D(2))]
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.number == replacement["shipping_note_no"]))
    assert note.status == "posted" and note.order_id == new.id
    assert [i.gross for i in db.session.scalars(select(Invoice).where(Invoice.kind == "red"))] == [D("-170.00")]
    assert all_invariants_hold()


def test_customer_reason_is_reviewed_by_the_general_manager(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no, reason="customer_change"), REP)
    approve_through_gm(sales, instance, QUALIFIED)
    reduce_and_execute(sales, instance)
    assert [r.gross for r in reds()] == [D("-980.00")]
    assert all_invariants_hold()


def test_large_return_of_a_defect_is_reviewed_by_the_general_manager(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR008", 12)])  # 980 × 2.26 = 2214.80 each: 26577.60
    instance = sales.start("return_exchange", request_for(order_no, [{"line_no": 1, "qty": 12}]), REP)
    assert instance.data["check_result"]["gross"] == "26577.60"
    approve_through_gm(sales, instance)
    reduce_and_execute(sales, instance)
    assert all_invariants_hold()


REJECTIONS = [
    ("Task_SalesReview", "order_clerk", []),
    ("Task_QualityInspection", "quality", ["Task_SalesReview"]),
    ("Task_DirectorApproval", "director", ["Task_SalesReview", "Task_QualityInspection"]),
    ("Task_GMReview", "gm", ["Task_SalesReview", "Task_QualityInspection", "Task_DirectorApproval"]),
]
APPROVERS = {"Task_SalesReview": "order_clerk", "Task_QualityInspection": "quality", "Task_DirectorApproval": "director"}


def _approve(sales, instance, element):
    if element == "Task_QualityInspection":
        inspect(sales, instance)
    else:
        sales.approve(instance, element, APPROVERS[element])


@pytest.mark.parametrize("step, approver, before", REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_each_rejection_goes_back_to_the_applicant_who_withdraws(sales, invoiced_order, request_for, step, approver, before):
    order_no, _ = invoiced_order([("MTR001", 2)])
    request = request_for(order_no)  # 980.00 for a defect: small, and still up to the GM
    instance = sales.start("return_exchange", request, REP)
    for earlier in before:
        _approve(sales, instance, earlier)
    sales.reject(instance, step, approver, "证明材料不足")
    revise = sales.task(instance, "Task_ReviseReturn")
    assert revise.assignee.username == REP and instance.data["comment"] == "证明材料不足"
    sales.complete(instance, "Task_ReviseReturn", REP, {**request, "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and reds() == [] and _count(SalesReturn) == 0
    assert all_invariants_hold()


def test_rejected_request_is_revised_and_resubmitted(sales, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)
    sales.approve(instance, "Task_SalesReview", "order_clerk")
    sales.reject(instance, "Task_QualityInspection", "quality", "复验未发现缺陷，请补充照片")
    sales.complete(instance, "Task_ReviseReturn", REP, {**request_for(order_no), "action": "resubmit"})
    approve_through_gm(sales, instance)
    reduce_and_execute(sales, instance)
    assert [r.gross for r in reds()] == [D("-980.00")]
    assert all_invariants_hold()


def test_over_return_is_refused_at_once_and_corrected(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no, [{"line_no": 1, "qty": 3}]), REP)
    assert instance.data["check_result"]["error"]["code"] == "return_exceeds_delivered"
    assert sales.ready_elements(instance) == ["Task_ReviseReturn"]
    sales.complete(instance, "Task_ReviseReturn", REP, {**request_for(order_no, [{"line_no": 1, "qty": 2}]), "action": "resubmit"})
    assert instance.data["check_result"]["gross"] == "1960.00"
    assert sales.ready_elements(instance) == ["Task_SalesReview"] and reds() == []


def test_price_above_the_original_is_refused(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)])
    lines = [{"line_no": 1, "qty": 1, "unit_price": 980.01}]
    instance = sales.start("return_exchange", request_for(order_no, lines), REP)
    assert instance.data["check_result"]["error"]["code"] == "return_price_too_high"
    sales.complete(instance, "Task_ReviseReturn", REP, {**request_for(order_no, lines), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and reds() == []


def test_goods_returned_meanwhile_go_to_the_supervisor_then_back_to_the_applicant(sales, act, invoiced_order, request_for):
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no, [{"line_no": 1, "qty": 2}]), REP)
    approve_through_gm(sales, instance)
    act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 1}])  # another return got there first
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    assert instance.data["return_result"]["error"]["code"] == "return_exceeds_delivered"
    assert sales.task(instance, "Task_ResolveReturnProblem").candidate_role == "sales_admin"
    sales.complete(instance, "Task_ResolveReturnProblem", "sales_admin", {"action": "return", "resolution_note": "已部分退货"})
    sales.complete(instance, "Task_ReviseReturn", REP, {**request_for(order_no), "action": "resubmit"})
    approve_through_gm(sales, instance)
    reduce_and_execute(sales, instance)
    assert sorted(r.gross for r in reds()) == [D("-980.00"), D("-980.00")] and _line(order_no).qty_returned == D(2)
    assert all_invariants_hold()


def test_proof_naming_a_file_that_was_never_stored_is_refused(sales, customer_code, shipped_order, request_for):
    order_no = shipped_order(customer_code(DEALER), [("MTR001", 2)])
    forged = {"name": "伪造.pdf", "type": "application/pdf", "size": 10, "sha256": "0" * 64}
    with pytest.raises(ValidationFailed) as refused:
        sales.start("return_exchange", request_for(order_no, proof=[forged]), REP)
    assert refused.value.status == 422 and "proof.0" in refused.value.details["fields"]
    with pytest.raises(ValidationFailed):
        sales.start("return_exchange", request_for(order_no, proof=[]), REP)  # at least one proof
    assert db.session.scalar(select(func.count()).select_from(SalesOrder).where(SalesOrder.kind == "red")) == 0


def test_refused_replacement_goes_to_the_supervisor_who_retries(sales, invoiced_order, request_for, refuse_once):
    calls = refuse_once("ledger.create_replacement")
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no, kind="exchange"), REP)
    approve_through_gm(sales, instance)
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    receive(sales, instance)
    assert instance.data["replacement_result"]["error"]["code"] == "period_closed"
    assert sales.task(instance, "Task_ResolveReplacementProblem").candidate_role == "sales_admin"
    sales.complete(instance, "Task_ResolveReplacementProblem", "sales_admin", {"action": "retry"})
    assert len(calls) == 2 and instance.data["replacement_result"]["ok"]
    ship_replacement(sales, instance)
    assert instance.status is InstanceStatus.completed and len(reds()) == 1
    assert _count(SalesOrder, SalesOrder.kind == "blue") == 2
    assert all_invariants_hold()


def test_replacement_that_cannot_leave_goes_back_to_the_warehouse(sales, invoiced_order, request_for, refuse_once):
    order_no, _ = invoiced_order([("MTR001", 2)])
    calls = refuse_once("ledger.post_outbound")  # after the original shipment
    instance = sales.start("return_exchange", request_for(order_no, kind="exchange"), REP)
    approve_through_gm(sales, instance)
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    receive(sales, instance)
    ship_replacement(sales, instance)
    assert instance.data["outbound_result"]["error"]["code"] == "period_closed"
    assert sales.ready_elements(instance) == ["Task_ShipReplacement"]
    ship_replacement(sales, instance)
    assert instance.status is InstanceStatus.completed and len(calls) == 2
    assert all_invariants_hold()


def test_refused_registration_retried_by_the_supervisor(sales, invoiced_order, request_for, refuse_once):
    calls = refuse_once("ledger.register_return")
    order_no, _ = invoiced_order([("MTR001", 2)])
    instance = sales.start("return_exchange", request_for(order_no), REP)
    approve_through_gm(sales, instance)
    sales.complete(instance, "Task_ReduceAccount", "sales_admin", {"return_date": "2026-12-02"})
    sales.complete(instance, "Task_ResolveReturnProblem", "sales_admin", {"action": "retry"})
    reduce_and_execute(sales, instance)
    assert len(calls) == 2 and [r.gross for r in reds()] == [D("-980.00")]
    assert all_invariants_hold()


def test_goods_lost_in_transit_cannot_be_returned(sales, act, customer_code, request_for):
    """The signed receipt recorded 1 of 3 as lost: the customer has 2, and only 2 may come back."""
    from app.actions import BusinessRuleViolation

    order = act("ledger.create_sales_order", customer=customer_code(DEALER), lines=[{"material": "MTR001", "qty": 3}])
    note = act("ledger.create_shipping_note", order=order["order_no"])["shipping_note_no"]
    act("ledger.post_outbound", shipping_note=note)
    act("ledger.record_signed_receipt", shipping_note=note, receiver_name="王强",
        received=[{"line_no": 1, "received_qty": 2, "loss_reason": "运输破损"}])
    act("ledger.issue_invoice", order=order["order_no"])  # the 2 received
    order_no = order["order_no"]
    line = _line(order_no)
    assert (line.qty_delivered, line.qty_lost, line.qty_invoiced) == (D(3), D(1), D(2))
    with pytest.raises(BusinessRuleViolation) as refused:  # the ledger's own door
        act("ledger.post_return", order=order_no, lines=[{"line_no": 1, "qty": 3}])
    assert refused.value.code == "return_of_lost_goods" and refused.value.details["line_no"] == 1
    instance = sales.start("return_exchange", request_for(order_no, [{"line_no": 1, "qty": 3}]), REP)
    assert instance.data["check_result"]["error"]["code"] == "return_of_lost_goods"
    assert sales.ready_elements(instance) == ["Task_ReviseReturn"] and reds() == []
    sales.complete(instance, "Task_ReviseReturn", REP, {**request_for(order_no, [{"line_no": 1, "qty": 2}]), "action": "resubmit"})
    approve_through_gm(sales, instance)
    reduce_and_execute(sales, instance)
    line = _line(order_no)
    assert (line.qty_returned, line.qty_lost, line.qty_invoiced) == (D(2), D(1), D(0))  # both received units credited
    assert [r.gross for r in reds()] == [D("-1960.00")]
    assert all_invariants_hold()
