"""F18 monthly internal settlement, at the ledger: the month's FAC → HQ
transfers at the internal price list, each organisation's finance
confirming its own side, the internal invoice posting B's internal
receivable and revenue and A's internal payable."""
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import journal
from app.models import LedgerEntry
from tests.support.cross_org import as_user, cross_org_order, cross_org_world
from tests.support.ledger_harness import all_invariants_hold


@pytest.fixture
def org(world):
    made = cross_org_world(world)
    return made


@pytest.fixture
def month(act, org):
    """Two transfers in November: 10 P100 via HQ's warehouse (2 lost), 3 P200 direct."""
    first = cross_org_order(act, org, qty=10)
    transfer = first["transfer"]["transfer_no"]
    as_user(act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer, date="2026-11-04")
    as_user(act, org.clerk_a, "ledger.confirm_transfer_in", transfer=transfer, receiver_name="王库管", date="2026-11-06",
            received=[{"line_no": 1, "received_qty": 8, "loss_reason": "破损"}])
    second = cross_org_order(act, org, mode="direct", qty=3, material="P200", day="2026-11-10")
    as_user(act, org.clerk_a, "ledger.ship_cross_org_order", transfer=second["transfer"]["transfer_no"], date="2026-11-11")
    return [transfer, second["transfer"]["transfer_no"]]


def _prepare(act, org, **extra):
    return as_user(act, org.fin_b, "ledger.prepare_internal_settlement", supplier_org="FAC", buyer_org="HQ",
                   period="2026-11", date="2026-11-30", **extra)


def _refused(code, act, user, operation, **params):
    with pytest.raises(BusinessRuleViolation) as caught:
        as_user(act, user, operation, **params)
    assert caught.value.code == code, caught.value
    return caught.value


def test_confirmed_by_both_finances_the_internal_invoice_posts_both_books(act, org, month):
    listed = _prepare(act, org)
    # what left FAC is settled: 10 P100 at 80 (A bears the 2 lost) and 3 P200 at the class price 700, VAT 13%
    assert [(line["material"], line["qty"], line["unit_price"], line["net"]) for line in listed["lines"]] == [
        ("P100", "10", "80.00000000", "800.00"), ("P200", "3", "700.00000000", "2100.00")]
    assert (listed["net"], listed["tax"], listed["gross"]) == ("2900.00", "377.00", "3277.00")
    number = listed["settlement_no"]
    _refused("settlement_not_confirmed", act, org.fin_a, "ledger.post_internal_invoice", settlement=number, date="2026-11-30")
    as_user(act, org.fin_b, "ledger.confirm_internal_settlement", settlement=number, side="supplier")
    _refused("already_confirmed", act, org.fin_b, "ledger.confirm_internal_settlement", settlement=number, side="supplier")
    done = as_user(act, org.fin_a, "ledger.confirm_internal_settlement", settlement=number, side="buyer")
    assert done["status"] == "confirmed"
    invoiced = as_user(act, org.fin_a, "ledger.post_internal_invoice", settlement=number, date="2026-11-30")
    assert invoiced["status"] == "invoiced" and invoiced["internal_invoice_no"]
    rows = {(account, org_id): debit - credit for account, org_id, debit, credit in db.session.execute(
        select(LedgerEntry.account, LedgerEntry.org_unit_id, LedgerEntry.debit, LedgerEntry.credit)
        .where(LedgerEntry.source_type == "internal_invoice"))}
    assert rows == {(journal.INTERNAL_RECEIVABLE, org.fac.id): Decimal("3277.00"),
                    (journal.INTERNAL_REVENUE, org.fac.id): Decimal("-2900.00"),
                    (journal.OUTPUT_VAT, org.fac.id): Decimal("-377.00"),
                    (journal.INTERNAL_PURCHASES, org.hq.id): Decimal("2900.00"),
                    (journal.INPUT_VAT, org.hq.id): Decimal("377.00"),
                    (journal.INTERNAL_PAYABLE, org.hq.id): Decimal("-3277.00")}
    assert all_invariants_hold()
    _refused("nothing_to_settle", act, org.fin_b, "ledger.prepare_internal_settlement", supplier_org="FAC",
             buyer_org="HQ", period="2026-11", date="2026-11-30")


def test_rejected_by_one_finance_the_transfers_are_listed_again(act, org, month):
    number = _prepare(act, org)["settlement_no"]
    as_user(act, org.fin_b, "ledger.confirm_internal_settlement", settlement=number, side="supplier")
    _refused("reason_required", act, org.fin_a, "ledger.confirm_internal_settlement", settlement=number, side="buyer",
             agreed=False)
    rejected = as_user(act, org.fin_a, "ledger.confirm_internal_settlement", settlement=number, side="buyer", agreed=False,
                       reason="P200 直运数量待核对")
    assert rejected["status"] == "rejected"
    _refused("settlement_not_confirmed", act, org.fin_a, "ledger.post_internal_invoice", settlement=number, date="2026-11-30")
    again = _prepare(act, org)
    assert again["settlement_no"] != number and again["gross"] == "3277.00"
    assert all_invariants_hold()


def test_a_finance_of_the_buyer_cannot_confirm_the_suppliers_side(act, org, month):
    number = _prepare(act, org)["settlement_no"]
    problem = _refused("not_finance_of_org", act, org.fin_a, "ledger.confirm_internal_settlement", settlement=number,
                       side="supplier")
    assert problem.details == {"org_unit": "FAC"}
    _refused("not_finance_of_org", act, org.keeper_b, "ledger.confirm_internal_settlement", settlement=number,
             side="supplier")  # of FAC, but not finance
    _refused("invalid_side", act, org.fin_b, "ledger.confirm_internal_settlement", settlement=number, side="both")


def test_a_forged_internal_price_is_refused(act, org, month):
    problem = _refused("forged_internal_price", act, org.fin_b, "ledger.prepare_internal_settlement", supplier_org="FAC",
                       buyer_org="HQ", period="2026-11", date="2026-11-30",
                       lines=[{"transfer_no": month[0], "line_no": 1, "unit_price": "120"}])
    assert problem.field == "lines"
    typed = _prepare(act, org, lines=[{"transfer_no": month[0], "line_no": 1, "unit_price": "80"}])
    assert typed["lines"][0]["unit_price"] == "80.00000000"  # the list's own price, typed, passes
