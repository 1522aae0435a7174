"""F18 across organisations, at the ledger: HQ sells, the factory FAC
supplies from its warehouse, to HQ's warehouse (full receipt, transit loss)
or straight to the customer; the invariants hold after every posting and
the controls refuse what a dishonest user would try."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import internal_pricing, journal
from app.ledger.shipping import on_hand
from app.ledger.stock_places import main_warehouse
from app.models import LedgerEntry, SalesOrder, ShippingNote, StockMovement
from tests.support.cross_org import as_user, cross_org_order, cross_org_world
from tests.support.ledger_harness import all_invariants_hold


@pytest.fixture
def org(world):
    return cross_org_world(world)


def _in_transit(material_id):
    return db.session.scalar(select(func.coalesce(func.sum(StockMovement.qty), 0)).where(
        StockMovement.material_id == material_id, StockMovement.location == "in_transit")) or Decimal(0)


def _refused(code, act, user, operation, **params):
    with pytest.raises(BusinessRuleViolation) as caught:
        as_user(act, user, operation, **params)
    assert caught.value.code == code, caught.value
    return caught.value


def test_transfer_via_the_seller_fully_received_then_shipped_from_its_warehouse(act, world, org):
    main = main_warehouse()
    made = cross_org_order(act, org)
    order = db.session.scalar(select(SalesOrder).where(SalesOrder.number == made["order_no"]))
    assert order.org_unit_id == org.hq.id and made["transfer"]["supplier_org"] == "FAC"
    transfer_no = made["transfer"]["transfer_no"]
    sent = as_user(act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer_no, date="2026-11-04")
    assert sent["status"] == "out" and sent["transfer_in_no"]  # A's transfer-in made automatically
    assert on_hand(world.p100.id, org.fac1.id) == 190 and _in_transit(world.p100.id) == 10
    assert all_invariants_hold()
    received = as_user(act, org.clerk_a, "ledger.confirm_transfer_in", transfer=transfer_no, receiver_name="王库管",
                       date="2026-11-06", received=[{"line_no": 1, "received_qty": 10}])
    assert received["status"] == "received" and received["lines"][0]["qty_lost"] == "0"
    assert on_hand(world.p100.id, main.id) == 1510 and _in_transit(world.p100.id) == 0
    assert all_invariants_hold()
    shipped = as_user(act, org.clerk_a, "ledger.ship_cross_org_order", transfer=transfer_no, date="2026-11-07")
    assert shipped["warehouse"] == "MAIN" and on_hand(world.p100.id, main.id) == 1500
    invoice = act("ledger.issue_invoice", order=made["order_no"], date="2026-11-08")
    assert Decimal(invoice["gross"]) == order.gross
    assert all_invariants_hold()


def test_transit_loss_is_signed_for_and_posted_in_the_sellers_books(act, world, org):
    made = cross_org_order(act, org)
    transfer_no = made["transfer"]["transfer_no"]
    as_user(act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer_no, date="2026-11-04")
    with pytest.raises(BusinessRuleViolation) as caught:  # a loss needs its reason
        as_user(act, org.clerk_a, "ledger.confirm_transfer_in", transfer=transfer_no, receiver_name="王库管",
                date="2026-11-06", received=[{"line_no": 1, "received_qty": 8}])
    assert caught.value.code == "loss_reason_required"
    result = as_user(act, org.clerk_a, "ledger.confirm_transfer_in", transfer=transfer_no, receiver_name="王库管",
                     date="2026-11-06", received=[{"line_no": 1, "received_qty": 8, "loss_reason": "运输破损"}])
    assert result["lines"][0] == {"line_no": 1, "material": "P100", "qty": "10", "qty_out": "10", "qty_received": "8",
                                  "qty_lost": "2"}
    loss = db.session.execute(select(LedgerEntry.account, LedgerEntry.debit, LedgerEntry.credit, LedgerEntry.org_unit_id)
                              .where(LedgerEntry.source_type == "transfer_in")).all()
    assert sorted(loss) == sorted([("6711", Decimal("120.00"), Decimal("0.00"), org.hq.id),
                                   (journal.INVENTORY, Decimal("0.00"), Decimal("120.00"), org.hq.id)])
    assert _in_transit(world.p100.id) == 0
    assert all_invariants_hold()
    shipped = as_user(act, org.clerk_a, "ledger.ship_cross_org_order", transfer=transfer_no, date="2026-11-07")
    note = db.session.scalar(select(ShippingNote).where(ShippingNote.number == shipped["shipping_note_no"]))
    assert [line.qty for line in note.lines] == [8]  # what arrived ships; the lost 2 stay open on the order
    assert all_invariants_hold()


def test_direct_shipment_leaves_the_factory_for_the_customer(act, world, org):
    main = main_warehouse()
    made = cross_org_order(act, org, mode="direct")
    transfer_no = made["transfer"]["transfer_no"]
    _refused("direct_shipment", act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer_no, date="2026-11-04")
    shipped = as_user(act, org.clerk_a, "ledger.ship_cross_org_order", transfer=transfer_no, date="2026-11-05")
    assert shipped["warehouse"] == "FAC1" and shipped["transfer"]["status"] == "received"
    assert shipped["transfer"]["lines"][0]["qty_out"] == "10" == shipped["transfer"]["lines"][0]["qty_received"]
    assert on_hand(world.p100.id, org.fac1.id) == 190 and on_hand(world.p100.id, main.id) == 1500
    assert _in_transit(world.p100.id) == 0
    assert all_invariants_hold()


def test_receiving_more_than_was_sent_is_refused(act, world, org):
    made = cross_org_order(act, org)
    transfer_no = made["transfer"]["transfer_no"]
    as_user(act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer_no, date="2026-11-04")
    problem = _refused("invalid_received_qty", act, org.clerk_a, "ledger.confirm_transfer_in", transfer=transfer_no,
                       receiver_name="王库管", date="2026-11-06", received=[{"line_no": 1, "received_qty": 11}])
    assert problem.field == "received"
    assert all_invariants_hold()


def test_only_the_supplier_signs_sends_and_only_the_seller_receives(act, world, org):
    made = as_user(act, org.clerk_a, "ledger.create_cross_org_order", customer="D00001", warehouse="FAC1",
                   date="2026-11-03", lines=[{"material": "P100", "qty": 5}])
    transfer_no = made["transfer"]["transfer_no"]
    _refused("not_member_of_org", act, org.clerk_a, "ledger.sign_transfer_order", transfer=transfer_no)
    _refused("transfer_not_signed", act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer_no, date="2026-11-04")
    as_user(act, org.keeper_b, "ledger.sign_transfer_order", transfer=transfer_no)
    _refused("not_member_of_org", act, org.clerk_a, "ledger.post_transfer_out", transfer=transfer_no, date="2026-11-04")
    as_user(act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer_no, date="2026-11-04")
    _refused("not_member_of_org", act, org.keeper_b, "ledger.confirm_transfer_in", transfer=transfer_no,
             receiver_name="x", date="2026-11-06", received=[{"line_no": 1, "received_qty": 5}])


def test_internal_pricing_is_refused_for_an_organisation_that_does_not_sell(act, world, org):
    with pytest.raises(BusinessRuleViolation) as caught:
        internal_pricing.make_internal_price_list("LOG-INT", "物流内部价", org.log)
    assert caught.value.code == "not_sales_organisation"
    with pytest.raises(BusinessRuleViolation) as caught:  # a list of a sales organisation, a rule with a stock-only supplier
        internal_pricing.add_internal_price_rule(supplier=org.log, buyer=org.hq, price_list=org.internal,
                                                 valid_from=date(2026, 1, 1))
    assert caught.value.code == "not_sales_organisation"
    with pytest.raises(BusinessRuleViolation) as caught:  # a customer's price list is not an internal one
        internal_pricing.add_internal_price_rule(supplier=org.fac, buyer=org.log, price_list=world.standard,
                                                 valid_from=date(2026, 1, 1))
    assert caught.value.code == "not_internal_price_list"
    # a person of the stock-only organisation cannot sell across organisations either
    _refused("not_sales_organisation", act, org.keeper_c, "ledger.create_cross_org_order", customer="D00001",
             warehouse="FAC1", date="2026-11-03", lines=[{"material": "P100", "qty": 1}])


def test_a_supplier_that_stopped_selling_gets_no_internal_price(act, world, org):
    made = cross_org_order(act, org)
    as_user(act, org.keeper_b, "ledger.post_transfer_out", transfer=made["transfer"]["transfer_no"], date="2026-11-04")
    org.fac.is_sales = False
    db.session.flush()
    _refused("not_sales_organisation", act, org.fin_b, "ledger.prepare_internal_settlement", supplier_org="FAC",
             buyer_org="HQ", period="2026-11", date="2026-11-30")
