"""Credit control: exposure, holds, overrides, the second check at shipment."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger.balances import exposure
from app.models import CreditOverride, CustomerCredit
from app.actions import BusinessRuleViolation

D = Decimal


def test_exposure_is_receivables_less_advances_plus_ordered_not_invoiced(world, act, sell):
    sell("D00002", [("P100", 2)])                                                     # receivable 226.00
    act("ledger.create_sales_order", customer="D00002", lines=[{"material": "P100", "qty": 1}], date="2026-11-04")  # 113.00
    act("ledger.record_advance", customer="D00002", amount="100", date="2026-11-04")  # advance 100.00
    assert exposure(world.c2.id) == D("239.00")


def test_order_over_the_limit_is_held_and_released_by_the_director(world, act):
    order = act("ledger.create_sales_order", customer="D00002", lines=[{"material": "P100", "qty": 9}], date="2026-11-03")
    assert order["held"] is True and order["exposure"] == "1017.00" and order["credit_limit"] == "1000.00"
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-03")
    assert raised.value.code == "order_on_hold"
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.release_credit_hold", order=order["order_no"], approver="rep_test")
    assert raised.value.code == "not_authorised"
    released = act("ledger.release_credit_hold", order=order["order_no"], approver="director_test", reason="老客户")
    assert released["status"] == "approved"
    override = db.session.scalar(select(CreditOverride))
    assert override.approver_role == "sales_director" and override.exposure == D("1017.00")
    act("ledger.create_shipping_note", order=order["order_no"], date="2026-11-03")  # the override lets it ship


def test_far_over_the_directors_authority_only_the_gm_may_release(world, act):
    order = act("ledger.create_sales_order", customer="D00002", lines=[{"material": "P200", "qty": 200}], date="2026-11-03")
    assert order["held"]
    with pytest.raises(BusinessRuleViolation):
        act("ledger.release_credit_hold", order=order["order_no"], approver="director_test")
    assert act("ledger.release_credit_hold", order=order["order_no"], approver="gm_test")["status"] == "approved"


def test_shipment_release_checks_credit_again(world, act, sell):
    first = act("ledger.create_sales_order", customer="D00002", lines=[{"material": "P100", "qty": 8}], date="2026-11-03")
    assert not first["held"]  # 904.00 ≤ 1000
    act("ledger.set_credit", customer="D00002", credit_limit="500", rating="C", reason="逾期")
    with pytest.raises(BusinessRuleViolation) as raised:
        act("ledger.create_shipping_note", order=first["order_no"], date="2026-11-04")
    assert raised.value.code == "credit_hold" and raised.value.details["credit_limit"] == "500.00"


def test_customer_on_hold_gets_every_order_held(world, act):
    act("ledger.set_credit", customer="D00001", credit_limit="5000000", on_hold=True, reason="争议")
    order = act("ledger.create_sales_order", customer="D00001", lines=[{"material": "P100", "qty": 1}], date="2026-11-03")
    assert order["held"] and order["hold_reason"] == "customer on hold"


def test_mail_order_customer_passes_once_the_money_is_in(world, act):
    from app.models import Customer

    db.session.add(Customer(code="M00001", name="邮购客户甲", customer_class="DEALER", class_node=world.dealer,
                            channel="mail_order", region="西南", credit_limit=D("0")))
    db.session.flush()
    quote = act("ledger.quote", customer="M00001", lines=[{"material": "P100", "qty": 2}])
    unpaid = act("ledger.create_sales_order", customer="M00001", lines=[{"material": "P100", "qty": 2}], date="2026-11-03")
    assert unpaid["held"]
    act("ledger.record_advance", customer="M00001", amount=quote["gross"], date="2026-11-03")
    paid = act("ledger.create_sales_order", customer="M00001", lines=[{"material": "P100", "qty": 2}], date="2026-11-04")
    assert not paid["held"]


def test_credit_history_keeps_every_version(world, act):
    act("ledger.set_credit", customer="D00002", credit_limit="2000", rating="B", valid_from="2026-11-01")
    act("ledger.set_credit", customer="D00002", credit_limit="3000", rating="A", valid_from="2026-12-01")
    history = db.session.scalars(select(CustomerCredit).where(CustomerCredit.customer_id == world.c2.id)
                                 .order_by(CustomerCredit.id)).all()
    assert [(h.credit_limit, h.rating) for h in history] == [(D("2000.00"), "B"), (D("3000.00"), "A")]
    assert (world.c2.credit_limit, world.c2.credit_rating) == (D("3000.00"), "A")


@pytest.mark.parametrize("score, rating", [(25, "A"), (21, "A"), (20, "B"), (16, "B"), (15, "C"), (11, "C"), (10, "D"),
                                           (5, "D"), (None, None)])
def test_a_new_dealers_first_rating_follows_its_evaluation_total(score, rating):
    from app.ledger.credit import first_rating

    assert first_rating(score) == rating


@pytest.mark.parametrize("score", [4, 26, "20", True])
def test_a_total_outside_the_evaluation_scale_is_refused(score):
    from app.ledger.credit import first_rating

    with pytest.raises(BusinessRuleViolation) as refused:
        first_rating(score)
    assert refused.value.code == "invalid_score" and refused.value.field == "total_score"
