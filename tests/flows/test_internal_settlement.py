"""F18 internal_settlement with the real diagram: the month's transfers
from the factory FAC to HQ listed at the internal price, FAC's finance
confirms its side, HQ's finance its side, the internal invoice posts;
each side only by its own organisation's finance (the other one's attempt
comes back to the step), a rejection ends with its reason, nothing to
settle goes back to the requester, a refused invoice is retried; a typed
price or a forged result at a step is refused."""
import pytest
from sqlalchemy import select

from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.models import InstanceStatus, InternalInvoice, InternalSettlement
from tests.support.cross_org_flow import receive, send, ship, sign, signed_for, to_signing
from tests.support.ledger_harness import all_invariants_hold

MONTH = {"period": "2026-12", "supplier_org": "FAC", "buyer_org": "HQ", "settle_date": "2026-12-05"}
CONFIRM = {"confirm_decision": "confirm", "confirm_reason": "与调拨出入库核对一致"}


@pytest.fixture
def transferred(sales, customer_code):
    """One cross-organisation sale through the seller's warehouse, delivered."""
    instance = to_signing(sales, customer_code)
    sign(sales, instance)
    send(sales, instance)
    receive(sales, instance, 10)
    ship(sales, instance)
    sales.complete(instance, "Task_CustomerSigns", "driver", signed_for(10))
    assert instance.status is InstanceStatus.completed
    return instance


def _settlement():
    return db.session.scalar(select(InternalSettlement))


def test_both_sides_confirm_and_the_internal_invoice_posts(sales, transferred):
    instance = sales.start("internal_settlement", dict(MONTH), "finance")
    listed = instance.data["settlement_result"]
    assert listed["price_list"] == "FAC-INT" and len(listed["lines"]) == 1 and listed["lines"][0]["qty"] == "10"
    sales.complete(instance, "Task_SupplierConfirms", "fac_finance", CONFIRM)
    sales.complete(instance, "Task_BuyerConfirms", "finance", CONFIRM)
    assert instance.status is InstanceStatus.completed
    [invoice] = db.session.scalars(select(InternalInvoice)).all()
    assert instance.data["invoice_result"]["internal_invoice_no"] == invoice.number
    assert _settlement().status != "draft" and all_invariants_hold()


def test_each_side_only_by_its_own_organisations_finance(sales, transferred):
    # each side is offered to its own organisation's finance only (takenByOrg);
    # the other's finance is refused at the door, before the ledger's check
    instance = sales.start("internal_settlement", dict(MONTH), "finance")
    with pytest.raises(Forbidden):
        sales.complete(instance, "Task_SupplierConfirms", "finance", CONFIRM)  # HQ's finance on FAC's side
    assert sales.ready_elements(instance) == ["Task_SupplierConfirms"]
    sales.complete(instance, "Task_SupplierConfirms", "fac_finance", CONFIRM)
    with pytest.raises(Forbidden):
        sales.complete(instance, "Task_BuyerConfirms", "fac_finance", CONFIRM)  # FAC's finance on HQ's side
    assert sales.ready_elements(instance) == ["Task_BuyerConfirms"] and _settlement().status == "draft"
    assert db.session.scalars(select(InternalInvoice)).all() == [] and all_invariants_hold()


@pytest.mark.parametrize("rejecting", ["supplier", "buyer"])
def test_a_rejection_ends_the_settlement_with_its_reason(sales, transferred, rejecting):
    instance = sales.start("internal_settlement", dict(MONTH), "finance")
    reject = {"confirm_decision": "reject", "confirm_reason": "数量与出库单不符"}
    sales.complete(instance, "Task_SupplierConfirms", "fac_finance", reject if rejecting == "supplier" else CONFIRM)
    if rejecting == "buyer":
        sales.complete(instance, "Task_BuyerConfirms", "finance", reject)
    assert instance.status is InstanceStatus.completed
    assert _settlement().status == "rejected" and _settlement().rejection_reason == "数量与出库单不符"
    assert db.session.scalars(select(InternalInvoice)).all() == [] and all_invariants_hold()


def test_nothing_to_settle_goes_back_to_the_requester(sales, transferred):
    instance = sales.start("internal_settlement", {**MONTH, "period": "2026-10"}, "finance")
    assert instance.data["settlement_result"]["error"]["code"] == "nothing_to_settle"
    assert sales.ready_elements(instance) == ["Task_ResolvePrepare"]
    sales.complete(instance, "Task_ResolvePrepare", "finance", {"problem_action": "retry", "period": "2026-12"})
    assert sales.ready_elements(instance) == ["Task_SupplierConfirms"]
    other = sales.start("internal_settlement", {**MONTH, "period": "2026-09"}, "finance")
    sales.complete(other, "Task_ResolvePrepare", "finance", {"problem_action": "cancel"})
    assert other.status is InstanceStatus.completed


def test_a_refused_internal_invoice_is_retried(sales, transferred, refuse_once):
    refuse_once("ledger.post_internal_invoice", "period_closed", "The period is closed.")
    instance = sales.start("internal_settlement", dict(MONTH), "finance")
    sales.complete(instance, "Task_SupplierConfirms", "fac_finance", CONFIRM)
    sales.complete(instance, "Task_BuyerConfirms", "finance", CONFIRM)
    assert instance.data["invoice_result"]["error"]["code"] == "period_closed"
    sales.complete(instance, "Task_ResolveInvoice", "finance", {"settle_date": "2026-12-06"})
    assert instance.status is InstanceStatus.completed and all_invariants_hold()


def test_a_typed_price_or_a_forged_result_is_refused(sales, transferred):
    with pytest.raises(ValidationFailed):
        sales.start("internal_settlement", {**MONTH, "lines": [{"transfer_no": "x", "line_no": 1, "unit_price": "1"}]},
                    "finance")
    instance = sales.start("internal_settlement", dict(MONTH), "finance")
    with pytest.raises(ValidationFailed):
        sales.complete(instance, "Task_SupplierConfirms", "fac_finance",
                       {**CONFIRM, "supplier_result": {"ok": True, "status": "confirmed"}})
    assert sales.ready_elements(instance) == ["Task_SupplierConfirms"] and _settlement().status == "draft"
