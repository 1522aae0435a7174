"""F17 borrow_to_sale with the real diagram: the rep's request (stock and
credit counting goods on loan) → manager → director (→ GM per the table) →
the warehouse posts the loan to "lent" → delivery with a signed receipt →
at the expected date the rep converts (an order priced that day, reviewed,
then shipping note and outbound back-filled from "lent"), extends or has the
goods returned through the warehouse and quality. Every branch, the
invariants after each posting, and the attacks."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import InstanceStatus, LedgerEntry, SalesOrder, StockMovement
from app.services import events
from app.services.attachments import save_bytes
from tests.support.ledger_harness import all_invariants_hold

DEALER = "浙江泵阀总经销有限公司"  # 华东, served by rep_east1 (manager rm_east)
MAIL = "江西设备维修服务部"  # 华东 mail-order customer of rep_east2, credit limit 0
DUE = datetime(2026, 12, 15, 1, 0, tzinfo=timezone.utc)  # 09:00 Shanghai on 2026-12-15


def _balance(account):
    return db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.debit) - func.sum(LedgerEntry.credit), 0))
                             .where(LedgerEntry.account == account))


def request(customer, lines=(("MTR001", 2),), expected="2026-12-15", purpose="demo"):
    return {"customer": customer, "purpose": purpose, "expected_date": expected, "reason": "客户新产线试机",
            "lines": [{"material": m, "qty": q} for m, q in lines]}


def lent(sales, customer_code, *, received=None, gm=False, **kw):
    """A loan approved, posted and signed for; returns the instance."""
    instance = sales.start("borrow_to_sale", request(customer_code(DEALER), **kw), "rep_east1")
    assert instance.data["loan"]["ok"], instance.data["loan"]
    assert instance.data["gm_approval_required"] is gm
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    sales.approve(instance, "Task_DirectorApproval", "director")
    if gm:
        sales.approve(instance, "Task_GMApproval", "gm")
    assert instance.data["loan_out"]["status"] == "lent" and all_invariants_hold()
    lines = instance.data["loan"]["lines"]
    sales.complete(instance, "Task_DeliverLoan", "warehouse", {
        "receiver_name": "王强", "signed_receipt": save_bytes("receipt.jpg", "image/jpeg", b"\xff\xd8\xff signed"),
        "received": received or [{"line_no": l["line_no"], "received_qty": float(l["qty_lent"])} for l in lines]})
    assert instance.data["signature"]["ok"], instance.data["signature"]
    assert all_invariants_hold()
    return instance


def due(sales, instance, frozen_clock, when=DUE):
    assert sales.ready_elements(instance) == []
    frozen_clock.now = when + timedelta(minutes=1)
    assert events.fire_due_timers() >= 1
    assert sales.ready_elements(instance) == ["Task_LoanDecision"]


def convert(sales, instance, lines):
    sales.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "convert", "convert_lines": lines})
    assert instance.data["conversion"]["ok"], instance.data["conversion"]
    assert instance.data["conversion"]["status"] == "draft"
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    assert instance.data["backfill"]["ok"], instance.data["backfill"]
    assert all_invariants_hold()
    return instance.data["conversion"]["order_no"]


def give_back(sales, instance, returned, inspection):
    sales.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "return"})
    sales.complete(instance, "Task_ReceiveReturn", "warehouse", {"returned": returned})
    sales.complete(instance, "Task_QualityCheck", "quality", {"inspection": inspection})
    assert instance.data["loan_return"]["ok"], instance.data["loan_return"]
    assert all_invariants_hold()


def test_convert_all_back_fills_the_outbound_from_lent_and_closes(sales, customer_code, frozen_clock, act):
    instance = lent(sales, customer_code)
    assert _balance("1406") > 0 and _balance("6001") == 0
    due(sales, instance, frozen_clock)
    order_no = convert(sales, instance, [{"line_no": 1, "qty": 2}])
    assert instance.status is InstanceStatus.completed and not instance.data["loan_state"]["goods_out"]
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == order_no))
    assert order.order_date.isoformat() == "2026-12-15"  # priced on the conversion date
    assert [l.qty_delivered for l in order.lines] == [Decimal(2)]
    outbound = db.session.scalars(select(StockMovement).where(StockMovement.kind == "outbound")).all()
    assert [(m.location, m.qty) for m in outbound if m.order_line_id == order.lines[0].id] == [("lent", Decimal(-2))]
    assert _balance("1406") == 0
    act("ledger.issue_invoice", order=order_no)  # F04 follows as for any order
    assert all_invariants_hold()


def test_convert_part_then_return_the_rest_with_a_quality_defect(sales, customer_code, frozen_clock):
    instance = lent(sales, customer_code, lines=(("MTR001", 3),))
    due(sales, instance, frozen_clock)
    convert(sales, instance, [{"line_no": 1, "qty": 1}])
    assert instance.data["loan_state"]["lines"][0]["still_out"] == "2"
    events.fire_due_timers()  # the date has passed: asked again at once
    give_back(sales, instance, [{"line_no": 1, "qty": 2}], [{"line_no": 1, "quality": "defective"}])
    assert instance.status is InstanceStatus.completed
    back = db.session.scalar(select(StockMovement).where(StockMovement.kind == "loan_return", StockMovement.qty > 0))
    assert (back.location, back.stock_status, back.qty) == ("warehouse", "quarantine", Decimal(2))


def test_extend_then_convert(sales, customer_code, frozen_clock):
    instance = lent(sales, customer_code)
    due(sales, instance, frozen_clock)
    sales.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "extend", "new_expected_date": "2026-12-28"})
    assert instance.data["extension"]["ok"] and instance.data["loan_state"]["expected_date"] == "2026-12-28"
    assert events.fire_due_timers() == 0 and sales.ready_elements(instance) == []
    due(sales, instance, frozen_clock, datetime(2026, 12, 28, 1, 0, tzinfo=timezone.utc))
    convert(sales, instance, [{"line_no": 1, "qty": 2}])
    assert instance.status is InstanceStatus.completed


def test_a_loss_on_delivery_is_written_off_and_the_rest_returned(sales, customer_code, frozen_clock):
    instance = lent(sales, customer_code, received=[{"line_no": 1, "received_qty": 1, "loss_reason": "运输途中丢失"}])
    assert instance.data["signature"]["lines"][0]["qty_lost"] == "1" and _balance("6711") > 0
    due(sales, instance, frozen_clock)
    give_back(sales, instance, [{"line_no": 1, "qty": 1}], [{"line_no": 1, "quality": "saleable"}])
    assert instance.status is InstanceStatus.completed and _balance("1406") == 0


def test_a_long_loan_goes_to_the_general_manager(sales, customer_code, frozen_clock):
    instance = lent(sales, customer_code, expected="2027-01-20", gm=True)
    due(sales, instance, frozen_clock, datetime(2027, 1, 20, 1, 0, tzinfo=timezone.utc))


def test_rejections_go_back_to_the_rep_who_may_withdraw(sales, customer_code):
    instance = sales.start("borrow_to_sale", request(customer_code(DEALER)), "rep_east1")
    sales.reject(instance, "Task_ManagerApproval", "rm_east", "先用演示机")
    data = {**request(customer_code(DEALER), lines=(("MTR001", 1),)), "request_action": "resubmit"}
    sales.complete(instance, "Task_ReviseLoan", "rep_east1", data)
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    sales.reject(instance, "Task_DirectorApproval", "director", "本月不再借出")
    sales.complete(instance, "Task_ReviseLoan", "rep_east1", {**data, "request_action": "withdraw"})
    assert instance.status is InstanceStatus.completed
    assert db.session.scalar(select(func.count()).select_from(StockMovement).where(StockMovement.kind == "loan_out")) == 0


def test_a_rejected_conversion_and_one_over_the_loan_go_back_to_the_rep(sales, customer_code, frozen_clock):
    instance = lent(sales, customer_code)
    due(sales, instance, frozen_clock)
    sales.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "convert",
                                                                "convert_lines": [{"line_no": 1, "qty": 3}]})
    assert instance.data["conversion"]["error"]["code"] == "over_loan"
    sales.complete(instance, "Task_LoanDecision", "rep_east1", {"loan_action": "convert",
                                                                "convert_lines": [{"line_no": 1, "qty": 2}]})
    sales.reject(instance, "Task_OrderReview", "sales_admin", "客户未确认价格")
    assert instance.data["unconversion"]["lines"][0]["still_out"] == "2"
    assert sales.ready_elements(instance) == ["Task_LoanDecision"] and all_invariants_hold()
    give_back(sales, instance, [{"line_no": 1, "qty": 2}], [{"line_no": 1, "quality": "saleable"}])
    assert instance.status is InstanceStatus.completed


def test_over_the_credit_limit_the_request_goes_back(sales, customer_code):
    instance = sales.start("borrow_to_sale", request(customer_code(MAIL)), "rep_east2")
    assert instance.data["loan"]["error"]["code"] == "credit_hold"
    assert sales.ready_elements(instance) == ["Task_ReviseLoan"]


def test_attacks_are_refused(sales, customer_code, frozen_clock):
    from app.errors import Forbidden, ValidationFailed

    with pytest.raises(Forbidden):
        sales.start("borrow_to_sale", request(customer_code(DEALER)), "warehouse")  # no right to start
    instance = sales.start("borrow_to_sale", request(customer_code(DEALER)), "rep_east1")
    with pytest.raises(Forbidden):
        sales.approve(instance, "Task_ManagerApproval", "rep_east1")  # own loan
    for forged in ({"loan": {"ok": True, "loan_no": "LN-OTHER", "loan_value": 1}}, {"gm_approval_required": False},
                   {"approved_by": "gm"}):
        with pytest.raises(ValidationFailed):
            sales.complete(instance, "Task_ManagerApproval", "rm_east", {"decision": "approve", **forged})
    sales.approve(instance, "Task_ManagerApproval", "rm_east")
    sales.approve(instance, "Task_DirectorApproval", "director")
    sales.complete(instance, "Task_DeliverLoan", "warehouse", {
        "receiver_name": "王强", "signed_receipt": save_bytes("r.jpg", "image/jpeg", b"\xff\xd8\xff r"),
        "received": [{"line_no": 1, "received_qty": 2}]})
    due(sales, instance, frozen_clock)
    with pytest.raises(ValidationFailed):  # a typed price: the conversion is priced by the rules
        sales.complete(instance, "Task_LoanDecision", "rep_east1", {
            "loan_action": "convert", "convert_lines": [{"line_no": 1, "qty": 2, "unit_price": 1}]})
    with pytest.raises(Forbidden):  # another rep
        sales.complete(instance, "Task_LoanDecision", "rep_east2", {"loan_action": "return"})
