"""Billable after-sales work (F20) becomes a sales order: one service line
(material SVC001, 维修服务费) at the amount the resolver set, tax-inclusive
at the material's rate, the price approved by the resolver. The order
clerk confirms it and never types the amount: it is read from the posted
resolution. The work is done, so the line counts as delivered when ordered,
and invoicing goes the way of every shipped line (F04)."""
from sqlalchemy import select

from app.actions import ActionCall, BusinessRuleViolation
from app.extensions import db
from app.ledger.journal import today
from app.ledger.orders import create_order
from app.ledger.posting import posted_once
from app.ledger.service_cases import case_of_request
from app.models import Material, User
from app.models.service_case import ServiceCharge, ServiceResolution

SERVICE_MATERIAL = "SVC001"


def _billable_resolution(case) -> ServiceResolution:
    resolution = case.resolutions[-1] if case.resolutions else None
    if resolution is None or resolution.outcome != "billable":
        raise BusinessRuleViolation("not_billable", f"{case.number}'s resolution is not billable work.", field="case")
    if db.session.scalar(select(ServiceCharge.id).where(ServiceCharge.resolution_id == resolution.id)) is not None:
        raise BusinessRuleViolation("already_ordered", f"{case.number}'s billable work is already on an order.",
                                    field="case")
    return resolution


def _charge(call: ActionCall, number: str) -> ServiceCharge:
    case = case_of_request(call, number)
    resolution = _billable_resolution(case)
    if db.session.scalar(select(Material.id).where(Material.code == SERVICE_MATERIAL)) is None:
        raise BusinessRuleViolation("no_service_material", f"No material {SERVICE_MATERIAL} to order service work as.",
                                    field="case")
    resolver = db.session.get(User, resolution.resolved_by_id) if resolution.resolved_by_id else None
    if resolver is None:
        raise BusinessRuleViolation("price_not_approved", "The billable amount has nobody who set it.", field="case")
    order = create_order(case.customer, [{"material": SERVICE_MATERIAL, "qty": 1, "unit_price": resolution.billable_amount,
                                          "tax_inclusive": True, "price_approved_by": resolver.username}],
                         on=today(), source_key=call.idempotency_key, created_by_id=call.actor_id)
    [line] = order.lines
    line.qty_delivered = line.qty  # the work is done: the line waits only for its invoice
    charge = ServiceCharge(case=case, resolution=resolution, order_id=order.id, order_line_id=line.id, qty=line.qty,
                           amount=line.gross, confirmed_by_id=call.actor_id, source_key=call.idempotency_key)
    db.session.add(charge)
    db.session.flush()
    return charge


def order_billable_work(call: ActionCall, case: str) -> ServiceCharge:
    """The order for the case's billable resolution, made once per step
    (flushes): a blue order for the case's customer with one service line at
    the resolution's amount (tax-inclusive), the line delivered, the charge
    row linking it to the case; held like any order over the credit
    limit. Posts no journal entry (revenue is the invoice's, F04). Raises
    BusinessRuleViolation ``unknown_case``, ``not_this_request``,
    ``not_billable``, ``already_ordered``, ``no_service_material``,
    ``price_not_approved``."""
    return posted_once(ServiceCharge, call.idempotency_key, lambda: _charge(call, case))
