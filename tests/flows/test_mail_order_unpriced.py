"""F02 mail_order, seed L98 (NC: 询不到价格的可以保存，不能审核) with the real
diagram: an order with a line no price is found for is saved as a draft with
the line flagged, the supervisor sees it and cannot approve it, the rejection
cancels the draft and returns the request to the representative, who has it
priced and resubmits (or changes the lines, or withdraws); and the attacks on
that control."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, SalesOrder
from app.services import tasks
from tests.support.ledger_harness import all_invariants_hold
from tests.support.unpriced import add_unpriced_kit, price_kit

MAIL = "江西设备维修服务部"  # a mail-order customer of 华东, served by rep_east2; credit limit 0
REP = "rep_east2"
SHIP_TO = {"recipient": "万师傅", "phone": "0791-8812 3456", "address": "江西省南昌市青山湖区民营科技园 18 号", "postcode": "330096"}
MIXED = [{"material": "PRT001", "qty": 3}, {"material": "KIT001", "qty": 2}]  # 85.00 × 3 priced, the kit not
LARGE = [{"material": "PMS001", "qty": 5}]  # 23250.00: reviewed whatever its prices


@pytest.fixture
def order_request(customer_code):
    def build(lines=MIXED, **extra):
        return {"customer_kind": "known", "customer": customer_code(MAIL), "lines": lines, "ship_to": SHIP_TO, **extra}

    return build


@pytest.fixture
def unpriced_material():
    return add_unpriced_kit()


def _orders():
    return list(db.session.scalars(select(SalesOrder).order_by(SalesOrder.id)))


def _approve_refused(sales, instance, as_user="sales_admin", data=None):
    with pytest.raises(ValidationFailed) as caught:
        tasks.complete_task(sales.task(instance, "Task_OrderReview").id, sales.user(as_user),
                            data or {"decision": "approve", "comment": "同意"})
    return caught.value


def _saved_unpriced(sales, order_request):
    instance = sales.start("mail_order", order_request(), REP)
    [draft] = _orders()
    assert (draft.status, draft.approved_at) == ("held", None)  # saved (held for its money), not approved
    assert [line.priced for line in draft.lines] == [True, False] and draft.lines[1].gross == Decimal("0.00")
    result = instance.data["order_result"]
    assert result["unpriced_lines"] == [2] and result["gross"] == "255.00"
    assert instance.data["order_review_required"] is False  # small, yet reviewed: a line lacks a price
    review = sales.task(instance, "Task_OrderReview")
    assert review.candidate_role == "sales_admin" and "approve_result" not in instance.data
    return instance


def test_an_unpriced_order_is_saved_the_approval_refused_and_once_priced_it_goes_on(sales, order_request, unpriced_material):
    instance = _saved_unpriced(sales, order_request)
    refused = _approve_refused(sales, instance)
    assert refused.code == "unpriced_line" and refused.details["lines"] == [2]
    assert "第2行 KIT001" in refused.details["fields"]["decision"][0]
    assert sales.ready_elements(instance) == ["Task_OrderReview"]  # the approving task did not complete
    [draft] = _orders()
    assert (draft.status, draft.approved_at) == ("held", None)
    sales.reject(instance, "Task_OrderReview", "sales_admin", "第2行维修包无价格，请补价")
    assert [o.status for o in _orders()] == ["cancelled"]  # the draft no longer counts against the customer
    revise = sales.task(instance, "Task_ReviseOrder")
    assert revise.assignee.username == REP and instance.data["order_result"]["unpriced_lines"] == [2]
    price_kit(unpriced_material)
    sales.complete(instance, "Task_ReviseOrder", REP, {**order_request(), "action": "resubmit"})
    cancelled, priced = _orders()
    assert priced.gross == Decimal("495.00") and all(line.priced for line in priced.lines)
    assert instance.data["approve_result"]["approved_by"] == REP and priced.approved_at is not None
    assert sales.ready_elements(instance) == ["Task_InformCustomer"]  # it goes on as today
    sales.complete(instance, "Task_InformCustomer", REP, {"informed_via": "phone"})
    sales.complete(instance, "Task_ConfirmPayment", "finance",
                   {"amount": 495, "receipt_date": "2026-12-03", "bank_reference": "ICBC-0791-0101"})
    assert priced.status == "approved" and sales.ready_elements(instance) == ["Task_PickGoods"]
    assert all_invariants_hold()


def test_a_large_order_priced_meanwhile_is_reviewed_again_and_approved(sales, order_request, unpriced_material):
    instance = sales.start("mail_order", order_request(LARGE + [{"material": "KIT001", "qty": 1}]), REP)
    assert instance.data["order_review_required"] is True and instance.data["order_result"]["unpriced_lines"] == [2]
    assert _approve_refused(sales, instance).code == "unpriced_line"
    sales.reject(instance, "Task_OrderReview", "sales_admin", "补价")
    price_kit(unpriced_material)
    sales.complete(instance, "Task_ReviseOrder", REP, {**order_request(LARGE + [{"material": "KIT001", "qty": 1}]),
                                                       "action": "resubmit"})
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    assert instance.data["approve_result"]["approved_by"] == "sales_admin"
    assert [(o.status, o.gross) for o in _orders()] == [("cancelled", Decimal("23250.00")), ("held", Decimal("23370.00"))]
    assert sales.ready_elements(instance) == ["Task_InformCustomer"] and instance.data["payment_days"] == 10
    assert all_invariants_hold()


@pytest.mark.parametrize("action", ["resubmit", "withdraw"])
def test_the_representative_drops_the_unpriced_product_or_withdraws(sales, order_request, unpriced_material, action):
    instance = _saved_unpriced(sales, order_request)
    sales.reject(instance, "Task_OrderReview", "sales_admin", "维修包暂无价格")
    sales.complete(instance, "Task_ReviseOrder", REP, {**order_request([{"material": "PRT001", "qty": 3}]), "action": action})
    if action == "resubmit":
        assert [(o.status, o.gross) for o in _orders()] == [("cancelled", Decimal("255.00")), ("held", Decimal("255.00"))]
        assert sales.ready_elements(instance) == ["Task_InformCustomer"]
    else:
        assert instance.status is InstanceStatus.completed and [o.status for o in _orders()] == ["cancelled"]
    assert all_invariants_hold()


def test_a_draft_cancelled_by_hand_is_refused_approval_and_the_supervisor_retries(sales, act, order_request, create_user):
    instance = sales.start("mail_order", order_request(LARGE), REP)
    act("ledger.cancel_sales_order", order=instance.data["order_result"]["order_no"], reason="客户电话取消")
    sales.approve(instance, "Task_OrderReview", "sales_admin")
    assert instance.data["approve_result"]["error"]["code"] == "order_cancelled"
    sales.complete(instance, "Task_ResolveOrderProblem", "sales_admin", {"action": "retry", "resolution_note": "客户又要了"})
    assert [o.status for o in _orders()] == ["cancelled", "held"]
    create_user("office_deputy", roles=["sales_admin"])  # who retried made the order: another supervisor approves it
    sales.approve(instance, "Task_OrderReview", "office_deputy")
    assert sales.ready_elements(instance) == ["Task_InformCustomer"]
    assert all_invariants_hold()


def test_a_rejected_draft_already_cancelled_by_hand_still_goes_back_to_the_representative(sales, act, order_request):
    instance = sales.start("mail_order", order_request(LARGE), REP)
    act("ledger.cancel_sales_order", order=instance.data["order_result"]["order_no"], reason="客户电话取消")
    sales.reject(instance, "Task_OrderReview", "sales_admin", "客户已取消")
    assert instance.data["draft_cancel_result"]["error"]["code"] == "already_cancelled"
    sales.complete(instance, "Task_ReviseOrder", REP, {**order_request(LARGE), "action": "withdraw"})
    assert instance.status is InstanceStatus.completed and all_invariants_hold()


FORGED = [
    {"decision": "approve", "order_result": {"order_no": "SO-X", "unpriced_lines": [], "gross": "495.00"}},
    {"decision": "approve", "lines": [{"material": "KIT001", "qty": 2, "unit_price": 1}]},
    {"decision": "approve", "unpriced_lines": []},
]


@pytest.mark.parametrize("forged", FORGED, ids=["order_result", "lines", "unpriced_lines"])
def test_the_approver_cannot_forge_prices_into_the_read_only_review(sales, order_request, unpriced_material, forged):
    instance = _saved_unpriced(sales, order_request)
    before = dict(instance.data["order_result"])
    refused = _approve_refused(sales, instance, data=forged)
    assert set(refused.details["fields"]) & (set(forged) - {"decision"})
    assert sales.ready_elements(instance) == ["Task_OrderReview"] and instance.data["order_result"] == before
    assert [(o.status, o.approved_at) for o in _orders()] == [("held", None)]


def test_the_order_taker_cannot_approve_their_own_order(sales, order_request, unpriced_material, create_user, customer_code):
    create_user("rep_admin", roles=["sales_rep", "sales_admin"])
    instance = sales.start("mail_order", order_request(LARGE), "rep_admin")
    with pytest.raises(Forbidden) as caught:
        tasks.complete_task(sales.task(instance, "Task_OrderReview").id, sales.user("rep_admin"), {"decision": "approve"})
    assert caught.value.code == "segregation_of_duties"
    assert [(o.status, o.approved_at) for o in _orders()] == [("held", None)]


def test_a_forged_order_number_cannot_approve_or_cancel_another_requests_order(sales, order_request, unpriced_material):
    from app.actions import ActionCall, BusinessRuleViolation, run_action

    theirs = _saved_unpriced(sales, order_request)
    mine = sales.start("mail_order", order_request(LARGE), REP)
    number = theirs.data["order_result"]["order_no"]
    for operation, params in (("ledger.approve_sales_order", {"order": number, "keep_hold": True}),
                              ("ledger.cancel_sales_order", {"order": number, "reason": "forged"})):
        call = ActionCall(mine.id, "forged-task", "Task_ApproveOrder", operation, sales.user("sales_admin").id)
        with pytest.raises(BusinessRuleViolation) as caught:
            run_action(call, params)
        assert caught.value.code == "not_this_request"
    with pytest.raises(ValidationFailed) as caught:  # nor can a person plant it in a form
        tasks.complete_task(sales.task(mine, "Task_OrderReview").id, sales.user("sales_admin"),
                            {"decision": "reject", "comment": "x", "order_result": {"order_no": number}})
    assert "order_result" in caught.value.details["fields"]
    assert [(o.status, o.approved_at) for o in _orders()][0] == ("held", None)
