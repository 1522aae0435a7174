"""Invariants 11 (transfers out = transfers in + transit loss) and 12
(B's internal receivable = A's internal payable) catch the breach each is
about: rows written around the ledger's functions, as a bug would."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.ledger import checks, journal
from app.models import InternalInvoice, LedgerEntry, StockMovement, TransferIn, TransferOrder, TransferOrderLine
from tests.support.cross_org import as_user, cross_org_order, cross_org_world

D = Decimal


@pytest.fixture
def org(world):
    return cross_org_world(world)


def _failing():
    return {r["name"] for r in checks.run_all() if not r["ok"]}


def _sent(act, org):
    transfer = cross_org_order(act, org)["transfer"]["transfer_no"]
    as_user(act, org.keeper_b, "ledger.post_transfer_out", transfer=transfer, date="2026-11-04")
    return transfer


def _received(act, org, qty=10):
    transfer = _sent(act, org)
    as_user(act, org.clerk_a, "ledger.confirm_transfer_in", transfer=transfer, receiver_name="王", date="2026-11-06",
            received=[{"line_no": 1, "received_qty": qty, **({"loss_reason": "破损"} if qty < 10 else {})}])
    return transfer


def test_invariant_11_goods_taken_out_of_transit_that_nobody_received(act, world, org):
    transfer = _received(act, org, qty=8)
    assert _failing() == set()
    transfer_in = db.session.scalar(select(TransferIn).join(TransferOrder).where(TransferOrder.number == transfer))
    # a second "loss" of the same goods: more left transit than the transfer-in says
    db.session.add(StockMovement(kind="transit_loss", material_id=world.p100.id, qty=D("-1"), unit_cost=D("60"),
                                 batch_no="F2610-P100", movement_date=date(2026, 11, 7), location="in_transit",
                                 warehouse_id=org.fac1.id, source_key=f"{transfer_in.confirmed_key}#1", seq=999))
    db.session.flush()
    assert "transfers_balance" in _failing()


def test_invariant_11_a_transfer_out_that_never_went_in_transit(act, world, org):
    transfer = _sent(act, org)
    assert _failing() == set()
    transfer_in = db.session.scalar(select(TransferIn).join(TransferOrder).where(TransferOrder.number == transfer))
    db.session.add(StockMovement(kind="transfer_out", material_id=world.p100.id, qty=D("-2"), unit_cost=D("60"),
                                 batch_no="F2610-P100", movement_date=date(2026, 11, 4), location="warehouse",
                                 warehouse_id=org.fac1.id, source_key=f"{transfer_in.out_key}#1", seq=999))
    db.session.flush()
    assert "transfers_balance" in _failing()


def test_invariant_11_more_received_than_sent(act, world, org):
    transfer = _received(act, org)
    line = db.session.scalar(select(TransferOrderLine).join(TransferOrder).where(TransferOrder.number == transfer))
    line.qty_received = line.qty_received + 1  # a running total bumped around the ledger
    db.session.flush()
    assert "transfers_balance" in _failing()


def test_invariant_12_an_internal_receivable_without_its_payable(act, world, org):
    _received(act, org)
    number = as_user(act, org.fin_b, "ledger.prepare_internal_settlement", supplier_org="FAC", buyer_org="HQ",
                     period="2026-11", date="2026-11-30")["settlement_no"]
    as_user(act, org.fin_b, "ledger.confirm_internal_settlement", settlement=number, side="supplier")
    as_user(act, org.fin_a, "ledger.confirm_internal_settlement", settlement=number, side="buyer")
    as_user(act, org.fin_a, "ledger.post_internal_invoice", settlement=number, date="2026-11-30")
    assert _failing() == set()
    invoice = db.session.scalar(select(InternalInvoice))
    # B's receivable raised against B's own revenue: still balanced, no longer A's payable
    db.session.add_all([
        LedgerEntry(source_type="internal_invoice", source_id=invoice.id, account=journal.INTERNAL_RECEIVABLE,
                    org_unit_id=org.fac.id, debit=D("10.00"), credit=D("0"), posting_date=date(2026, 11, 30)),
        LedgerEntry(source_type="internal_invoice", source_id=invoice.id, account=journal.INTERNAL_REVENUE,
                    org_unit_id=org.fac.id, debit=D("0"), credit=D("10.00"), posting_date=date(2026, 11, 30))])
    db.session.flush()
    assert _failing() == {"internal_settlements"}


def test_invariant_12_one_transfer_on_two_live_settlements(act, world, org):
    from app.models import InternalSettlement, InternalSettlementLine
    _received(act, org)
    number = as_user(act, org.fin_b, "ledger.prepare_internal_settlement", supplier_org="FAC", buyer_org="HQ",
                     period="2026-11", date="2026-11-30")["settlement_no"]
    first = db.session.scalar(select(InternalSettlement).where(InternalSettlement.number == number))
    line = first.lines[0]
    db.session.add(InternalSettlement(number="IS-ROGUE", period="2026-11", supplier_org_id=org.fac.id,
                                      buyer_org_id=org.hq.id, price_list_id=first.price_list_id, status="draft",
                                      net=line.net, tax=line.tax, gross=line.gross, source_key="rogue-settlement",
                                      lines=[InternalSettlementLine(line_no=1, transfer_line_id=line.transfer_line_id,
                                                                    material_id=line.material_id, qty=line.qty,
                                                                    unit_price=line.unit_price,
                                                                    price_item_id=line.price_item_id, tax_rate=line.tax_rate,
                                                                    net=line.net, tax=line.tax, gross=line.gross)]))
    db.session.flush()
    assert "internal_settlements" in _failing()
