"""F14's delivery note (交货单) checked before anyone approves it, and its
settlement terms enforced once it is an order.

Which orders go through F14 (seed 2.2: 非长期客户的常规、现货或计划内产品
订单亦按此流程评审): orders of customers *without* a long-term contract in
force — regular, stock or planned products. A customer with a signed
contract in force on the day orders against it through F01
contract_shipment (合同发货), which checks the order against the contract's
cap and validity; F14 refuses it (``contract_customer_use_contract_shipment``).

Settlement terms (结算方式) travel with the order (``OrderSettlement``):
prepayment (款到发货) releases nothing before the customer's money is in the
ledger; cash on delivery (货到付款) is due the day the goods left; the rest
follow the customer's payment days."""
from datetime import date as date_type, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.ledger.balances import customer_advances_total, exposure
from app.ledger.catalogue import material_by_code
from app.ledger.contracts import terms_on
from app.ledger.customers import refreshed_customer
from app.ledger.dates import parse_date
from app.ledger.money import ZERO, exact_qty, line_amounts, money_str, round_price
from app.models import Contract, Customer, OrderSettlement, SalesOrder, ShippingNote
from app.actions import ActionCall, BusinessRuleViolation, action

PREPAYMENT, CASH_ON_DELIVERY = "prepayment", "cash_on_delivery"
SETTLEMENT_TERMS = (PREPAYMENT, CASH_ON_DELIVERY, "monthly_30", "credit_60", "credit_90", "acceptance_bill", "consignment")


def contract_in_force(customer: Customer, on: date_type) -> Contract | None:
    """The customer's long-term contract in force on ``on`` (signed or
    amended, not closed, not expired), or None."""
    for contract in db.session.scalars(select(Contract).where(Contract.customer_id == customer.id).order_by(Contract.id)):
        terms = terms_on(contract, on)
        if terms is not None and terms.kind != "close" and (terms.valid_to is None or on < terms.valid_to):
            return contract
    return None


def require_shipment_approval_scope(customer: Customer, on: date_type) -> None:
    """F14 is for customers without a long-term contract. Raises
    BusinessRuleViolation ``contract_customer_use_contract_shipment``
    (field ``customer``) naming the contract in force."""
    contract = contract_in_force(customer, on)
    if contract is not None:
        raise BusinessRuleViolation(
            "contract_customer_use_contract_shipment",
            f"{customer.name} has long-term contract {contract.number} in force on {on}: its orders go through "
            f"contract shipment (合同发货, contract_shipment), not shipment approval.",
            {"contract": contract.number, "field": "customer"}, field="customer")


def require_specs(lines: list) -> None:
    """Every line's ``spec`` must be its material's. Raises
    BusinessRuleViolation ``spec_mismatch`` (field ``lines[i].spec``) or
    ``unknown_material``."""
    for index, line in enumerate(lines or []):
        material = material_by_code(line.get("material"), f"lines[{index}].material")
        typed = str(line.get("spec") or "").strip()
        if (material.spec or "").strip() != typed:
            field = f"lines[{index}].spec"
            raise BusinessRuleViolation(
                "spec_mismatch", f"Line {index + 1}: {material.code} is {material.spec!r}, not {typed!r}.",
                {"field": field, "material": material.code, "expected": material.spec}, field=field)


def _note_gross(lines: list) -> Decimal:
    total = ZERO
    for line in lines or []:
        material = material_by_code(line.get("material"), "lines")
        qty = exact_qty(line.get("qty"), material.qty_scale)
        total += line_amounts(qty, round_price(line.get("unit_price")), material.tax_rate, tax_inclusive=True).gross
    return total


@action("ledger.check_delivery_note")
def check_delivery_note(call: ActionCall, *, customer: str, lines: list, settlement_terms: str,
                        date: str | None = None) -> dict:
    """F14, before the dispatcher and the director see the note: the
    customer belongs in F14 (no long-term contract in force), every spec is
    its material's, and — unless the customer pays first — the note fits the
    customer's credit (exposure + the note's gross ≤ limit, not on hold).
    Posts nothing. Result {"gross", "exposure", "credit_limit",
    "prepayment"}. Raises ``contract_customer_use_contract_shipment``,
    ``spec_mismatch``, ``unknown_material``, ``invalid_settlement_terms``,
    ``credit_hold``, ``unknown_customer``."""
    if settlement_terms not in SETTLEMENT_TERMS:
        raise BusinessRuleViolation("invalid_settlement_terms", f"Unknown settlement terms {settlement_terms!r}.",
                                    {"field": "settlement_terms"}, field="settlement_terms")
    on = parse_date(date)
    buyer = refreshed_customer(customer)
    require_shipment_approval_scope(buyer, on)
    require_specs(lines)
    gross, current = _note_gross(lines), exposure(buyer.id)
    if settlement_terms != PREPAYMENT and (buyer.on_hold or current + gross > buyer.credit_limit):
        raise BusinessRuleViolation(
            "credit_hold", f"{buyer.name} would exceed its credit: exposure {money_str(current)} + "
                           f"{money_str(gross)} > limit {money_str(buyer.credit_limit)}.",
            {"field": "settlement_terms", "exposure": money_str(current), "credit_limit": money_str(buyer.credit_limit),
             "gross": money_str(gross)})
    return {"gross": money_str(gross), "exposure": money_str(current), "credit_limit": money_str(buyer.credit_limit),
            "prepayment": settlement_terms == PREPAYMENT}


def record_settlement(order: SalesOrder, terms: str) -> OrderSettlement:
    """Keep the approved settlement terms beside ``order`` (flushes). Raises
    BusinessRuleViolation ``invalid_settlement_terms``."""
    if terms not in SETTLEMENT_TERMS:
        raise BusinessRuleViolation("invalid_settlement_terms", f"Unknown settlement terms {terms!r}.", field="settlement_terms")
    record = OrderSettlement(order_id=order.id, terms=terms, created_at=clock.now())
    db.session.add(record)
    db.session.flush()
    return record


def settlement_of(order: SalesOrder) -> str | None:
    return db.session.scalar(select(OrderSettlement.terms).where(OrderSettlement.order_id == order.id))


def require_prepayment(order: SalesOrder) -> None:
    """款到发货: the customer's money must be in the ledger before the order
    ships — everything it owes with this order counted, its unallocated
    receipts cover it (exposure ≤ 0). Raises BusinessRuleViolation
    ``prepayment_not_received`` with the shortfall."""
    owed = exposure(order.customer_id, extra_order_id=order.id)
    if owed > 0:
        raise BusinessRuleViolation(
            "prepayment_not_received", f"Order {order.number} is paid in advance: {money_str(owed)} has not been received.",
            {"shortfall": money_str(owed), "advance": money_str(customer_advances_total(order.customer_id))})


def due_date(order: SalesOrder, invoice_date: date_type) -> date_type:
    """When an invoice of ``order`` dated ``invoice_date`` falls due: cash on
    delivery — the day the order's goods last left (the invoice date when
    nothing has left yet); otherwise the customer's payment days after the
    invoice date."""
    if settlement_of(order) == CASH_ON_DELIVERY:
        delivered = db.session.scalar(select(func.max(ShippingNote.posted_date)).where(
            ShippingNote.order_id == order.id, ShippingNote.status == "posted"))
        return min(delivered, invoice_date) if delivered is not None else invoice_date
    return invoice_date + timedelta(days=order.customer.payment_days or 0)
