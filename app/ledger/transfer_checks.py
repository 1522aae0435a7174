"""Invariants of trade between the group's organisations (issue 22). Run
by app.ledger.checks.run_all.

11. transfers: per transfer line, out = received + lost + still in transit,
    received + lost ≤ out ≤ ordered; what left B's warehouse = what went in
    transit; per confirmed transfer-in line, sent = received + loss; and
    per transfer line, the stock in transit never goes below zero.
12. internal settlements: per internal invoice, B's internal receivable
    (112201 in B's books) = A's internal payable (220201 in A's books) =
    the invoice's gross, and each organisation's own entries of the
    invoice balance; per settlement, its totals are the sum of its lines;
    no transfer line is on two settlements that are not rejected."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select

from app.extensions import db
from app.ledger import journal
from app.models import (InternalInvoice, InternalSettlement, InternalSettlementLine, LedgerEntry, StockMovement,
                        TransferIn, TransferInLine, TransferOrder, TransferOrderLine)

ZERO = Decimal("0")
TRANSFER_KINDS = ("transfer_out", "transfer_in", "transit_loss")


def _result(name: str, violations: list) -> dict:
    return {"name": name, "ok": not violations, "violations": violations}


def transfers_balance() -> dict:
    """11 (see the module)."""
    moved: dict = defaultdict(lambda: ZERO)  # (line key, location, kind) → qty
    for key, location, kind, qty in db.session.execute(
            select(StockMovement.source_key, StockMovement.location, StockMovement.kind, func.sum(StockMovement.qty))
            .where(StockMovement.kind.in_(TRANSFER_KINDS))
            .group_by(StockMovement.source_key, StockMovement.location, StockMovement.kind)):
        moved[(key.rpartition("#")[0], key.rpartition("#")[2], location, kind)] += qty
    transit_by_out: dict = defaultdict(lambda: ZERO)
    left_by_out: dict = defaultdict(lambda: ZERO)
    out_keys = dict(db.session.execute(select(TransferIn.transfer_id, TransferIn.out_key)).all())
    confirmed_keys = dict(db.session.execute(select(TransferIn.transfer_id, TransferIn.confirmed_key)).all())
    for (key, line_no, location, kind), qty in moved.items():
        if kind == "transfer_out":
            (transit_by_out if location == "in_transit" else left_by_out)[(key, line_no)] += qty
    violations = []
    for line_id, number, mode, transfer_id, line_no, ordered, out, received, lost in db.session.execute(
            select(TransferOrderLine.id, TransferOrder.number, TransferOrder.mode, TransferOrder.id, TransferOrderLine.line_no,
                   TransferOrderLine.qty, TransferOrderLine.qty_out, TransferOrderLine.qty_received, TransferOrderLine.qty_lost)
            .join(TransferOrder)):
        problem = {"transfer": number, "line_no": line_no, "out": str(out), "received": str(received), "lost": str(lost)}
        if not (ZERO <= received + lost <= out <= ordered):
            violations.append({**problem, "problem": "received + lost ≤ out ≤ ordered"})
            continue
        if mode == "direct":
            if received + lost != out:
                violations.append({**problem, "problem": "direct: out = received"})
            continue
        out_key, in_key, no = out_keys.get(transfer_id), confirmed_keys.get(transfer_id), str(line_no)
        went = transit_by_out.get((out_key, no), ZERO)
        left = -left_by_out.get((out_key, no), ZERO)
        came_in = -moved.get((in_key, no, "in_transit", "transfer_in"), ZERO) if in_key else ZERO
        lost_moved = -moved.get((in_key, no, "in_transit", "transit_loss"), ZERO) if in_key else ZERO
        stored = moved.get((in_key, no, "warehouse", "transfer_in"), ZERO) if in_key else ZERO
        if left != out or went != out or came_in != received or stored != received or lost_moved != lost:
            violations.append({**problem, "problem": "movements differ from the transfer",
                               "left_warehouse": str(left), "in_transit": str(went), "received_moved": str(came_in),
                               "stored": str(stored), "lost_moved": str(lost_moved)})
        elif went - came_in - lost_moved < ZERO:
            violations.append({**problem, "problem": "negative stock in transit"})
    for number, line_no, sent, received, loss in db.session.execute(
            select(TransferIn.number, TransferInLine.line_no, TransferInLine.sent_qty, TransferInLine.received_qty,
                   TransferInLine.loss_qty).join(TransferIn).where(TransferIn.status == "confirmed")):
        if received is None or loss is None or sent != received + loss or received > sent:
            violations.append({"transfer_in": number, "line_no": line_no, "sent": str(sent), "received": str(received),
                               "loss": str(loss), "problem": "sent = received + loss"})
    return _result("transfers_balance", violations)


def internal_settlements() -> dict:
    """12 (see the module)."""
    booked: dict = defaultdict(lambda: ZERO)  # (invoice id, org, account) → debit − credit
    per_org: dict = defaultdict(lambda: ZERO)
    for source_id, org, account, debit, credit in db.session.execute(
            select(LedgerEntry.source_id, LedgerEntry.org_unit_id, LedgerEntry.account, func.sum(LedgerEntry.debit),
                   func.sum(LedgerEntry.credit)).where(LedgerEntry.source_type == "internal_invoice")
            .group_by(LedgerEntry.source_id, LedgerEntry.org_unit_id, LedgerEntry.account)):
        booked[(source_id, org, account)] += debit - credit
        per_org[(source_id, org)] += debit - credit
    violations = []
    for invoice_id, number, supplier, buyer, gross in db.session.execute(
            select(InternalInvoice.id, InternalInvoice.number, InternalInvoice.supplier_org_id, InternalInvoice.buyer_org_id,
                   InternalInvoice.gross)):
        receivable = booked[(invoice_id, supplier, journal.INTERNAL_RECEIVABLE)]
        payable = -booked[(invoice_id, buyer, journal.INTERNAL_PAYABLE)]
        if not (receivable == payable == gross) or per_org[(invoice_id, supplier)] or per_org[(invoice_id, buyer)]:
            violations.append({"internal_invoice": number, "gross": str(gross), "internal_receivable": str(receivable),
                               "internal_payable": str(payable)})
    sums = {sid: (n, t, g) for sid, n, t, g in db.session.execute(
        select(InternalSettlementLine.settlement_id, func.sum(InternalSettlementLine.net), func.sum(InternalSettlementLine.tax),
               func.sum(InternalSettlementLine.gross)).group_by(InternalSettlementLine.settlement_id))}
    for sid, number, net, tax, gross in db.session.execute(
            select(InternalSettlement.id, InternalSettlement.number, InternalSettlement.net, InternalSettlement.tax,
                   InternalSettlement.gross)):
        if sums.get(sid, (ZERO, ZERO, ZERO)) != (net, tax, gross):
            violations.append({"settlement": number, "problem": "totals differ from the lines"})
    twice = db.session.execute(
        select(InternalSettlementLine.transfer_line_id, func.count()).join(InternalSettlement)
        .where(InternalSettlement.status != "rejected").group_by(InternalSettlementLine.transfer_line_id)
        .having(func.count() > 1)).all()
    violations += [{"transfer_line": line_id, "problem": f"on {count} live settlements"} for line_id, count in twice]
    return _result("internal_settlements", violations)
