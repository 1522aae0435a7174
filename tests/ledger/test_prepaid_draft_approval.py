"""A prepaid (mail) order saved as a draft (seed L98: saved, not approved
while a line has no price) is approved by its review and stays held for its
money (``keep_hold``); only then does the payment release it for shipping."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.models import SalesOrder
from tests.support.ledger_harness import all_invariants_hold
from tests.support.unpriced import add_unpriced_kit

D = Decimal


@pytest.fixture
def prepaid(world):
    world.c3.credit_limit = D("0")  # pays first, like a mail-order customer
    db.session.flush()
    return world


def _draft(act, lines):
    return act("ledger.create_sales_order", customer="C00001", lines=lines, date="2026-11-03", draft=True)


def _order(number):
    return db.session.scalar(select(SalesOrder).where(SalesOrder.number == number))


def test_the_review_approves_a_held_draft_which_the_payment_then_releases(prepaid, act):
    draft = _draft(act, [{"material": "P100", "qty": 2}])
    assert (draft["status"], draft["held"]) == ("held", True) and _order(draft["order_no"]).approved_at is None
    with pytest.raises(BusinessRuleViolation) as caught:  # F01's rule stands: credit first
        act("ledger.approve_sales_order", order=draft["order_no"])
    assert caught.value.code == "order_on_hold"
    approved = act("ledger.approve_sales_order", order=draft["order_no"], keep_hold=True)
    assert approved["status"] == "held" and _order(draft["order_no"]).approved_at is not None  # approved, not released
    again = act("ledger.approve_sales_order", order=draft["order_no"], keep_hold=True)
    assert again["status"] == "held"  # safe to repeat
    act("ledger.record_receipt", customer="C00001", amount="215.83", date="2026-11-04")
    assert act("ledger.release_prepaid_order", order=draft["order_no"])["status"] == "approved"
    act("ledger.create_shipping_note", order=draft["order_no"], date="2026-11-05")
    assert all_invariants_hold()


def test_a_paid_draft_nobody_approved_does_not_ship(prepaid, act):
    draft = _draft(act, [{"material": "P100", "qty": 2}])
    act("ledger.record_receipt", customer="C00001", amount="215.83", date="2026-11-04")
    assert act("ledger.release_prepaid_order", order=draft["order_no"])["status"] == "draft"
    with pytest.raises(BusinessRuleViolation) as caught:
        act("ledger.create_shipping_note", order=draft["order_no"], date="2026-11-05")
    assert caught.value.code == "order_not_approved"


def test_keeping_the_hold_never_approves_a_line_without_a_price(prepaid, act):
    add_unpriced_kit()
    draft = _draft(act, [{"material": "P100", "qty": 2}, {"material": "KIT001", "qty": 1}])
    assert draft["unpriced_lines"] == [2]
    with pytest.raises(BusinessRuleViolation) as caught:
        act("ledger.approve_sales_order", order=draft["order_no"], keep_hold=True)
    assert caught.value.code == "unpriced_line" and caught.value.details["lines"] == [2]
    assert _order(draft["order_no"]).approved_at is None
    act("ledger.record_receipt", customer="C00001", amount="500", date="2026-11-04")
    assert act("ledger.release_prepaid_order", order=draft["order_no"])["status"] == "draft"  # money does not price it
    assert all_invariants_hold()
