"""Monthly internal settlement (内部结算清单, NC seed L104) and internal
invoices (内部交易发票, L116).

The settlement lists the month's transfers from a supplying organisation
(B) to a buying one (A) — every transfer line whose goods left B in the
month, at the quantity that left (A bears transit loss) — priced at the
internal price list the internal price rule names (tax-exclusive, VAT at
the material's rate). Finance of B and finance of A each confirm their own
side (a person of one organisation never confirms the other's; either may
reject, and the rejected list frees its lines for a new one). The
internal invoice of a confirmed settlement posts, in one balanced document
with each organisation's lines in its own books (``org_unit_id``):
B Dr internal receivable (gross) / Cr internal revenue (net) / Cr output
VAT; A Dr internal purchases (net) / Dr input VAT / Cr internal payable
(gross). So B's internal receivable equals A's internal payable."""
from datetime import date

from sqlalchemy import select

from app import clock
from app.actions import BusinessRuleViolation
from app.extensions import db
from app.ledger import journal
from app.ledger.internal_pricing import internal_price
from app.ledger.journal import Line, next_number, post
from app.ledger.money import document_totals, line_amounts, round_price, to_decimal
from app.ledger.months import month_bounds
from app.ledger.org_units import require_member
from app.models import (InternalInvoice, InternalSettlement, InternalSettlementLine, OrgUnit, TransferIn, TransferOrder,
                        TransferOrderLine)

SIDES = ("supplier", "buyer")


def settlement_by_number(number, field: str = "settlement") -> InternalSettlement:
    """Raises BusinessRuleViolation ``unknown_settlement``."""
    found = (db.session.scalar(select(InternalSettlement).where(InternalSettlement.number == number))
             if isinstance(number, str) else None)
    if found is None:
        raise BusinessRuleViolation("unknown_settlement", f"No internal settlement is numbered {number!r}.", field=field)
    return found


def _settled_line_ids() -> set[int]:
    return set(db.session.scalars(select(InternalSettlementLine.transfer_line_id).join(InternalSettlement)
                                  .where(InternalSettlement.status != "rejected")))


def unsettled_transfer_lines(supplier: OrgUnit, buyer: OrgUnit, period: str) -> list[tuple[TransferOrderLine, date]]:
    """[(transfer line, day it left B)] of the month not yet on a live settlement."""
    start, end = month_bounds(period)
    settled = _settled_line_ids()
    rows = db.session.execute(select(TransferOrderLine, TransferIn.out_date).select_from(TransferOrderLine)
                              .join(TransferOrder, TransferOrderLine.transfer_id == TransferOrder.id)
                              .join(TransferIn, TransferIn.transfer_id == TransferOrder.id)
                              .where(TransferOrder.from_org_id == supplier.id, TransferOrder.to_org_id == buyer.id,
                                     TransferIn.out_date >= start, TransferIn.out_date < end, TransferOrderLine.qty_out > 0)
                              .order_by(TransferOrder.id, TransferOrderLine.line_no)).all()
    return [(line, day) for line, day in rows if line.id not in settled]


def make_settlement(supplier: OrgUnit, buyer: OrgUnit, period: str, *, on: date, source_key: str,
                    created_by_id: int | None = None, claimed: list | None = None) -> InternalSettlement:
    """The draft settlement of ``period`` (flushes; posts nothing), each line
    at the internal price valid the day its goods left B. ``claimed``: the
    prices a person typed [{"transfer_no", "line_no", "unit_price"}]; the
    list is priced by the internal price list, never by typing. Raises
    BusinessRuleViolation ``nothing_to_settle``, ``no_internal_price``,
    ``not_sales_organisation``, ``forged_internal_price`` (a typed price
    that is not the list's), ``invalid_month``."""
    found = unsettled_transfer_lines(supplier, buyer, period)
    if not found:
        raise BusinessRuleViolation("nothing_to_settle", f"No transfers from {supplier.code} to {buyer.code} are "
                                    f"unsettled in {period}.", field="period")
    typed = {}
    for entry in claimed or []:
        entry = entry if isinstance(entry, dict) else {}
        typed[(str(entry.get("transfer_no")), str(entry.get("line_no")))] = round_price(to_decimal(entry.get("unit_price"), "lines"))
    built, price_list_id = [], None
    for number, (line, day) in enumerate(found, start=1):
        price = internal_price(supplier, buyer, line.material, day, line.qty_out)
        claim = typed.get((line.transfer.number, str(line.line_no)))
        if claim is not None and claim != price.unit_price:
            raise BusinessRuleViolation("forged_internal_price", f"{line.transfer.number} line {line.line_no}: "
                                        f"{claim} is not the internal price {price.unit_price}.",
                                        {"transfer_no": line.transfer.number, "line_no": line.line_no}, field="lines")
        price_list_id = price.rule.price_list_id
        amounts = line_amounts(line.qty_out, price.unit_price, line.material.tax_rate, tax_inclusive=False)
        built.append(InternalSettlementLine(line_no=number, transfer_line_id=line.id, material_id=line.material_id,
                                            qty=line.qty_out, unit_price=price.unit_price, price_item_id=price.item.id,
                                            tax_rate=line.material.tax_rate, net=amounts.net, tax=amounts.tax,
                                            gross=amounts.gross))
    totals = document_totals(built)
    settlement = InternalSettlement(number=next_number(InternalSettlement, "IS", on), period=period,
                                    supplier_org_id=supplier.id, buyer_org_id=buyer.id, price_list_id=price_list_id,
                                    status="draft", net=totals.net, tax=totals.tax, gross=totals.gross,
                                    source_key=source_key, created_by_id=created_by_id, created_at=clock.now(), lines=built)
    db.session.add(settlement)
    db.session.flush()
    return settlement


