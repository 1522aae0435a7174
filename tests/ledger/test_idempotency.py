"""A retried or replayed step posts once: the same call twice gives the same
result and writes nothing the second time."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Allocation, Contract, ContractAmendment, CreditOverride, Customer, CustomerCredit, CustomerProfile, EmployeeAdvance,
    ExpenseClaim, Invoice, LedgerEntry, Receipt, Reimbursement, SalesOrder, SalesOrderCancellation, ShippingNote,
    StockMovement,
)
from tests.support.ledger_harness import new_call

TABLES = (SalesOrder, ShippingNote, StockMovement, Invoice, Receipt, Allocation, LedgerEntry, CustomerCredit, CreditOverride,
          Contract, ContractAmendment, Customer, CustomerProfile, EmployeeAdvance, ExpenseClaim, Reimbursement,
          SalesOrderCancellation)


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def _twice(act, operation, **params):
    call = new_call(operation)
    first = act(operation, call=call, **params)
    before = _counts()
    second = act(operation, call=call, **params)
    assert second == first
    assert _counts() == before
    return first


def test_every_posting_action_posts_once_per_call(world, act):
    order = _twice(act, "ledger.create_sales_order", customer="D00002", lines=[{"material": "P100", "qty": 9}], date="2026-11-03")
    _twice(act, "ledger.release_credit_hold", order=order["order_no"], approver="director_test")
    note = _twice(act, "ledger.create_shipping_note", order=order["order_no"], date="2026-11-03")
    _twice(act, "ledger.post_outbound", shipping_note=note["shipping_note_no"], date="2026-11-03")
    _twice(act, "ledger.register_shipment", shipping_note=note["shipping_note_no"], tracking_number="SF123")
    _twice(act, "ledger.issue_invoice", order=order["order_no"], date="2026-11-04")
    receipt = _twice(act, "ledger.record_receipt", customer="D00002", amount="500", date="2026-11-05")
    made = _twice(act, "ledger.allocate_receipt", receipt=receipt["receipt_no"], date="2026-11-05")
    _twice(act, "ledger.reverse_allocation", allocation_id=made["allocations"][0]["allocation_id"], date="2026-11-05")
    _twice(act, "ledger.record_advance", customer="D00002", amount="50", date="2026-11-05")
    _twice(act, "ledger.post_return", order=order["order_no"], lines=[{"line_no": 1, "qty": 2}], date="2026-11-06")
    _twice(act, "ledger.set_credit", customer="D00002", credit_limit="8000", rating="A")
    _twice(act, "ledger.close_period", month="2026-09")


def test_master_data_expenses_and_cancellations_post_once_per_call(world, act):
    _twice(act, "ledger.register_contract", customer="D00001", number="HT-ONCE-1", amount_cap="9000", valid_from="2026-11-01")
    _twice(act, "ledger.amend_contract", contract="HT-ONCE-1", valid_from="2026-11-15", amount_cap="12000")
    _twice(act, "ledger.close_contract", contract="HT-ONCE-1", reason="到期", date="2026-11-20")
    _twice(act, "ledger.create_customer", name="一次经销", region="华东")
    _twice(act, "ledger.change_customer", customer="D00002", payment_days=45, reason="账期调整")
    advance = _twice(act, "ledger.pay_advance", employee="rep_test", amount="300", purpose="推广", date="2026-11-03")
    claim = _twice(act, "ledger.settle_advance", advance=advance["advance_no"], date="2026-11-10",
                   claim_lines=[{"category": "差旅费", "amount": "400"}])
    _twice(act, "ledger.pay_reimbursement", claim=claim["claim_no"], date="2026-11-11")
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}], date="2026-11-03")
    _twice(act, "ledger.cancel_sales_order", order=order["order_no"], reason="客户取消", date="2026-11-04")


def test_a_new_call_posts_again(world, act):
    act("ledger.record_receipt", customer="D00002", amount="10", date="2026-11-05")
    act("ledger.record_receipt", customer="D00002", amount="10", date="2026-11-05")
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 2


def test_a_posting_is_saved_or_lost_with_the_step_that_caused_it(world, act):
    """Actions flush and never commit: when the unit of work that ran the
    step fails after the posting, the posting is rolled back with it."""
    from app.models import LedgerEntry, Receipt
    from app.services.unit_of_work import use_case

    db.session.commit()  # the world is saved before the step (the test's outer transaction still ends in a rollback)

    @use_case
    def step_that_fails_after_posting():
        act("ledger.record_receipt", customer="D00001", amount="100", date="2026-11-10")
        assert db.session.scalar(select(func.count()).select_from(Receipt)) == 1  # posted in this transaction
        raise RuntimeError("the workflow step failed after the posting")

    with pytest.raises(RuntimeError):
        step_that_fails_after_posting()
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 0
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.source_type == "receipt")) == 0

    @use_case
    def step_that_succeeds():
        return act("ledger.record_receipt", customer="D00001", amount="100", date="2026-11-10")

    step_that_succeeds()
    assert db.session.scalar(select(func.count()).select_from(Receipt)) == 1
