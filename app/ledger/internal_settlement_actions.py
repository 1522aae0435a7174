"""F18 internal settlement (内部结算清单): the service-task actions of the
monthly settlement between a supplying and a buying organisation."""
from sqlalchemy import select

from app.actions import ActionCall, action
from app.extensions import db
from app.ledger.dates import parse_date
from app.ledger.internal_settlement import (confirm_side, make_settlement, post_internal_invoice,
                                            settlement_by_number)
from app.ledger.money import money_str, qty_str
from app.ledger.org_units import org_by_code
from app.ledger.ownership import ensure_of_this_request
from app.ledger.posting import posted_once
from app.models import InternalInvoice, InternalSettlement


def settlement_result(settlement: InternalSettlement) -> dict:
    """The JSON the diagram gets for a settlement."""
    invoice = db.session.scalar(select(InternalInvoice).where(InternalInvoice.settlement_id == settlement.id))
    return {"settlement_no": settlement.number, "period": settlement.period, "status": settlement.status,
            "supplier_org": settlement.supplier_org.code, "buyer_org": settlement.buyer_org.code,
            "price_list": settlement.price_list.code, "net": money_str(settlement.net), "tax": money_str(settlement.tax),
            "gross": money_str(settlement.gross), "internal_invoice_no": invoice.number if invoice else None,
            "rejection_reason": settlement.rejection_reason,
            "lines": [{"line_no": line.line_no, "transfer_no": line.transfer_line.transfer.number,
                       "transfer_line_no": line.transfer_line.line_no, "material": line.material.code,
                       "qty": qty_str(line.qty, line.material.qty_scale), "unit_price": str(line.unit_price),
                       "net": money_str(line.net), "tax": money_str(line.tax), "gross": money_str(line.gross)}
                      for line in settlement.lines]}


@action("ledger.prepare_internal_settlement")
def prepare_internal_settlement(call: ActionCall, *, supplier_org: str, buyer_org: str, period: str,
                                date: str | None = None, lines: list | None = None) -> dict:
    """F18 内部结算清单: the month's unsettled transfers from
    ``supplier_org`` to ``buyer_org`` at the internal price list (``lines``:
    prices a person typed, refused unless they are the list's). Posts
    nothing. Result settlement_result. Idempotent per call. Raises
    ``unknown_org_unit``, ``invalid_month``, ``nothing_to_settle``,
    ``no_internal_price``, ``not_sales_organisation``, ``forged_internal_price``."""
    def make() -> InternalSettlement:
        return make_settlement(org_by_code(supplier_org, "supplier_org"), org_by_code(buyer_org, "buyer_org"), period,
                               on=parse_date(date), source_key=call.idempotency_key, created_by_id=call.actor_id,
                               claimed=lines)

    return settlement_result(posted_once(InternalSettlement, call.idempotency_key, make))


@action("ledger.confirm_internal_settlement")
def confirm_internal_settlement(call: ActionCall, *, settlement: str, side: str, agreed: bool = True,
                                reason: str | None = None) -> dict:
    """F18: finance of the ``side`` (supplier | buyer) organisation — the
    person who completed the step — confirms or rejects its side. Posts
    nothing. Result settlement_result. Raises ``unknown_settlement``,
    ``not_this_request``, ``invalid_side``, ``not_finance_of_org``,
    ``settlement_not_draft``, ``already_confirmed``, ``reason_required``."""
    found = settlement_by_number(settlement)
    ensure_of_this_request(call, found, kind="internal settlement")
    confirm_side(found, side, user_id=call.actor_id, agreed=bool(agreed), reason=reason)
    return settlement_result(found)


@action("ledger.post_internal_invoice")
def post_internal_invoice_action(call: ActionCall, *, settlement: str, date: str | None = None) -> dict:
    """F18 内部交易发票: the confirmed settlement's internal invoice posts B's
    internal receivable and revenue and A's internal payable. Result
    settlement_result. Idempotent per call. Raises ``unknown_settlement``,
    ``not_this_request``, ``settlement_not_confirmed``, ``period_closed``."""
    def invoice() -> InternalInvoice:
        found = settlement_by_number(settlement)
        ensure_of_this_request(call, found, kind="internal settlement")
        return post_internal_invoice(found, on=parse_date(date), source_key=call.idempotency_key)

    return settlement_result(posted_once(InternalInvoice, call.idempotency_key, invoice).settlement)