def _side_org(settlement: InternalSettlement, side: str) -> OrgUnit:
    if side not in SIDES:
        raise BusinessRuleViolation("invalid_side", "Side must be supplier or buyer.", field="side")
    return settlement.supplier_org if side == "supplier" else settlement.buyer_org


def confirm_side(settlement: InternalSettlement, side: str, *, user_id: int | None, agreed: bool,
                 reason: str | None = None) -> InternalSettlement:
    """Finance of ``side``'s organisation confirms (or rejects, with a
    reason) its side of the draft ``settlement`` (flushes; posts nothing).
    Both confirmed: "confirmed". Raises BusinessRuleViolation
    ``invalid_side``, ``not_finance_of_org`` (a person of the other
    organisation, or not finance), ``settlement_not_draft``,
    ``already_confirmed``, ``reason_required``."""
    org = _side_org(settlement, side)
    require_member(user_id, org, role="finance")
    if settlement.status != "draft":
        raise BusinessRuleViolation("settlement_not_draft", f"Settlement {settlement.number} is {settlement.status}.")
    column = "supplier_confirmed_by_id" if side == "supplier" else "buyer_confirmed_by_id"
    if getattr(settlement, column) is not None:
        raise BusinessRuleViolation("already_confirmed", f"The {side} side of {settlement.number} is confirmed.")
    if agreed:
        setattr(settlement, column, user_id)
        if settlement.supplier_confirmed_by_id and settlement.buyer_confirmed_by_id:
            settlement.status = "confirmed"
    else:
        text = str(reason or "").strip()[:255]
        if not text:
            raise BusinessRuleViolation("reason_required", "Say why the settlement is rejected.", field="reason")
        settlement.status, settlement.rejected_by_id, settlement.rejection_reason = "rejected", user_id, text
    db.session.flush()
    return settlement


def post_internal_invoice(settlement: InternalSettlement, *, on: date, source_key: str) -> InternalInvoice:
    """The internal invoice of a confirmed settlement and its posting (see
    the module); the settlement becomes "invoiced" (flushes). Raises
    BusinessRuleViolation ``settlement_not_confirmed``, ``period_closed``."""
    if settlement.status != "confirmed" or not (settlement.supplier_confirmed_by_id and settlement.buyer_confirmed_by_id):
        raise BusinessRuleViolation("settlement_not_confirmed", f"Settlement {settlement.number} is not confirmed by "
                                    "finance of both organisations.")
    journal.ensure_open(on)
    invoice = InternalInvoice(number=next_number(InternalInvoice, "II", on), settlement_id=settlement.id,
                              supplier_org_id=settlement.supplier_org_id, buyer_org_id=settlement.buyer_org_id,
                              invoice_date=on, net=settlement.net, tax=settlement.tax, gross=settlement.gross,
                              source_key=source_key, created_at=clock.now())
    db.session.add(invoice)
    settlement.status = "invoiced"
    db.session.flush()
    b, a = settlement.supplier_org_id, settlement.buyer_org_id
    post("internal_invoice", invoice.id, on, [
        Line(journal.INTERNAL_RECEIVABLE, "D", invoice.gross, org_unit_id=b),
        Line(journal.INTERNAL_REVENUE, "C", invoice.net, org_unit_id=b),
        Line(journal.OUTPUT_VAT, "C", invoice.tax, org_unit_id=b),
        Line(journal.INTERNAL_PURCHASES, "D", invoice.net, org_unit_id=a),
        Line(journal.INPUT_VAT, "D", invoice.tax, org_unit_id=a),
        Line(journal.INTERNAL_PAYABLE, "C", invoice.gross, org_unit_id=a),
    ], memo=f"internal invoice {settlement.number}")
    return invoice
