"""F02 mail_order through the service layer with the real diagram: paid in
time, unpaid (the timer cancels), part payment (waits for the rest within
the same window), overpayment (the rest stays an advance), an unknown product, the
supervisor's review of large orders (orders without a price:
test_mail_order_unpriced.py); the documents posted and the ledger
invariants after each."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.ledger.balances import customer_advances_total, exposure, open_receivables
from app.models import (Allocation, Customer, Invoice, InstanceStatus, Receipt, SalesOrder, SalesOrderCancellation,
                        ShippingNote, StockMovement)
from app.services import events
from tests.support.ledger_harness import all_invariants_hold

MAIL = "江西设备维修服务部"  # a mail-order customer of 华东, served by rep_east2; credit limit 0
REP = "rep_east2"
LINES = [{"material": "MTR001", "qty": 2}, {"material": "PRT001", "qty": 3}]  # 980.00 × 2 + 85.00 × 3 = 2215.00
SHIP_TO = {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号", "postcode": "330096"}
PICK = {"picked_on": "2026-12-04", "packages": 2}
INVOICE = {"invoice_date": "2026-12-04", "tax_invoice_number": "No.36021187"}
COURIER = {"courier": "sf", "tracking_number": "SF1402236658001", "shipped_on": "2026-12-04"}


@pytest.fixture
def mail_customer(customer_code):
    return customer_code(MAIL)


@pytest.fixture
def order_request(mail_customer):
    def build(lines=LINES, **extra):
        return {"customer_kind": "known", "customer": mail_customer, "lines": lines, "ship_to": SHIP_TO, **extra}

    return build


def _payment(amount, day="2026-12-03", ref="ICBC-0791-0001"):
    return {"amount": amount, "receipt_date": day, "bank_reference": ref}


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _order():
    [order] = db.session.scalars(select(SalesOrder))
    return order


def _take_order_and_inform(sales, instance):
    sales.complete(instance, "Task_InformCustomer", REP, {"informed_via": "phone"})
    assert sales.task(instance, "Task_ConfirmPayment").candidate_role == "finance"


def _ship_invoice_and_post(sales, instance):
    assert sales.task(instance, "Task_PickGoods").candidate_role == "warehouse"
    sales.complete(instance, "Task_PickGoods", "warehouse", PICK)
    assert sales.task(instance, "Task_IssueInvoice").candidate_role == "billing_clerk"
    sales.complete(instance, "Task_IssueInvoice", "billing_clerk", INVOICE)
    courier = sales.task(instance, "Task_BookCourier")
    assert courier.assignee.username == REP
    sales.complete(instance, "Task_BookCourier", REP, COURIER)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []


def test_paid_in_time_ships_invoices_and_settles_the_advance(sales, order_request, mail_customer):
    instance = sales.start("mail_order", order_request(), REP)
    assert instance.data["order_result"]["gross"] == "2215.00" and instance.data["order_result"]["unpriced_lines"] == []
    assert instance.data["approve_result"]["approved_by"] == REP  # a small priced order: the maker's saving approves it
    assert instance.data["payment_days"] == 7 and instance.data["order_review_required"] is False
    assert instance.data["order_result"]["held"] is True  # payment before goods: no credit for mail orders
    assert instance.data["payment_due"] == "2026-12-08T09:00:00+00:00"
    notice = instance.data["payment_notice"]  # seed L11: the price and the company's bank account
    assert (notice["order_no"], notice["gross"]) == (instance.data["order_result"]["order_no"], "2215.00")
    assert (notice["bank_name"], notice["account_number"]) == ("中国工商银行南昌青山湖支行", "1502 2011 0900 0123 456")
    assert sales.task(instance, "Task_InformCustomer").assignee.username == REP
    _take_order_and_inform(sales, instance)
    assert instance.next_timer_at == datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(2215))
    assert instance.data["release_result"]["released"] is True and instance.next_timer_at is None
    _ship_invoice_and_post(sales, instance)

    order = _order()
    assert (order.status, order.gross, order.kind) == ("approved", Decimal("2215.00"), "blue")
    assert [(line.qty_delivered, line.qty_invoiced) for line in order.lines] == [(2, 2), (3, 3)]
    [receipt] = db.session.scalars(select(Receipt))
    assert (receipt.amount, receipt.bank_reference) == (Decimal("2215.00"), "ICBC-0791-0001")
    [note] = db.session.scalars(select(ShippingNote))
    assert (note.status, note.tracking_number) == ("posted", "SF1402236658001") and note.registered_at is not None
    assert sorted(-m.qty for m in db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound"))) == [2, 3]
    [invoice] = db.session.scalars(select(Invoice))
    assert (invoice.kind, invoice.gross, str(invoice.invoice_date)) == ("blue", Decimal("2215.00"), "2026-12-04")
    [allocation] = db.session.scalars(select(Allocation))
    assert allocation.amount == Decimal("2215.00") and allocation.receipt_id == receipt.id
    customer = db.session.scalar(select(Customer).where(Customer.code == mail_customer))
    assert open_receivables(customer.id) == [] and customer_advances_total(customer.id) == Decimal("0.00")
    assert instance.data["allocation_result"]["advance_left"] == "0.00"
    assert _count(SalesOrderCancellation) == 0
    assert all_invariants_hold()


def test_unpaid_order_is_cancelled_by_the_timer(sales, frozen_clock, order_request, mail_customer):
    instance = sales.start("mail_order", order_request(), REP)
    _take_order_and_inform(sales, instance)
    frozen_clock.advance(days=6, hours=23, minutes=59)
    assert events.fire_due_timers() == 0
    frozen_clock.advance(minutes=2)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert instance.status is InstanceStatus.completed and sales.ready(instance) == []
    assert instance.data["cancel_result"]["ok"] and instance.data["cancel_result"]["previous_status"] == "held"
    order = _order()
    assert order.status == "cancelled"
    [record] = db.session.scalars(select(SalesOrderCancellation))
    assert record.order_id == order.id and record.reason == "payment overdue" and str(record.cancelled_on) == "2026-12-08"
    assert _count(Receipt) == _count(ShippingNote) == _count(Invoice) == 0
    customer = db.session.scalar(select(Customer).where(Customer.code == mail_customer))
    assert exposure(customer.id) == Decimal("0.00")
    assert all_invariants_hold()


def test_part_payment_waits_for_the_rest_within_the_same_window(sales, frozen_clock, order_request):
    instance = sales.start("mail_order", order_request(), REP)
    _take_order_and_inform(sales, instance)
    frozen_clock.advance(days=2)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(1000, "2026-12-03"))
    release = instance.data["release_result"]
    assert (release["released"], release["shortfall"], release["advance"]) == (False, "1215.00", "1000.00")
    assert sales.ready_elements(instance) == ["Task_ConfirmPayment"]  # finance waits for the rest
    assert instance.next_timer_at == datetime(2026, 12, 8, 9, 0, tzinfo=timezone.utc)  # the deadline did not move
    frozen_clock.advance(days=2)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(1215, "2026-12-05", "ICBC-0791-0002"))
    assert instance.data["release_result"]["released"] is True
    _ship_invoice_and_post(sales, instance)
    assert [r.amount for r in db.session.scalars(select(Receipt).order_by(Receipt.id))] == [Decimal("1000.00"), Decimal("1215.00")]
    assert sorted(a.amount for a in db.session.scalars(select(Allocation))) == [Decimal("1000.00"), Decimal("1215.00")]
    assert instance.data["allocation_result"]["allocated"] == "2215.00"
    assert instance.data["allocation_result"]["advance_left"] == "0.00"
    assert all_invariants_hold()


def test_part_payment_then_the_window_runs_out_the_payment_stays_an_advance(sales, frozen_clock, order_request, mail_customer):
    instance = sales.start("mail_order", order_request(), REP)
    _take_order_and_inform(sales, instance)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(500, "2026-12-01"))
    frozen_clock.advance(days=7, minutes=1)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert instance.status is InstanceStatus.completed
    assert _order().status == "cancelled" and instance.data["cancel_result"]["advance"] == "500.00"
    customer = db.session.scalar(select(Customer).where(Customer.code == mail_customer))
    assert customer_advances_total(customer.id) == Decimal("500.00")  # finance refunds it or the next order uses it
    assert _count(ShippingNote) == _count(Invoice) == 0
    assert all_invariants_hold()


def test_payment_larger_than_the_order_leaves_the_rest_as_an_advance(sales, order_request, mail_customer):
    instance = sales.start("mail_order", order_request(), REP)
    _take_order_and_inform(sales, instance)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(3000))
    _ship_invoice_and_post(sales, instance)
    [receipt] = db.session.scalars(select(Receipt))
    [allocation] = db.session.scalars(select(Allocation))
    assert receipt.amount == Decimal("3000.00") and allocation.amount == Decimal("2215.00")
    assert instance.data["allocation_result"]["advance_left"] == "785.00"
    customer = db.session.scalar(select(Customer).where(Customer.code == mail_customer))
    assert customer_advances_total(customer.id) == Decimal("785.00") and open_receivables(customer.id) == []
    assert all_invariants_hold()


def test_customer_whose_advance_already_covers_the_order_ships_at_once(sales, act, order_request, mail_customer):
    act("ledger.record_advance", customer=mail_customer, amount="2500", date="2026-11-30")
    instance = sales.start("mail_order", order_request(), REP)
    assert instance.data["order_result"]["held"] is False and "payment_due" not in instance.data
    _ship_invoice_and_post(sales, instance)
    assert _order().status == "approved" and _count(Receipt) == 1
    assert instance.data["allocation_result"]["advance_left"] == "285.00"
    assert all_invariants_hold()


def test_an_unknown_product_goes_to_the_supervisor_who_returns_it(sales, order_request):
    instance = sales.start("mail_order", order_request([{"material": "NOPE01", "qty": 2}]), REP)
    assert instance.data["order_result"]["error"]["code"] == "unknown_material" and _count(SalesOrder) == 0
    assert sales.task(instance, "Task_ResolveOrderProblem").candidate_role == "sales_admin"
    sales.complete(instance, "Task_ResolveOrderProblem", "sales_admin", {"action": "return"})
    sales.complete(instance, "Task_ReviseOrder", REP, {**order_request([{"material": "PRT001", "qty": 4}]), "action": "resubmit"})
    assert instance.data["order_result"]["gross"] == "340.00" and _order().status == "held"
    assert sales.ready_elements(instance) == ["Task_InformCustomer"]
    assert all_invariants_hold()


LARGE = [{"material": "PMS001", "qty": 5}]  # 4650.00 × 5 = 23250.00: above the supervisor's review limit


def test_large_order_is_reviewed_and_given_ten_days(sales, order_request):
    instance = sales.start("mail_order", order_request(LARGE), REP)
    assert instance.data["payment_days"] == 10 and instance.data["order_review_required"] is True
    review = sales.task(instance, "Task_OrderReview")
    assert review.candidate_role == "sales_admin" and review.is_approval
    assert (_order().status, _order().approved_at) == ("held", None)  # saved as a draft, held for its money
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    assert instance.data["payment_due"] == "2026-12-11T09:00:00+00:00" and _order().gross == Decimal("23250.00")
    assert (_order().status, _order().approved_by.username) == ("held", "sales_admin")  # approved, still waiting for the money
    _take_order_and_inform(sales, instance)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(23250))
    _ship_invoice_and_post(sales, instance)
    assert [i.gross for i in db.session.scalars(select(Invoice))] == [Decimal("23250.00")]
    assert all_invariants_hold()


def test_rejected_large_order_is_withdrawn(sales, order_request):
    instance = sales.start("mail_order", order_request(LARGE), REP)
    sales.reject(instance, "Task_OrderReview", "sales_admin", "客户信息不全，请核实")
    revise = sales.task(instance, "Task_ReviseOrder")
    assert revise.assignee.username == REP and instance.data["comment"] == "客户信息不全，请核实"
    assert _order().status == "cancelled" and instance.data["draft_cancel_result"]["reason"] == "rejected in review"
    sales.complete(instance, "Task_ReviseOrder", REP, {**order_request(LARGE), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and _order().status == "cancelled"
    assert all_invariants_hold()


def test_goods_short_in_the_warehouse_go_back_to_the_warehouse(sales, order_request):
    """Not enough stock: the warehouse sees the reason and confirms again once stock arrived."""
    from datetime import date

    from app.ledger import shipping
    from app.models import Material

    instance = sales.start("mail_order", order_request([{"material": "PRT001", "qty": 1001}]), REP)  # 1000 in stock
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    _take_order_and_inform(sales, instance)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(float(instance.data["order_result"]["gross"])))
    sales.complete(instance, "Task_PickGoods", "warehouse", PICK)
    assert instance.data["outbound_result"]["error"]["code"] == "insufficient_stock"
    assert sales.ready_elements(instance) == ["Task_PickGoods"]
    material = db.session.scalar(select(Material).where(Material.code == "PRT001"))
    shipping.receive_opening_stock(material, 10, "B2612-PRT001", date(2026, 12, 4), "test:restock")
    sales.complete(instance, "Task_PickGoods", "warehouse", PICK)
    assert instance.data["outbound_result"]["ok"]
    assert sales.ready_elements(instance) == ["Task_IssueInvoice"]


def test_very_large_order_gets_fifteen_days(sales, order_request):
    instance = sales.start("mail_order", order_request([{"material": "MTR008", "qty": 50}]), REP)  # 2104.06 × 50 at the 50+ price
    assert instance.data["order_result"]["gross"] == "105203.00"
    assert instance.data["payment_days"] == 15 and instance.data["order_review_required"] is True
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    assert instance.data["payment_due"] == "2026-12-16T09:00:00+00:00"


RETRIES = [  # the refused action, the person it goes to, what they submit to try again
    ("ledger.create_shipping_note", "Task_ResolveShippingProblem", "billing_clerk", {"action": "retry", "resolution_note": "已处理"}),
    ("ledger.post_outbound", "Task_PickGoods", "warehouse", PICK),
    ("ledger.issue_invoice", "Task_IssueInvoice", "billing_clerk", INVOICE),
    ("ledger.allocate_receipt", "Task_ResolveWriteOff", "sales_admin", {"action": "retry"}),
    ("ledger.register_shipment", "Task_BookCourier", REP, COURIER),
]


@pytest.mark.parametrize("operation, person_task, person, retry", RETRIES, ids=[r[0] for r in RETRIES])
def test_every_refused_step_goes_to_a_person_and_is_retried(sales, order_request, refuse_once, operation, person_task, person, retry):
    calls = refuse_once(operation)
    instance = sales.start("mail_order", order_request(), REP)
    _take_order_and_inform(sales, instance)
    sales.complete(instance, "Task_ConfirmPayment", "finance", _payment(2215))
    seen = []

    def retry_where_refused():
        if len(calls) == 1 and person_task in sales.ready_elements(instance):  # the person read the reason
            seen.append(instance.data)
            sales.complete(instance, person_task, person, retry)

    for element, who, data in (("Task_PickGoods", "warehouse", PICK), ("Task_IssueInvoice", "billing_clerk", INVOICE),
                               ("Task_BookCourier", REP, COURIER)):
        retry_where_refused()
        sales.complete(instance, element, who, data)
    retry_where_refused()
    assert len(seen) == 1
    assert instance.status is InstanceStatus.completed and len(calls) == 2
    assert [i.gross for i in db.session.scalars(select(Invoice))] == [Decimal("2215.00")]
    assert _count(Allocation) == 1 and _count(ShippingNote) == 1
    assert all_invariants_hold()


def test_a_refused_cancellation_goes_to_finance(sales, act, order_request, frozen_clock):
    instance = sales.start("mail_order", order_request(), REP)
    _take_order_and_inform(sales, instance)
    act("ledger.cancel_sales_order", order=instance.data["order_result"]["order_no"], reason="客户电话取消")  # by hand, first
    frozen_clock.advance(days=8)
    assert events.fire_due_timers() == 1
    db.session.refresh(instance)
    assert instance.data["cancel_result"]["error"]["code"] == "already_cancelled"
    assert sales.task(instance, "Task_ResolveCancellation").candidate_role == "finance"
    sales.complete(instance, "Task_ResolveCancellation", "finance", {"resolution_note": "订单已由业务员取消，无款项"})
    assert instance.status is InstanceStatus.completed and _count(SalesOrderCancellation) == 1
    assert all_invariants_hold()


def test_the_payment_notice_names_the_configured_account_not_a_typed_one(sales, app, monkeypatch, order_request):
    from app.errors import ValidationFailed

    monkeypatch.setitem(app.config, "COMPANY_BANK_ACCOUNT", {"bank_name": "中国银行南昌分行", "account_name": "蓝斯机电设备有限公司",
                                                             "account_number": "6216 6100 0001 2345"})
    instance = sales.start("mail_order", order_request(), REP)
    assert instance.data["payment_notice"]["account_number"] == "6216 6100 0001 2345"
    forged = {"informed_via": "phone", "payment_notice": {"account_number": "6222 0000 9999 0000"}}
    with pytest.raises(ValidationFailed) as refused:  # the notice is read-only: a person cannot redirect the money
        sales.complete(instance, "Task_InformCustomer", REP, forged)
    assert "payment_notice" in refused.value.details["fields"]
    assert instance.data["payment_notice"]["account_number"] == "6216 6100 0001 2345"


def test_without_a_bank_account_the_representative_sees_why(sales, app, monkeypatch, order_request):
    monkeypatch.setitem(app.config, "COMPANY_BANK_ACCOUNT", {"bank_name": "中国银行南昌分行", "account_name": " "})
    instance = sales.start("mail_order", order_request(), REP)
    assert instance.data["payment_notice"]["ok"] is False
    assert instance.data["payment_notice"]["error"]["code"] == "no_bank_account"
    assert "account_name, account_number" in instance.data["payment_notice"]["error"]["message"]
